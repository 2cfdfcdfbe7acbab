"""``servicedesk alert-parse SOURCE FILE.json``: how the desk reads one notification, as JSON.

SOURCE is a tool (alertmanager, grafana, zabbix, ... see ``--help``) or the slug of a
configured source (then its generic JSON mapping applies). FILE '-' reads standard input.
"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from servicedesk.channels.alerts.parsing import PARSERS, ParseError, parse_alerts
from servicedesk.core.commands import one_line_usage_errors, read_input

MAX_BYTES = 16 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Print the normalised alert(s) of one notification body as JSON: event, dedup_key, "
        "title, severity, host, service, alert_count, then key, labels, links, started_at, "
        "ended_at, members, delivery_id. One alert prints an object, several a list. "
        f"SOURCE: one of {', '.join(PARSERS)}, or a configured source's slug. A bad file or "
        "unknown source: one line on stderr, exit status 2."
    )
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="SOURCE", help="the tool, or a source's slug")
        parser.add_argument("file", metavar="FILE.json", help="the body; - for stdin")
        parser.add_argument(
            "--mapping", metavar="MAPPING.json", help="generic: the JSON-path mapping to use"
        )

    def handle(self, *args, source: str, file: str, mapping: str | None = None, **options):
        kind, source_mapping = _kind(source)
        if mapping:
            try:
                source_mapping = json.loads(read_input(mapping, max_bytes=MAX_BYTES))
            except ValueError:
                raise CommandError(f"{mapping} is not JSON", returncode=2) from None
        raw = read_input(file, max_bytes=MAX_BYTES)
        try:
            alerts = parse_alerts(raw, kind, mapping=source_mapping)
        except ParseError as error:
            raise CommandError(f"{file}: {error.message}", returncode=2) from None
        summaries = [alert.summary() for alert in alerts]
        shown = summaries[0] if len(summaries) == 1 else summaries
        self.stdout.write(json.dumps(shown, ensure_ascii=False, indent=2))


def _kind(source: str) -> tuple[str, dict | None]:
    if source in PARSERS:
        return source, None
    from servicedesk.channels.alerts.models import AlertSource

    try:
        found = AlertSource.objects.filter(slug=source).values("kind", "mapping").first()
    except DatabaseError:
        found = None
    if found is None:
        raise CommandError(
            f"unknown source {source!r}: use one of {', '.join(PARSERS)} or a source's slug",
            returncode=2,
        )
    return found["kind"], found["mapping"]
