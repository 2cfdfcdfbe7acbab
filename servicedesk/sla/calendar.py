"""Business calendars: when an SLA clock runs, as plain data the arithmetic in ``clock`` reads.

Pure: no database, no Django. ``calendar_from_dict`` reads the JSON shape shared by
``servicedesk sla-calc --calendar`` and the calendar models; docs/admin-guide.md ("Business
calendars") describes it and the rules the arithmetic follows.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import holidays

DAY = 86_400
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Seconds after local midnight, [start, end): a working interval in wall-clock time.
Interval = tuple[int, int]
Hours = tuple[Interval, ...]

ALL_DAY: Hours = ((0, DAY),)
WEEK_24X7: tuple[Hours, ...] = (ALL_DAY,) * 7


MAX_INTERVALS = 48  # working intervals in one day: every half hour on and off


class CalendarError(ValueError):
    """A calendar that cannot be used; the message is one line an operator can act on."""


@dataclass(frozen=True)
class Calendar:
    """Working hours per weekday in an IANA zone, less holidays.

    ``week`` holds seven entries, Monday first. ``dates`` overrides the week on single dates:
    ``()`` for a holiday, its own intervals for a half day. ``country`` (and ``subdivision``)
    close the public holidays the ``holidays`` package knows, resolved year by year as the
    arithmetic reaches them; an entry in ``dates`` wins over them. Equal calendars hash alike,
    so copies built from the same data share the per-year tables of ``spans``.
    """

    zone: ZoneInfo
    week: tuple[Hours, ...]
    dates: Mapping[date, Hours] = field(default_factory=dict)
    country: str | None = None
    subdivision: str | None = None
    _key: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise CalendarError(f"a week has 7 days of hours, not {len(self.week)}")
        week = tuple(
            _tidy(hours, where=name) for name, hours in zip(WEEKDAYS, self.week, strict=True)
        )
        if not any(week):
            raise CalendarError("the calendar has no working time in any weekday")
        dates = {day: _tidy(hours, where=day.isoformat()) for day, hours in self.dates.items()}
        if self.country:
            _check_country(self.country, self.subdivision)
        elif self.subdivision:
            raise CalendarError(f"subdivision {self.subdivision!r} needs its country")
        object.__setattr__(self, "week", week)
        # A read-only view: the hash below must stay true to the contents.
        object.__setattr__(self, "dates", MappingProxyType(dates))
        key = (self.zone, week, frozenset(dates.items()), self.country, self.subdivision)
        object.__setattr__(self, "_key", key)

    def __hash__(self) -> int:
        return hash(self._key)

    def __reduce__(self):
        # A read-only mapping does not pickle; the plain values do (caches pickle calendars).
        values = (self.zone, self.week, dict(self.dates), self.country, self.subdivision)
        return (Calendar, values)

    def hours_on(self, day: date) -> Hours:
        """The local working intervals of one date."""
        hours = self.dates.get(day)
        if hours is not None:
            return hours
        if self.country and day in public_holidays(self.country, self.subdivision, day.year):
            return ()
        return self.week[day.weekday()]


@lru_cache(maxsize=512)
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The dates the ``holidays`` package closes in one year (its default categories)."""
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def _check_country(country: str, subdivision: str | None) -> None:
    known = holidays.list_supported_countries()
    if country not in known:
        raise CalendarError(f"unknown country {country!r} for public holidays (an ISO code: DE)")
    try:
        # The package also takes names for some subdivisions ("England"): let it decide.
        holidays.country_holidays(country, subdiv=subdivision, years=())
    except NotImplementedError:
        raise CalendarError(
            f"unknown subdivision {subdivision!r} of {country} (known: {', '.join(known[country])})"
        ) from None


