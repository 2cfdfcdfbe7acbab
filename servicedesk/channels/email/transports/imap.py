"""Polling a mailbox over IMAP (imaplib).

Each message is fetched without marking it read (BODY.PEEK[]), stored, and processed inline;
only once its ticket (or its quarantine) is committed is it flagged \\Seen or moved to the
processed folder. A crash in between leaves it on the server: the next poll fetches it again,
and processing recognises it by its Message-ID. Nothing is ever deleted before it is stored.
"""

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings

from servicedesk.channels.email.choices import (
    AfterFetch,
    ImapAuth,
    ImapSecurity,
    InboundState,
    Transport,
)
from servicedesk.channels.email.models import Mailbox
from servicedesk.channels.email.services import inbound_message_process, inbound_message_store
from servicedesk.core import clock
from servicedesk.core.errors import ValidationFailed

TIMEOUT = 60  # seconds for the server to answer any one command
BATCH = 200  # messages per poll; the rest wait for the next minute
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class ImapError(Exception):
    """The server refused or broke off; the poll stops and says why on the mailbox."""


# What a poll can meet: the network, the server, and UnicodeError for settings imaplib cannot
# send (a host label over 63 characters, a password that is not ASCII for LOGIN).
FAILURES = (OSError, imaplib.IMAP4.error, UnicodeError)


@dataclass
class PollResult:
    fetched: int = 0
    stored: list[int] = field(default_factory=list)  # InboundMessage ids
    skipped: list[str] = field(default_factory=list)  # why a message was left on the server


def _quote(name: str) -> str:
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    host, port = mailbox.imap_host, mailbox.imap_port
    if mailbox.imap_security == ImapSecurity.IMAPS:
        return imaplib.IMAP4_SSL(
            host, port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT
        )
    client = imaplib.IMAP4(host, port, timeout=TIMEOUT)
    if mailbox.imap_security == ImapSecurity.STARTTLS:
        client.starttls(ssl_context=ssl.create_default_context())
    return client


def _login(client: imaplib.IMAP4, mailbox: Mailbox) -> None:
    secret = mailbox.imap_password()
    if mailbox.imap_auth == ImapAuth.XOAUTH2:
        token = f"user={mailbox.imap_username}\x01auth=Bearer {secret}\x01\x01".encode()
        client.authenticate("XOAUTH2", lambda challenge: token)
    else:
        client.login(mailbox.imap_username, secret)


def _ok(answer: tuple, what: str) -> list:
    status, data = answer
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise ImapError(f"{what} failed: {detail or status}")
    return data


def _literal(data: list) -> bytes | None:
    """The message bytes in a FETCH answer: the literal of its first part."""
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    return None


def mailbox_poll(*, mailbox: Mailbox, limit: int = BATCH) -> PollResult:
    """Fetch, store and process what waits in the mailbox's folder; record how it went."""
    result = PollResult()
    try:
        client = connect(mailbox)
    except FAILURES as error:
        _record(mailbox, f"Cannot connect to {mailbox.imap_host}:{mailbox.imap_port}: {error}")
        raise ImapError(str(error)) from error
    try:
        _login(client, mailbox)
        _ok(client.select(_quote(mailbox.imap_folder)), f"SELECT {mailbox.imap_folder}")
        moving = mailbox.imap_after_fetch == AfterFetch.MOVE
        criteria = "UNDELETED" if moving else "UNSEEN UNDELETED"
        found = _ok(client.uid("SEARCH", None, criteria), "UID SEARCH")
        uids = (found[0] or b"").split()[:limit]
        moved = False
        for uid in uids:
            if not _one(client, mailbox, uid.decode(), result, moving):
                break
            moved = moved or moving
        if moved:
            _ok(client.expunge(), "EXPUNGE")
        _record(mailbox, "")
    except (*FAILURES, ImapError) as error:
        _record(mailbox, f"{type(error).__name__}: {error}")
        raise ImapError(str(error)) from error
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return result


def _one(
    client: imaplib.IMAP4,
    mailbox: Mailbox,
    uid: str,
    result: PollResult,
    moving: bool,
) -> bool:
    """Take one message; False when the poll should stop here (the database is unavailable)."""
    limit = settings.SERVICEDESK_EMAIL_MAX_BYTES
    sized = _ok(client.uid("FETCH", uid, "(RFC822.SIZE)"), f"UID FETCH {uid} size")
    size = _SIZE.search(b" ".join(x for x in sized if isinstance(x, bytes)) or b"")
    if size and int(size.group(1)) > limit:
        # Left unread on the server, where a person can see it: never silently dropped.
        result.skipped.append(f"UID {uid}: {int(size.group(1)):,} bytes, over {limit:,}")
        return True
    raw = _literal(_ok(client.uid("FETCH", uid, "(BODY.PEEK[])"), f"UID FETCH {uid}"))
    result.fetched += 1
    if not raw:
        result.skipped.append(f"UID {uid}: the server sent no content")
        return True
    try:
        stored = inbound_message_store(mailbox=mailbox, raw=raw, transport=Transport.IMAP)
    except ValidationFailed as error:
        result.skipped.append(f"UID {uid}: {error.message}")
        return True
    result.stored.append(stored.pk)
    processed = inbound_message_process(message_id=stored.pk)
    if processed.state == InboundState.RECEIVED:
        return False  # not finished: leave it on the server, the recovery job takes it up
    if moving:
        _ok(client.uid("COPY", uid, _quote(mailbox.imap_move_to)), f"UID COPY {uid}")
        _ok(client.uid("STORE", uid, "+FLAGS", "(\\Deleted)"), f"UID STORE {uid}")
    else:
        _ok(client.uid("STORE", uid, "+FLAGS", "(\\Seen)"), f"UID STORE {uid}")
    return True


def _record(mailbox: Mailbox, error: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=clock.now(), last_poll_error=error[:2000]
    )
