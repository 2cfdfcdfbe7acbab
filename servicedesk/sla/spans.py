"""A calendar's working intervals as UTC instants: one table per local year, built once.

Instants are whole microseconds since 1970-01-01 UTC, so sums and differences are exact.

A working interval covers exactly the instants at which a wall clock in the calendar's zone reads
a time inside it. The night clocks go forward, the wall-clock time they skip is not worked (an
interval 01:00-04:00 lasts two hours: a local time that does not exist opens or closes its
interval at the instant of the jump). The night they go back, the repeated hour passes twice and
is worked twice (01:00-04:00 lasts four hours). Business time is therefore real elapsed time:
DST neither adds nor removes any.
"""

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache

from servicedesk.sla.calendar import Calendar, Hours

US = 1_000_000
DAY_US = 86_400 * US
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_DAY = timedelta(days=1)
# datetime covers the years 1 to 9999; a table needs the local years either side of it.
FIRST_YEAR, LAST_YEAR = 2, 9998


def to_us(moment: datetime) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no UTC offset; give an aware datetime")
    since = moment - EPOCH
    return (since.days * 86_400 + since.seconds) * US + since.microseconds


def from_us(instant: int) -> datetime:
    return EPOCH + timedelta(microseconds=instant)


@dataclass(frozen=True)
class YearSpans:
    """The working spans of one local year, sorted and disjoint, with running totals."""

    starts: list[int]
    ends: list[int]
    before: list[int]  # business time of the year before span i
    through: list[int]  # ... up to the end of span i
    total: int

    def position(self, instant: int) -> int:
        """Business time of the year up to ``instant``."""
        i = bisect_right(self.starts, instant) - 1
        if i < 0:
            return 0
        return self.before[i] + min(instant, self.ends[i]) - self.starts[i]

    def instant(self, position: int) -> int:
        """The earliest instant at which ``position`` (0 < position <= total) is reached."""
        i = bisect_left(self.through, position)
        return self.starts[i] + position - self.before[i]

    def next_working(self, instant: int) -> int | None:
        """The first working instant at or after ``instant`` in this year, if any."""
        i = bisect_right(self.starts, instant) - 1
        if i >= 0 and instant < self.ends[i]:
            return instant
        return self.starts[i + 1] if i + 1 < len(self.starts) else None


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"business time is computed for the years {FIRST_YEAR} to {LAST_YEAR}")


@lru_cache(maxsize=4096)
def year_start(zone: tzinfo, year: int) -> int:
    """The first instant of the local year."""
    return to_us(datetime(year, 1, 1, tzinfo=zone))


def year_of(zone: tzinfo, instant: int) -> int:
    """The local year ``instant`` falls in."""
    year = from_us(instant).year
    if instant < year_start(zone, year):
        return year - 1
    if year < LAST_YEAR and instant >= year_start(zone, year + 1):
        return year + 1
    return year


@lru_cache(maxsize=256)
def year_spans(calendar: Calendar, year: int) -> YearSpans:
    """The table of one local year (a millisecond or two to build; kept per calendar value)."""
    _check_year(year)
    raw: list[tuple[int, int]] = []
    day = date(year, 1, 1)
    while day.year == year:
        hours = calendar.hours_on(day)
        if hours:
            raw.extend(_day_spans(calendar.zone, day, hours))
        day += _ONE_DAY
    raw.sort()
    starts: list[int] = []
    ends: list[int] = []
    for start, end in raw:
        if ends and start <= ends[-1]:
            # Touching across midnight (24x7), or the repeated hour of an autumn night.
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    before, through, total = [], [], 0
    for start, end in zip(starts, ends, strict=True):
        before.append(total)
        total += end - start
        through.append(total)
    return YearSpans(starts=starts, ends=ends, before=before, through=through, total=total)


def _offset(moment: datetime) -> int:
    offset = moment.utcoffset()
    return (offset.days * 86_400 + offset.seconds) * US + offset.microseconds


def _day_spans(zone: tzinfo, day: date, hours: Hours) -> list[tuple[int, int]]:
    midnight = (day.toordinal() - _EPOCH_ORDINAL) * DAY_US  # local midnight, read as UTC
    before = _offset(datetime.combine(day, time(), zone))
    # The offset at the day's last instant, not at the next midnight: where a zone springs
    # forward at 24:00 (America/Santiago in September), the next midnight does not exist, and
    # its offset is already the new one while the whole day ran on the old.
    after = _offset(datetime.combine(day, time(23, 59, 59, 999999, fold=1), zone))
    if before == after:
        return [(midnight + a * US - before, midnight + b * US - before) for a, b in hours]
    # The offset changes during the day: wall-clock times map through the old offset before
    # the jump and through the new one after it.
    jump = _jump(zone, midnight - before, midnight + DAY_US - after, after)
    out = []
    for a, b in hours:
        for start, end in (
            (midnight + a * US - before, min(midnight + b * US - before, jump)),
            (max(midnight + a * US - after, jump), midnight + b * US - after),
        ):
            if start < end:
                out.append((start, end))
    return out


def _jump(zone: tzinfo, low: int, high: int, after: int) -> int:
    """The first instant in [low, high] with the offset ``after`` (zones change on seconds)."""
    low, high = low // US, -(-high // US)
    while low < high:
        middle = (low + high) // 2
        if _offset(datetime.fromtimestamp(middle, zone)) == after:
            high = middle
        else:
            low = middle + 1
    return low * US
