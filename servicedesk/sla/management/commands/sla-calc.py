"""``servicedesk sla-calc``: the SLA arithmetic on a calendar file, without a database.

servicedesk sla-calc --calendar CAL.json --start ISO8601 --target 8h30m [--pause A/B ...]
servicedesk sla-calc --calendar CAL.json --start ISO8601 --until ISO8601 [--pause A/B ...]
"""

import json
from datetime import datetime, tzinfo
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from servicedesk.core.commands import one_line_usage_errors
from servicedesk.sla.calc import due_answer, elapsed_answer, read_instant
from servicedesk.sla.calendar import Calendar, calendar_from_dict
from servicedesk.sla.clock import Pause, due_at, elapsed, parse_duration


class Command(BaseCommand):
    help = (
        'Print {"due": ..., "due_local": ...} for --target (8h30m, 45m, PT8H30M), or '
        '{"elapsed_seconds": N} for --until, on the business calendar CAL.json (docs/admin-guide'
        ".md, Business calendars). Times without an offset are read in the calendar's zone. "
        '--pause START/END (repeatable; END empty: paused now, "due" is null). Bad input: one '
        "line on stderr and exit status 2."
    )
    # Pure arithmetic: the project's checks (and their database look-ups) have nothing to say.
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("--calendar", required=True, type=Path, metavar="CAL.json")
        parser.add_argument("--start", required=True, metavar="ISO8601")
        wanted = parser.add_mutually_exclusive_group(required=True)
        wanted.add_argument("--target", metavar="DURATION", help="8h30m, 45m, 90s, PT8H30M")
        wanted.add_argument("--until", metavar="ISO8601", help="print the business time to it")
        parser.add_argument("--pause", action="append", default=[], metavar="START/END")

    def handle(self, *args, calendar: Path, start: str, target, until, pause, **options):
        try:
            cal = _read_calendar(calendar)
            begin = _instant(start, zone=cal.zone, option="--start")
            pauses = [_pause(text, zone=cal.zone) for text in pause]
            if target is not None:
                due = due_at(
                    calendar=cal, start=begin, target=parse_duration(target), pauses=pauses
                )
                answer = due_answer(due, zone=cal.zone)
            else:
                end = _instant(until, zone=cal.zone, option="--until")
                answer = elapsed_answer(elapsed(calendar=cal, start=begin, end=end, pauses=pauses))
        except (ValueError, OverflowError) as error:
            raise CommandError(str(error), returncode=2) from None
        self.stdout.write(json.dumps(answer))


CALENDAR_MAX_BYTES = 1024 * 1024


def _read_calendar(path: Path) -> Calendar:
    try:
        # Read at most a byte past the cap: a calendar is a few kilobytes, /dev/zero is endless.
        with path.open("rb") as source:
            raw = source.read(CALENDAR_MAX_BYTES + 1)
        text = raw.decode("utf-8")
    except OSError as error:
        raise ValueError(f"cannot read calendar {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ValueError(f"calendar {path} is not UTF-8 text") from None
    if len(raw) > CALENDAR_MAX_BYTES:
        raise ValueError(f"calendar {path} is over {CALENDAR_MAX_BYTES // 1024} KiB")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"calendar {path} is not JSON: {error}") from None
    except RecursionError:
        raise ValueError(f"calendar {path} is nested too deeply") from None
    try:
        return calendar_from_dict(data)
    except ValueError as error:
        raise ValueError(f"calendar {path}: {error}") from None


def _instant(text: str, *, zone: tzinfo, option: str) -> datetime:
    try:
        return read_instant(text, zone=zone)
    except ValueError as error:
        raise ValueError(f"{option}: {error}") from None


def _pause(text: str, *, zone: tzinfo) -> Pause:
    begin, slash, end = text.partition("/")
    if not slash:
        raise ValueError(f"--pause: {text!r} is not START/END (END empty: paused now)")
    start = _instant(begin, zone=zone, option="--pause")
    return start, _instant(end, zone=zone, option="--pause") if end.strip() else None
