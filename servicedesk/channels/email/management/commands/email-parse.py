"""``servicedesk email-parse FILE.eml``: how the desk reads one raw message, as JSON.

servicedesk email-parse FILE.eml
servicedesk email-parse - < FILE.eml
"""

import json

from django.core.management.base import BaseCommand

from servicedesk.channels.email.parsing import parse_message
from servicedesk.channels.email.parsing.summary import parse_summary
from servicedesk.core.commands import one_line_usage_errors, read_input

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
        raw = read_input(file, max_bytes=MAX_BYTES)
        summary = parse_summary(parse_message(raw))
        self.stdout.write(json.dumps(summary, ensure_ascii=False, indent=2))
