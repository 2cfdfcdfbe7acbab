"""A small IMAP4rev1 server for the tests: the commands imaplib sends for the poller.

LOGIN, AUTHENTICATE XOAUTH2, SELECT, UID SEARCH (ALL, UNSEEN, UNDELETED), UID FETCH
(RFC822.SIZE, BODY.PEEK[]), UID STORE +FLAGS, UID COPY, EXPUNGE, NOOP, LOGOUT, over a real
socket on a free loopback port. Enough to prove the poller right, not a mail server.
"""

import base64
import re
import socketserver
import threading
from dataclasses import dataclass, field


@dataclass
class StoredMail:
    uid: int
    raw: bytes
    flags: set[str] = field(default_factory=set)


@dataclass
class MailStore:
    user: str = "desk"
    password: str = "s3cret"
    token: str = ""  # set to accept XOAUTH2 with this bearer token
    folders: dict[str, list[StoredMail]] = field(default_factory=lambda: {"INBOX": []})
    next_uid: int = 1
    log: list[str] = field(default_factory=list)  # every command as received, for assertions
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, raw: bytes, folder: str = "INBOX", flags: set[str] | None = None) -> int:
        with self.lock:
            uid = self.next_uid
            self.next_uid += 1
            self.folders.setdefault(folder, []).append(StoredMail(uid, raw, set(flags or ())))
            return uid


_TOKEN = re.compile(rb'"((?:[^"\\]|\\.)*)"|(\S+)')


def _args(line: bytes) -> list[str]:
    out = []
    for quoted, bare in _TOKEN.findall(line):
        if quoted:
            out.append(re.sub(rb"\\(.)", rb"\1", quoted).decode())
        else:
            out.append(bare.decode())
    return out


class _Handler(socketserver.StreamRequestHandler):
    store: MailStore

    def send(self, data: bytes | str) -> None:
        self.wfile.write(data.encode() if isinstance(data, str) else data)
        self.wfile.flush()

    def handle(self) -> None:
        self.folder: str | None = None
        self.authenticated = False
        self.send("* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] test server ready\r\n")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            tag, _, rest = line.rstrip(b"\r\n").partition(b" ")
            command, _, arguments = rest.partition(b" ")
            name = command.decode().upper()
            self.store.log.append(f"{name} {arguments.decode(errors='replace')}".strip())
            tag_s = tag.decode()
            try:
                if not getattr(self, f"do_{name}", None):
                    self.send(f"{tag_s} BAD unknown command\r\n")
                    continue
                if not getattr(self, f"do_{name}")(tag_s, arguments):
                    return
            except (ValueError, IndexError, KeyError) as error:
                self.send(f"{tag_s} BAD {error}\r\n")

    def do_CAPABILITY(self, tag, arguments):
        self.send(f"* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n{tag} OK done\r\n")
        return True

    def do_NOOP(self, tag, arguments):
        self.send(f"{tag} OK done\r\n")
        return True

    def do_LOGOUT(self, tag, arguments):
        self.send(f"* BYE bye\r\n{tag} OK done\r\n")
        return False

    def do_LOGIN(self, tag, arguments):
        user, password = _args(arguments)
        if (user, password) != (self.store.user, self.store.password):
            self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid credentials\r\n")
            return True
        self.authenticated = True
        self.send(f"{tag} OK logged in\r\n")
        return True

    def do_AUTHENTICATE(self, tag, arguments):
        if _args(arguments)[0].upper() != "XOAUTH2":
            self.send(f"{tag} NO unsupported\r\n")
            return True
        self.send("+ \r\n")
        answer = base64.b64decode(self.rfile.readline().strip()).decode()
        wanted = f"user={self.store.user}\x01auth=Bearer {self.store.token}\x01\x01"
        if not self.store.token or answer != wanted:
            self.send(f"{tag} NO [AUTHENTICATIONFAILED] invalid token\r\n")
            return True
        self.authenticated = True
        self.send(f"{tag} OK authenticated\r\n")
        return True

    def do_SELECT(self, tag, arguments):
        if not self.authenticated:
            self.send(f"{tag} NO log in first\r\n")
            return True
        (folder,) = _args(arguments)
        if folder not in self.store.folders:
            self.send(f"{tag} NO no such folder\r\n")
            return True
        self.folder = folder
        count = len(self.store.folders[folder])
        self.send(
            f"* {count} EXISTS\r\n* 0 RECENT\r\n* OK [UIDVALIDITY 1] ok\r\n"
            f"* FLAGS (\\Seen \\Deleted)\r\n{tag} OK [READ-WRITE] selected\r\n"
        )
        return True

    def _mails(self) -> list[StoredMail]:
        return self.store.folders[self.folder]

    def _find(self, uid: str) -> tuple[int, StoredMail] | None:
        for number, mail in enumerate(self._mails(), start=1):
            if str(mail.uid) == uid:
                return number, mail
        return None

    def do_EXPUNGE(self, tag, arguments):
        with self.store.lock:
            kept, gone = [], []
            for number, mail in enumerate(self._mails(), start=1):
                (gone if "\\Deleted" in mail.flags else kept).append(number)
            self.store.folders[self.folder] = [
                m for m in self._mails() if "\\Deleted" not in m.flags
            ]
        for offset, number in enumerate(gone):
            self.send(f"* {number - offset} EXPUNGE\r\n")
        self.send(f"{tag} OK expunged\r\n")
        return True

    def do_UID(self, tag, arguments):
        if self.folder is None:
            self.send(f"{tag} NO select a folder first\r\n")
            return True
        command, _, rest = arguments.partition(b" ")
        command = command.decode().upper()
        if command == "SEARCH":
            criteria = {c.upper() for c in _args(rest)}
            found = [
                m.uid for m in self._mails()
                if not ("UNSEEN" in criteria and "\\Seen" in m.flags)
                and not ("UNDELETED" in criteria and "\\Deleted" in m.flags)
            ]  # fmt: skip
            self.send(f"* SEARCH {' '.join(map(str, found))}\r\n{tag} OK searched\r\n".replace(
                "SEARCH \r\n", "SEARCH\r\n"))  # fmt: skip
            return True
        uid, _, what = rest.partition(b" ")
        found = self._find(uid.decode())
        if found is None:
            self.send(f"{tag} OK nothing\r\n")
            return True
        number, mail = found
        what_s = what.decode().upper()
        if command == "FETCH" and "RFC822.SIZE" in what_s:
            self.send(f"* {number} FETCH (UID {mail.uid} RFC822.SIZE {len(mail.raw)})\r\n")
        elif command == "FETCH" and "BODY.PEEK[]" in what_s:
            self.send(f"* {number} FETCH (UID {mail.uid} BODY[] {{{len(mail.raw)}}}\r\n".encode())
            self.send(mail.raw + b")\r\n")
        elif command == "STORE":
            flags = re.findall(r"\\\w+", what.decode())
            with self.store.lock:
                mail.flags.update(flags)
            self.send(
                f"* {number} FETCH (UID {mail.uid} FLAGS ({' '.join(sorted(mail.flags))}))\r\n"
            )
        elif command == "COPY":
            (folder,) = _args(what)
            with self.store.lock:
                self.store.folders.setdefault(folder, []).append(StoredMail(mail.uid, mail.raw))
        else:
            self.send(f"{tag} BAD unsupported UID {command}\r\n")
            return True
        self.send(f"{tag} OK done\r\n")
        return True


class ImapTestServer:
    """Serve ``store`` on a free loopback port on a thread; a context manager."""

    def __init__(self, store: MailStore):
        handler = type("Handler", (_Handler,), {"store": store})
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "ImapTestServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
