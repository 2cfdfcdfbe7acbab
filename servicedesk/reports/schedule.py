"""When a subscription is mailed and which days each mailing covers: pure date arithmetic.

A weekly report goes out on Monday at SEND_HOUR (the desk's time zone) and covers Monday to
Sunday of the week before; a monthly one on the 1st at SEND_HOUR and covers the month before.
Times are computed from local dates and then made aware, so a mailing after a DST change is
still at SEND_HOUR local time.
"""

from datetime import UTC, date, datetime, time, timedelta

from django.utils import timezone

from servicedesk.reports.choices import Frequency

SEND_HOUR = 6


def _at(day: date) -> datetime:
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time(SEND_HOUR), tzinfo=zone).astimezone(UTC)


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def next_run_after(frequency: str, after: datetime) -> datetime:
    """The first mailing time strictly after ``after``."""
    zone = timezone.get_default_timezone()
    local = after.astimezone(zone).date()
    if frequency == Frequency.WEEKLY:
        day = local - timedelta(days=local.weekday())  # this week's Monday
        while _at(day) <= after:
            day += timedelta(days=7)
        return _at(day)
    if frequency == Frequency.MONTHLY:
        day = local.replace(day=1)
        while _at(day) <= after:
            day = _first_of_next_month(day)
        return _at(day)
    raise ValueError(f"Unknown frequency {frequency!r}.")


def period_before(frequency: str, run_at: datetime) -> tuple[date, date]:
    """The days (both included) a mailing at ``run_at`` covers: the week or month before."""
    zone = timezone.get_default_timezone()
    day = run_at.astimezone(zone).date()
    if frequency == Frequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return monday - timedelta(days=7), monday - timedelta(days=1)
    if frequency == Frequency.MONTHLY:
        last = day.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    raise ValueError(f"Unknown frequency {frequency!r}.")
