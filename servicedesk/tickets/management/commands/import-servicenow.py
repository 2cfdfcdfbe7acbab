"""``servicedesk import-servicenow PATH``: import a ServiceNow incident event log (zip or CSV)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servicedesk.tickets.imports.bulk import gc_paused
from servicedesk.tickets.imports.servicenow import ParsedLog, parse_log
from servicedesk.tickets.imports.servicenow_file import LogUnreadable, open_log
from servicedesk.tickets.imports.servicenow_write import (
    ImportStopped,
    ImportSummary,
    servicenow_import,
)


class Command(BaseCommand):
    help = (
        "Import a ServiceNow incident event log (incident_event_log.csv, bare or zipped): one "
        "ticket per incident, one imported event per update. Running it again skips incidents "
        "already imported. Times are read in the desk's time zone (TIME_ZONE). A row it cannot "
        "read is reported on stderr with its line number and its incident is left out whole; "
        "the rest is imported, and a run with the corrected file adds the incidents left out. "
        "Exits with 0 when everything was imported, 1 when rows were skipped or the database "
        "failed (the batch it hit is rolled back), 2 when the file cannot be read at all."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="incident_event_log.csv or a zip holding it")

    def handle(self, *args, path: Path, verbosity: int = 1, **options):
        started = time.monotonic()
        with gc_paused():
            log = self._read(path)
            if verbosity >= 1:
                self.stderr.write(
                    f"read {log.rows} rows of {len(log.incidents) + len(log.left_out)} "
                    f"incidents in {time.monotonic() - started:.1f}s"
                )
            try:
                summary = servicenow_import(
                    log=log, progress=self._progress if verbosity >= 1 else None
                )
            except ImportStopped as exc:
                raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(_report(path, summary, time.monotonic() - started))
        if log.problems:
            raise CommandError(
                f"{path}: {_count(len(log.problems), 'unreadable row')} skipped and "
                f"{_count(len(log.left_out), 'incident')} left out; correct the rows and run "
                "the import again to add them",
                returncode=1,
            )

    def _read(self, path: Path) -> ParsedLog:
        try:
            with open_log(path) as stream:
                log = parse_log(stream, tz=timezone.get_default_timezone())
        except LogUnreadable as exc:
            raise CommandError(f"{path}: {exc}", returncode=2) from exc
        for problem in log.problems:
            self.stderr.write(
                f"{path.name} line {problem.line}: {problem.reason}; row skipped"
                + ("" if problem.number else _NO_NUMBER)
            )
        if log.left_out:
            self.stderr.write(
                f"{path.name}: left out because of the unreadable rows, none of their rows "
                f"imported: {', '.join(log.left_out)}"
            )
        return log

    def _progress(self, done: int, total: int) -> None:
        self.stderr.write(f"imported {done}/{total} incidents")


_NO_NUMBER = (
    " (its incident number cannot be read, so the incidents of the rows before and after it "
    "are left out)"
)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _report(path: Path, summary: ImportSummary, seconds: float) -> str:
    lines = [
        f"ServiceNow import of {path.name}",
        f"incidents created: {summary.incidents_created}",
        f"incidents skipped as already imported: {summary.incidents_skipped}",
        f"incidents renumbered (number taken by another ticket): {summary.incidents_renumbered}",
        f"events created: {summary.events_created}",
        f"users created: {summary.users_created}",
        f"groups created: {summary.groups_created}",
        f"group memberships created: {summary.memberships_created}",
        f"categories created: {summary.categories_created}",
        f"subcategories created: {summary.subcategories_created}",
        f"configuration items created: {summary.configuration_items_created}",
        f"rows skipped as unreadable: {summary.rows_skipped}",
        f"incidents left out for unreadable rows: {summary.incidents_left_out}",
        f"their readable rows, not imported: {summary.rows_left_out}",
        f"seconds: {seconds:.1f}",
    ]
    return "\n".join(lines)
