"""``servicedesk generate-tickets N``: add N realistic tickets with their history, in bulk."""

import re
from datetime import UTC, datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from servicedesk.core import clock
from servicedesk.core.commands import one_line_usage_errors
from servicedesk.core.errors import ValidationFailed
from servicedesk.tickets.generate.writer import (
    MAX_BATCH,
    MAX_TICKETS,
    GenerateStopped,
    GenerateSummary,
    generate_tickets,
)

_WHOLE = re.compile(r"[0-9]{1,12}")
# Five years of history before it stay after 1970, where every platform's timestamps work.
EARLIEST_END = datetime(1976, 1, 1, tzinfo=UTC)


def _usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _whole(value: str, *, name: str, low: int, high: int) -> int:
    # ASCII digits only: int() would also take "1_000", " 5" and other scripts' digits.
    if not _WHOLE.fullmatch(value) or not low <= int(value) <= high:
        raise _usage_error(
            f"{name} must be a whole number from {low:,} to {high:,}, not {value!r}."
        )
    return int(value)


def _moment(value: str, *, name: str) -> datetime:
    """An ISO 8601 time no later than now; a date means its midnight in the desk's time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment is None or not EARLIEST_END <= moment <= clock.now():
        raise _usage_error(
            f"{name} must be an ISO 8601 time from {EARLIEST_END:%Y-%m-%d} to now, "
            f"such as 2026-01-31T17:00+01:00, not {value!r}."
        )
    return moment


class Command(BaseCommand):
    help = (
        "Add N tickets with their events and comments, created over the last five years, with "
        "the distributions of the real ServiceNow log (tickets/generate/profile.json). The "
        "generated people, groups and categories are created on the first run and reused. "
        "Running it again adds N more. The history ends now, or at --until: the same --seed "
        "and --until give the same tickets. Progress goes to stderr, a summary to stdout."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        # Read as text and checked in handle(), so a bad value is one line, not argparse usage.
        parser.add_argument("count", metavar="N", help=f"tickets to add (1 to {MAX_TICKETS:,})")
        parser.add_argument("--seed", default="0", help="the same seed gives the same tickets")
        parser.add_argument("--batch", default="5000", help="tickets per transaction")
        parser.add_argument(
            "--until",
            default=None,
            metavar="TIME",
            help="where the history ends, ISO 8601 (2026-01-31 or 2026-01-31T17:00+01:00; "
            "without an offset in the desk's time zone); default: now",
        )

    def handle(
        self,
        *args,
        count: str,
        seed: str,
        batch: str,
        until: str | None = None,
        verbosity: int = 1,
        **options,
    ):
        count_n = _whole(count.strip(), name="N", low=1, high=MAX_TICKETS)
        seed_n = _whole(seed.strip(), name="--seed", low=0, high=10**12 - 1)
        batch_n = _whole(batch.strip(), name="--batch", low=1, high=MAX_BATCH)
        end = _moment(until.strip(), name="--until") if until is not None else None
        try:
            summary = generate_tickets(
                count=count_n,
                seed=seed_n,
                batch=batch_n,
                now=end,
                progress=self._progress if verbosity >= 1 else None,
            )
        except ValidationFailed as exc:
            raise _usage_error(exc.message) from exc
        except GenerateStopped as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(_report(summary))

    def _progress(self, done: int, total: int, seconds: float) -> None:
        rate = done / seconds if seconds > 0 else 0
        self.stderr.write(f"generated {done:,}/{total:,} tickets in {seconds:.0f}s ({rate:,.0f}/s)")


def _report(summary: GenerateSummary) -> str:
    return "\n".join(
        [
            f"tickets: {summary.tickets}",
            f"events: {summary.events}",
            f"comments: {summary.comments}",
            f"users: {summary.users} ({summary.users_created} created now)",
            f"seconds: {summary.seconds:.1f}",
            f"tickets/s: {summary.rate:.0f}",
        ]
    )
