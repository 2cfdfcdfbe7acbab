"""Properties of the arithmetic over random calendars, starts, targets and pauses.

The oracle is the rule itself, read off a wall clock: an instant is working time when the
calendar's local time at that instant lies inside a working interval of its local date. With
interval edges on quarter hours and starts and pauses on whole minutes, business time is made of
whole UTC minutes (every zone used has whole-minute offsets), so counting the minutes whose middle
is working gives the exact answer on any day, DST nights included.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk.sla.calendar import Calendar
from servicedesk.sla.clock import due_at, elapsed

# Berlin and New York change at 02:00, Lord Howe by half an hour, Santiago at midnight.
ZONES = [
    ZoneInfo(name)
    for name in (
        "UTC",
        "Europe/Berlin",
        "America/New_York",
        "Asia/Kolkata",
        "Asia/Kathmandu",
        "Australia/Lord_Howe",
        "America/Santiago",
    )
]
MINUTE = timedelta(minutes=1)
TINY = timedelta(microseconds=1)
FIRST, LAST = date(2026, 1, 1), date(2027, 12, 31)


def _changes(zone: ZoneInfo) -> list[date]:
    day, out = FIRST, []
    while day < LAST:
        today = datetime.combine(day, time(), zone).utcoffset()
        if today != datetime.combine(day + timedelta(days=1), time(), zone).utcoffset():
            out.append(day)
        day += timedelta(days=1)
    return out


# The days the clocks change, so that starts land near them often.
CHANGE_DAYS = sorted({day for zone in ZONES for day in _changes(zone)})
PROPERTIES = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def day_hours(draw) -> tuple[tuple[int, int], ...]:
    edges = sorted(set(draw(st.lists(st.integers(0, 96), max_size=6))))
    edges = [quarter * 900 for quarter in edges[: len(edges) // 2 * 2]]
    return tuple(zip(edges[::2], edges[1::2], strict=True))


@st.composite
def situations(draw, *, open_pauses: bool = True):
    """A calendar, a start, and pauses around it."""
    day = draw(st.sampled_from(CHANGE_DAYS) | st.dates(FIRST, LAST))
    start = datetime.combine(day, time(), UTC) + draw(st.integers(-2880, 2880)) * MINUTE
    week = tuple(draw(day_hours()) for _ in range(7))
    if not any(week):
        week = week[:6] + (((9 * 3600, 17 * 3600),),)
    dates = draw(
        st.dictionaries(
            st.integers(-3, 20).map(lambda n: day + timedelta(days=n)), day_hours(), max_size=4
        )
    )
    country, subdivision = draw(st.sampled_from([(None, None), ("DE", "BY"), ("US", None)]))
    cal = Calendar(
        zone=draw(st.sampled_from(ZONES)),
        week=week,
        dates=dates,
        country=country,
        subdivision=subdivision,
    )
    pause = st.tuples(
        st.integers(-3000, 20_000),
        st.integers(0, 5000) | st.none() if open_pauses else st.integers(0, 5000),
    )
    pauses = [
        (start + offset * MINUTE, None if length is None else start + (offset + length) * MINUTE)
        for offset, length in draw(st.lists(pause, max_size=3))
    ]
    return cal, start, pauses


targets = st.integers(0, 3 * 7 * 24 * 60).map(lambda minutes: minutes * MINUTE)


def working(cal: Calendar, instant: datetime) -> bool:
    local = instant.astimezone(cal.zone)
    wall = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
    return any(start <= wall < end for start, end in cal.hours_on(local.date()))


def paused(pauses, instant: datetime) -> bool:
    return any(a <= instant and (b is None or instant < b) for a, b in pauses)


def _later(one: datetime | None, other: datetime | None) -> bool:
    """``one`` is not before ``other``; no due time (an open pause) is later than any."""
    return one is None or (other is not None and one >= other)


@PROPERTIES
@given(situations(), targets)
def test_the_due_time_uses_exactly_the_target_and_no_less(situation, target):
    cal, start, pauses = situation
    due = due_at(calendar=cal, start=start, target=target, pauses=pauses)
    if due is None:
        # Only an open pause stops the clock for good, and only one that began before the target
        # was used up (for a zero target: before the clock started, or just as it did).
        opened = min(a for a, b in pauses if b is None)
        closed = [(a, b) for a, b in pauses if b is not None]
        free = due_at(calendar=cal, start=start, target=target, pauses=closed)
        assert free > opened if target else free >= opened
        return
    assert due >= start
    assert elapsed(calendar=cal, start=start, end=due, pauses=pauses) == target
    if target:
        # The earliest such instant: the clock was running just before it (so a target used up
        # at closing time is due at closing time, inside the interval or at its end).
        assert elapsed(calendar=cal, start=start, end=due - TINY, pauses=pauses) < target
        assert working(cal, due - TINY) and not paused(pauses, due - TINY)
    else:
        assert working(cal, due) and not paused(pauses, due)


@PROPERTIES
@given(situations(), targets, targets)
def test_a_longer_target_is_never_due_earlier(situation, one, other):
    cal, start, pauses = situation
    shorter, longer = sorted((one, other))
    first = due_at(calendar=cal, start=start, target=shorter, pauses=pauses)
    second = due_at(calendar=cal, start=start, target=longer, pauses=pauses)
    assert _later(second, first)


@PROPERTIES
@given(situations(), situations(), targets)
def test_a_pause_never_brings_the_due_time_forward(situation, more, target):
    cal, start, pauses = situation
    extra = more[2]
    without = due_at(calendar=cal, start=start, target=target, pauses=pauses)
    with_more = due_at(calendar=cal, start=start, target=target, pauses=[*pauses, *extra])
    assert _later(with_more, without)


@PROPERTIES
@given(situations(), st.integers(0, 6 * 24 * 60))
def test_elapsed_counts_the_working_unpaused_minutes(situation, minutes):
    cal, start, pauses = situation
    end = start + minutes * MINUTE
    counted = sum(
        1
        for n in range(minutes)
        if working(cal, start + (n + 0.5) * MINUTE)
        and not paused(pauses, start + (n + 0.5) * MINUTE)
    )
    assert elapsed(calendar=cal, start=start, end=end, pauses=pauses) == counted * MINUTE
