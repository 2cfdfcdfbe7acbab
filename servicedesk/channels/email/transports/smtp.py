"""The SMTP listener (aiosmtpd): direct delivery from an MTA or a mail provider.

A recipient is accepted only if it is the address of an active mailbox (the allowed-recipients
list is the mailbox table); anything else gets 550 at RCPT, so the sending server bounces it to
its sender instead of the desk losing it. The 250 after DATA is sent only once the raw message
is committed; if the database is unavailable the answer is 451 and the sender retries.
"""

import asyncio
import contextlib
import logging
import socket
import threading

from aiosmtpd.smtp import SMTP, Envelope, Session
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import DatabaseError, close_old_connections, connections

from servicedesk.channels.email.choices import Transport
from servicedesk.channels.email.selectors import mailbox_for_address
from servicedesk.channels.email.transports.common import receive
from servicedesk.core.errors import ValidationFailed

logger = logging.getLogger(__name__)


def _allowed(address: str) -> bool:
    close_old_connections()
    return mailbox_for_address(address) is not None


def _store(rcpt_tos: list[str], raw: bytes, mail_from: str) -> int:
    """One stored message per mailbox among the recipients; the number stored."""
    close_old_connections()
    stored = 0
    for address in dict.fromkeys(a.lower() for a in rcpt_tos):
        mailbox = mailbox_for_address(address)
        if mailbox is not None:
            receive(mailbox=mailbox, raw=raw, transport=Transport.SMTP, envelope_from=mail_from)
            stored += 1
    return stored


class InboundHandler:
    """aiosmtpd's handler: RCPT checks the recipient, DATA stores the message."""

    async def handle_RCPT(self, server, session: Session, envelope: Envelope, address, options):
        try:
            allowed = await sync_to_async(_allowed)(address)
        except DatabaseError:
            return "451 4.3.0 Cannot check the recipient now; try again later"
        if not allowed:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session: Session, envelope: Envelope):
        raw = envelope.original_content or b""
        try:
            stored = await sync_to_async(_store)(
                list(envelope.rcpt_tos), raw, envelope.mail_from or ""
            )
        except ValidationFailed as error:
            code = "552 5.3.4" if error.code == "message_too_large" else "554 5.6.0"
            return f"{code} {error.message}"
        except DatabaseError:
            logger.exception("SMTP listener: cannot store a message")
            return "451 4.3.0 Cannot store the message now; try again later"
        if not stored:
            return "550 5.1.1 No such mailbox here"
        return "250 2.0.0 Message stored"


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening socket (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(100)
    sock.setblocking(False)
    return sock


def smtp_factory(hostname: str | None = None):
    def make() -> SMTP:
        return SMTP(
            InboundHandler(),
            data_size_limit=settings.SERVICEDESK_EMAIL_MAX_BYTES,
            hostname=hostname,
            enable_SMTPUTF8=True,
            decode_data=False,
        )

    return make


async def serve(sock: socket.socket, stop: asyncio.Event, hostname: str | None = None) -> None:
    """Answer SMTP on ``sock`` until ``stop`` is set."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(smtp_factory(hostname), sock=sock)
    async with server:
        await stop.wait()


class SmtpListener:
    """The listener on a thread of its own: ``servicedesk smtp-listen`` and the tests."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, hostname: str | None = None):
        self.sock = listening_socket(host, port)
        self.host, self.port = self.sock.getsockname()[:2]
        self.hostname = hostname
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="smtp-listener", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            self._ready.set()
            await serve(self.sock, self._stop, self.hostname)

        asyncio.run(main())

    def start(self) -> "SmtpListener":
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            # The database connection lives in the thread that ran the handlers: close it there.
            closing = asyncio.run_coroutine_threadsafe(
                sync_to_async(connections.close_all)(), self._loop
            )
            with contextlib.suppress(Exception):
                closing.result(10)
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def wait(self) -> None:
        self._thread.join()
