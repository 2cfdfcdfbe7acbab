"""``servicedesk ingest-email [--mailbox ADDRESS]``: one raw message from stdin (a Postfix pipe).

Exit status, as sysexits.h names them, so the MTA knows what to do with the mail:
0 stored (processing follows in the worker); 64 bad arguments; 65 the input is not a message
(empty, or over SERVICEDESK_EMAIL_MAX_BYTES: the MTA bounces it); 67 no such mailbox; 75 the
database is unavailable (the MTA keeps the mail and retries). Errors: one line on stderr.
"""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from servicedesk.channels.email.choices import Transport
from servicedesk.channels.email.transports.common import mailbox_for, receive
from servicedesk.core.commands import one_line_usage_errors
from servicedesk.core.errors import ValidationFailed

EX_USAGE, EX_DATAERR, EX_NOUSER, EX_TEMPFAIL = 64, 65, 67, 75


class Command(BaseCommand):
    help = (
        "Store one raw RFC 5322 message read from stdin for the mailbox ADDRESS (else the "
        "mailbox its headers address) and queue it for processing. Exit 0 stored, 65 not a "
        "message (empty or too large), 67 no such mailbox, 75 database unavailable (retry)."
    )
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser, returncode=EX_USAGE)

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", default="", metavar="ADDRESS", help="e.g. ${recipient}")
        parser.add_argument(
            "--sender", default="", metavar="ADDRESS", help="the envelope sender (${sender})"
        )

    def handle(self, *args, mailbox: str, sender: str, **options):
        limit = settings.SERVICEDESK_EMAIL_MAX_BYTES
        stdin = getattr(options.get("stdin"), "buffer", None) or options.get("stdin")
        source = stdin or sys.stdin.buffer
        raw = source.read(limit + 1)
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        if not raw.strip():
            raise CommandError("The message is empty.", returncode=EX_DATAERR)
        try:
            target = mailbox_for(raw, mailbox)
            message = receive(
                mailbox=target, raw=raw, transport=Transport.PIPE, envelope_from=sender
            )
        except ValidationFailed as error:
            code = EX_NOUSER if error.code in ("unknown_mailbox", "mailbox_off") else EX_DATAERR
            raise CommandError(error.message, returncode=code) from None
        except DatabaseError as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else ""
            reason = f"The database is unavailable ({first or type(error).__name__})"
            raise CommandError(f"{reason}; try again later.", returncode=EX_TEMPFAIL) from None
        if options.get("verbosity", 1) > 1:
            self.stdout.write(f"stored message {message.pk} for {target.address}")
