"""``servicedesk email-parse FILE.eml``: how the desk reads one raw message, as JSON.

servicedesk email-parse FILE.eml
servicedesk email-parse - < FILE.eml
"""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servicedesk.channels.email.parsing import parse_message
from servicedesk.channels.email.parsing.summary import parse_summary
from servicedesk.core.commands import one_line_usage_errors

# A message larger than this is not mail a desk takes in; reading it whole could fill memory.
MAX_BYTES = 64 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Print the parse of one raw RFC 5322 message as JSON: from_address, to, cc, subject, "
        "date, message_id, in_reply_to, references, body_text, reply_text, has_html, "
        "attachments [{filename, content_type, size}], is_auto_reply, is_bounce. FILE '-' "
        "reads standard input. A file that cannot be read: one line on stderr, exit status 2."
    )
    # Pure parsing: no database, and the project's checks have nothing to say about it.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE.eml", help="the raw message; - for stdin")

    def handle(self, *args, file: str, **options):
        raw = _read(file)
        summary = parse_summary(parse_message(raw))
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))


def _read(name: str) -> bytes:
    try:
        if name == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with Path(name).open("rb") as source:
                raw = source.read(MAX_BYTES + 1)
    except OSError as error:
        raise CommandError(f"cannot read {name}: {error.strerror or error}", returncode=2) from None
    if len(raw) > MAX_BYTES:
        raise CommandError(f"{name} is over {MAX_BYTES // (1024 * 1024)} MiB", returncode=2)
    if not raw.strip():
        raise CommandError(f"{name} is empty", returncode=2)
    return raw
