"""``servicedesk eventlog-export --format csv|xes [filters] > FILE``: the process-mining log."""

from django.core.management.base import BaseCommand, CommandError

from servicedesk.core.commands import one_line_usage_errors
from servicedesk.reports.eventlog import EventLogError, eventlog_query_parse, eventlog_stream

FILTERS = (
    "from",
    "to",
    "kind",
    "priority",
    "channel",
    "category",
    "group",
    "agent",
    "organisation",
)


class Command(BaseCommand):
    help = (
        "Print every ticket event as a process-mining event log: CSV (case, activity, timestamp, "
        "resource, then the case's attributes) or XES (IEEE 1849). Filters choose the cases: "
        "--from/--to (days the tickets were created, YYYY-MM-DD, both included), --kind, "
        "--priority, --channel (repeatable or comma-separated), --category, --group, --agent, "
        "--organisation (an id or a name). Every event of a chosen ticket is printed, internal ones too: the "
        "command runs with the database's own rights. Bad input: one line on stderr, exit 2."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=("csv", "xes"))
        parser.add_argument("--from", dest="from", metavar="YYYY-MM-DD")
        parser.add_argument("--to", dest="to", metavar="YYYY-MM-DD")
        for name in ("kind", "priority", "channel"):
            parser.add_argument(f"--{name}", action="append", default=[])
        for name in ("category", "group", "agent", "organisation"):
            parser.add_argument(f"--{name}", metavar="ID|NAME")

    def handle(self, *args, format: str, **options):
        params = {name: options[name] for name in FILTERS if options.get(name)}
        try:
            query = eventlog_query_parse(params)
        except EventLogError as error:
            raise CommandError(str(error), returncode=2) from None
        # Piece by piece as the rows are read, never the whole log at once.
        for piece in eventlog_stream(user=None, query=query, format=format):
            self.stdout.write(piece, ending="")
        self.stdout.flush()
