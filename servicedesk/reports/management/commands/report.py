"""``servicedesk report NAME``: print a report as JSON or CSV; ``--list`` names them.

servicedesk report volume --from 2026-03-01 --to 2026-03-31 --interval day --format csv
servicedesk report sla --by priority --filter kind=incident
"""

import csv
import json

from django.core.management.base import BaseCommand, CommandError

from servicedesk.core.commands import one_line_usage_errors
from servicedesk.reports.query import parse_filter
from servicedesk.reports.rendering import info_as_dict, result_as_csv_rows, result_as_dict
from servicedesk.reports.selectors import ReportError, report_list, report_query_parse, report_run
from servicedesk.reports.types import INTERVALS


class Command(BaseCommand):
    help = (
        "Print a report (servicedesk report --list names them) over every ticket, as JSON or "
        "CSV. Dates are days of the desk's time zone, both included. docs/metrics.md defines "
        "every figure. A bad name, field, value or date: one line on stderr, exit status 2."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        return one_line_usage_errors(super().create_parser(prog_name, subcommand, **kwargs))

    def add_arguments(self, parser):
        parser.add_argument("name", nargs="?", metavar="NAME", help="the report")
        parser.add_argument("--list", action="store_true", help="list the reports")
        parser.add_argument("--from", dest="date_from", metavar="DATE", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", metavar="DATE", help="YYYY-MM-DD, included")
        parser.add_argument("--by", metavar="FIELD", help="cut by a field (--list says which)")
        parser.add_argument(
            "--interval", metavar="|".join(INTERVALS), help="periods of volume and backlog"
        )
        parser.add_argument(
            "--filter", action="append", default=[], metavar="FIELD=VALUE",
            help="only tickets with this value (repeatable), e.g. priority=1, group=Network",
        )  # fmt: skip
        parser.add_argument("--format", choices=("json", "csv"), default="json")

    def handle(self, *args, name, list: bool, format: str, **options):
        if list:
            return self._list(format)
        if not name:
            raise CommandError("name a report, or --list to see them", returncode=2)
        params = {"from": options["date_from"], "to": options["date_to"], "by": options["by"],
                  "interval": options["interval"]}  # fmt: skip
        try:
            for text in options["filter"]:
                key, value = parse_filter(text)
                if key in params or key in ("name", "format", "filter"):
                    raise ReportError(f"{key} is not a field to filter by.")
                params[key] = value
            query = report_query_parse({k: v for k, v in params.items() if v is not None},
                                       name=name)  # fmt: skip
            result = report_run(user=None, query=query)
        except ReportError as error:
            raise CommandError(str(error), returncode=2) from None
        if format == "csv":
            csv.writer(self.stdout, lineterminator="\n").writerows(result_as_csv_rows(result))
        else:
            self.stdout.write(json.dumps(result_as_dict(result), indent=2, default=str))

    def _list(self, format: str) -> None:
        infos = report_list()
        if format == "json":
            self.stdout.write(json.dumps([info_as_dict(i) for i in infos], indent=2))
            return
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["name", "title", "by", "description"])
            for i in infos:
                writer.writerow([i.name, i.title, " ".join(i.by), i.description])
            return
