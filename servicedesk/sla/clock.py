"""Business-time arithmetic for SLA clocks: when a target falls due, how much time has elapsed.

Pure functions of aware datetimes (any offset in, UTC out) and a ``Calendar``; no database.

- The clock runs only inside working intervals (``spans`` says how they meet DST). A start
  outside them starts the clock at the next working instant.
- ``due_at`` is the earliest instant at which the target is used up: a target used up exactly
  at closing time is due at closing time, not at the next opening.
- A zero target is due where the clock starts: the first working, unpaused instant at or after
  ``start``. So ``elapsed(start, due_at(start, t)) == t`` for every target, zero included.
- Pauses are ``(start, end)`` spans of any order; overlapping ones are merged, and time before
  ``start`` is ignored. ``end`` None is an open pause (the clock is paused now): ``due_at``
  returns None unless the target was used up before that pause began.
- The arithmetic looks at most ``HORIZON_YEARS`` ahead; past that it raises ``ValueError``.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta

from servicedesk.sla.calendar import Calendar
from servicedesk.sla.durations import parse_duration
from servicedesk.sla.spans import from_us, to_us, year_of, year_spans

__all__ = ["HORIZON_YEARS", "Pause", "due_at", "elapsed", "parse_duration"]

HORIZON_YEARS = 100

Pause = tuple[datetime, datetime | None]
# An open pause ends after every instant a datetime can hold.
_OPEN = 1 << 62


def due_at(
    *, calendar: Calendar, start: datetime, target: timedelta, pauses: Iterable[Pause] = ()
) -> datetime | None:
    """The earliest instant at which ``target`` of business time, less pauses, has elapsed."""
    if target < timedelta(0):
        raise ValueError(f"target {target} is negative")
    origin = to_us(start)
    left = target // timedelta(microseconds=1)
    paused = _merged(pauses, after=origin)
    if left == 0:
        found = _first_unpaused(calendar, origin, paused)
        return None if found is None else from_us(found)
    at = origin
    for pause_start, pause_end in paused:
        if pause_start > at:
            due = _advance(calendar, at, left)
            if due <= pause_start:
                return from_us(due)
            left -= _between(calendar, at, pause_start)
        if pause_end == _OPEN:
            return None
        at = pause_end
    return from_us(_advance(calendar, at, left))


def elapsed(
    *, calendar: Calendar, start: datetime, end: datetime, pauses: Iterable[Pause] = ()
) -> timedelta:
    """Business time from ``start`` to ``end``, less the paused spans."""
    origin, until = to_us(start), to_us(end)
    if until < origin:
        raise ValueError(f"end {end.isoformat()} is before start {start.isoformat()}")
    used = _between(calendar, origin, until)
    for pause_start, pause_end in _merged(pauses, after=origin):
        if pause_start >= until:
            break
        used -= _between(calendar, pause_start, min(pause_end, until))
    return timedelta(microseconds=used)


def _merged(pauses: Iterable[Pause], *, after: int) -> list[tuple[int, int]]:
    """Pauses as sorted, disjoint spans from ``after`` on; an open one ends at ``_OPEN``."""
    spans = []
    for pause_start, pause_end in pauses:
        begin = to_us(pause_start)
        end = _OPEN if pause_end is None else to_us(pause_end)
        if end < begin:
            raise ValueError(
                f"pause ends ({pause_end.isoformat()}) before it starts ({pause_start.isoformat()})"
            )
        if end > max(begin, after):
            spans.append((max(begin, after), end))
    spans.sort()
    out: list[tuple[int, int]] = []
    for begin, end in spans:
        if out and begin <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((begin, end))
    return out


def _advance(calendar: Calendar, instant: int, amount: int) -> int:
    """The earliest instant by which ``amount`` (> 0) of business time follows ``instant``."""
    year = year_of(calendar.zone, instant)
    table = year_spans(calendar, year)
    position = table.position(instant) + amount
    for _ in range(HORIZON_YEARS):
        if position <= table.total:
            return table.instant(position)
        position -= table.total
        year += 1
        table = year_spans(calendar, year)
    raise ValueError(f"the target is not used up within {HORIZON_YEARS} years")


def _between(calendar: Calendar, begin: int, end: int) -> int:
    """Business time in [begin, end)."""
    first, last = year_of(calendar.zone, begin), year_of(calendar.zone, end)
    if last - first > HORIZON_YEARS:
        raise ValueError(f"business time is counted over {HORIZON_YEARS} years at most")
    if first == last:
        table = year_spans(calendar, first)
        return table.position(end) - table.position(begin)
    used = year_spans(calendar, first).total - year_spans(calendar, first).position(begin)
    for year in range(first + 1, last):
        used += year_spans(calendar, year).total
    return used + year_spans(calendar, last).position(end)


def _next_working(calendar: Calendar, instant: int) -> int:
    year = year_of(calendar.zone, instant)
    for _ in range(HORIZON_YEARS):
        found = year_spans(calendar, year).next_working(instant)
        if found is not None:
            return found
        year += 1
    raise ValueError(f"no working time within {HORIZON_YEARS} years")


def _first_unpaused(calendar: Calendar, instant: int, paused: list[tuple[int, int]]) -> int | None:
    at = _next_working(calendar, instant)
    for pause_start, pause_end in paused:
        if pause_end <= at:
            continue
        if pause_start > at:
            break
        if pause_end == _OPEN:
            return None
        at = _next_working(calendar, pause_end)
    return at