def _clock(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _tidy(hours: Hours, *, where: str) -> Hours:
    """``hours`` sorted, checked, and with touching intervals joined (09-12 and 12-17: 09-17)."""
    out: list[Interval] = []
    for start, end in sorted(tuple(pair) for pair in hours):
        if not 0 <= start <= DAY or not 0 <= end <= DAY:
            raise CalendarError(f"interval on {where} is outside 00:00-24:00")
        if end < start:
            raise CalendarError(
                f"interval {_clock(start)}-{_clock(end)} on {where} ends before it starts"
            )
        if end == start:
            raise CalendarError(f"interval {_clock(start)}-{_clock(end)} on {where} is empty")
        if out and start < out[-1][1]:
            previous = f"{_clock(out[-1][0])}-{_clock(out[-1][1])}"
            raise CalendarError(
                f"intervals {previous} and {_clock(start)}-{_clock(end)} on {where} overlap"
            )
        if out and start == out[-1][1]:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return tuple(out)


# --- the JSON shape ---------------------------------------------------------------------------

_KEYS = ("timezone", "hours", "preset", "holidays", "country_holidays")
# Two ASCII digits each: "9:00" and full-width "０９:００" are refused, not read as 09:00.
_TIME = re.compile(r"([0-9]{2}):([0-9]{2})")


def calendar_from_dict(data: object) -> Calendar:
    """Read a calendar from parsed JSON; ``CalendarError`` says what is wrong in one line.

    ``{"timezone": "Europe/Berlin", "hours": {"mon": [["09:00", "17:00"]], ...},
    "holidays": ["2026-12-25", {"date": "2026-12-24", "hours": [["09:00", "12:00"]]}],
    "country_holidays": {"country": "DE", "subdivision": "BY"}}``; ``"preset": "24x7"`` in
    place of ``hours``. A weekday left out has no working time.
    """
    if not isinstance(data, dict):
        raise CalendarError("a calendar is a JSON object")
    for key in data:
        if key not in _KEYS:
            raise CalendarError(f"unknown calendar key {key!r} (known: {', '.join(_KEYS)})")
    country, subdivision = _country(data.get("country_holidays"))
    return Calendar(
        zone=_zone(data.get("timezone")),
        week=_week(data),
        dates=_holidays(data.get("holidays", [])),
        country=country,
        subdivision=subdivision,
    )


# Files in the zone database that are not zones of the IANA list: the machine's own zone (a
# calendar must not change with the server it runs on) and the rules template.
_NOT_ZONES = frozenset({"localtime", "posixrules"})


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - _NOT_ZONES


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise CalendarError('the calendar needs a "timezone", an IANA name such as Europe/Berlin')
    if name not in _zone_names():
        # ZoneInfo would also open "localtime", "posix/Europe/Berlin" and the like.
        raise CalendarError(f"unknown time zone {name!r} (an IANA name such as Europe/Berlin)")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"unknown time zone {name!r}") from None


def _week(data: dict) -> tuple[Hours, ...]:
    preset = data.get("preset")
    if preset is not None:
        if preset != "24x7":
            raise CalendarError(f'unknown preset {preset!r} (the one preset is "24x7")')
        if "hours" in data:
            raise CalendarError('give "hours" or "preset", not both')
        return WEEK_24X7
    hours = data.get("hours", {})
    if not isinstance(hours, dict):
        raise CalendarError('"hours" maps weekdays (mon ... sun) to lists of intervals')
    for name in hours:
        if name not in WEEKDAYS:
            raise CalendarError(f"unknown weekday {name!r} in hours (use {', '.join(WEEKDAYS)})")
    return tuple(_intervals(hours.get(name, []), where=name) for name in WEEKDAYS)


def _intervals(value: object, *, where: str) -> Hours:
    shape = f'hours of {where} must be a list of [start, end] pairs such as [["09:00", "17:00"]]'
    if not isinstance(value, list):
        raise CalendarError(shape)
    if len(value) > MAX_INTERVALS:
        # Each interval is walked for every day the arithmetic crosses: a day cut in minutes
        # would make one due time take seconds.
        raise CalendarError(f"hours of {where} has {len(value)} intervals; at most {MAX_INTERVALS}")
    out = []
    for pair in value:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise CalendarError(shape)
        out.append((_seconds(pair[0], where=where), _seconds(pair[1], where=where)))
    return tuple(out)


def _seconds(text: object, *, where: str) -> int:
    match = _TIME.fullmatch(text) if isinstance(text, str) else None
    if match:
        hour, minute = int(match[1]), int(match[2])
        if (hour < 24 and minute < 60) or (hour, minute) == (24, 0):
            return hour * 3600 + minute * 60
    raise CalendarError(f"bad time {text!r} on {where}: use HH:MM, 00:00 to 24:00")


def _holidays(value: object) -> dict[date, Hours]:
    if not isinstance(value, list):
        raise CalendarError('"holidays" is a list of dates ("2026-12-25") or half days')
    out: dict[date, Hours] = {}
    for entry in value:
        if isinstance(entry, dict):
            extra = set(entry) - {"date", "hours"}
            if extra or "date" not in entry:
                raise CalendarError(
                    'a half day is {"date": "2026-12-24", "hours": [["09:00", "12:00"]]}'
                )
            day = _date(entry["date"])
            hours = _intervals(entry.get("hours", []), where=day.isoformat())
        else:
            day, hours = _date(entry), ()
        if day in out:
            raise CalendarError(f"holiday {day.isoformat()} is listed twice")
        out[day] = hours
    return out


def _date(text: object) -> date:
    if isinstance(text, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CalendarError(f"bad holiday date {text!r}: use YYYY-MM-DD")


def _country(value: object) -> tuple[str | None, str | None]:
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) - {"country", "subdivision"}:
        raise CalendarError('"country_holidays" is {"country": "DE", "subdivision": "BY"}')
    country, subdivision = value.get("country"), value.get("subdivision") or None
    if not isinstance(country, str) or not country:
        raise CalendarError('"country_holidays" needs a "country" code such as DE')
    if subdivision is not None and not isinstance(subdivision, str):
        raise CalendarError('"subdivision" is a code such as BY')
    return country.upper(), subdivision
