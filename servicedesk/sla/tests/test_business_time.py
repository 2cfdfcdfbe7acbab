"""Due times and elapsed business time, case by case: weekends, holidays, DST, pauses."""

from datetime import timedelta

import pytest

from servicedesk.sla.calendar import WEEKDAYS, calendar_from_dict
from servicedesk.sla.clock import due_at, elapsed, parse_duration
from servicedesk.sla.tests.calendars import around_the_clock, at, calendar

BERLIN = calendar("Europe/Berlin")
CHRISTMAS = calendar("Europe/Berlin", holidays=["2026-12-24", "2026-12-25", "2026-12-26"])
LUNCH = calendar("Europe/Berlin", ("09:00", "12:00"), ("13:00", "17:00"))
LONG_DAYS = calendar("Europe/Berlin", ("09:00", "21:00"), holidays=["2026-11-13"])
LONDON = calendar("Europe/London", ("09:00", "18:00"))
EARLY = calendar("Europe/Berlin", ("08:00", "17:00"))
KOLKATA = calendar("Asia/Kolkata", ("09:00", "18:30"))
HALF_DAY = calendar(
    "Europe/Berlin",
    holidays=[{"date": "2026-12-24", "hours": [["09:00", "12:00"]]}, "2026-12-25", "2026-12-31"],
)
BAVARIA = calendar("Europe/Berlin", country_holidays={"country": "DE", "subdivision": "BY"})


def _nights(zone: str):
    """01:00-04:00 every night: over the hour the clocks change."""
    return calendar_from_dict(
        {"timezone": zone, "hours": {day: [["01:00", "04:00"]] for day in WEEKDAYS}}
    )


NIGHTS_BERLIN = _nights("Europe/Berlin")
NIGHTS_NEW_YORK = _nights("America/New_York")
# Chile springs forward at 24:00 on the first Saturday of September (00:00 -> 01:00 Sunday) and
# falls back at 24:00 on the first Saturday of April (to 23:00 Saturday): the day before the
# change runs on the old offset to its end.
SANTIAGO_SATURDAYS = calendar_from_dict(
    {"timezone": "America/Santiago", "hours": {"sat": [["00:00", "23:15"]]}}
)
CASES = [
    # The cases of issue 4 (Mon-Fri 09:00-17:00 unless the calendar says otherwise).
    ("friday evening", BERLIN, "2026-03-27T16:30+01:00", "8h", (), "2026-03-30T14:30Z"),
    ("saturday", BERLIN, "2026-03-28T10:00+01:00", "8h", (), "2026-03-30T15:00Z"),
    ("christmas", CHRISTMAS, "2026-12-23T15:00+01:00", "4h", (), "2026-12-28T10:00Z"),
    (
        "24x7 over the autumn night",
        around_the_clock("America/New_York"),
        "2026-11-01T00:30-04:00",
        "4h",
        (),
        "2026-11-01T08:30Z",
    ),
    (
        "pause the same day",
        BERLIN,
        "2026-06-01T09:00+02:00",
        "8h",
        (("2026-06-01T10:00+02:00", "2026-06-01T12:00+02:00"),),
        "2026-06-02T09:00Z",
    ),
    ("lunch break", LUNCH, "2026-06-01T11:00+02:00", "2h", (), "2026-06-01T12:00Z"),
    ("a holiday friday", LONG_DAYS, "2026-11-11T23:00+01:00", "48h", (), "2026-11-18T20:00Z"),
    ("london saturday", LONDON, "2026-06-06T11:00+01:00", "1h", (), "2026-06-08T09:00Z"),
    ("past closing", EARLY, "2026-09-14T16:40+02:00", "60m", (), "2026-09-15T06:40Z"),
    ("over the weekend", EARLY, "2026-09-18T16:45+02:00", "45m", (), "2026-09-21T06:30Z"),
    ("up to closing", EARLY, "2026-09-14T16:00+02:00", "60m", (), "2026-09-14T15:00Z"),
    ("half-hour zone", KOLKATA, "2026-02-02T10:00+05:30", "16h", (), "2026-02-03T11:00Z"),
    # DST: the business time of a day is the time that really passes.
    (
        "24x7 berlin autumn",
        around_the_clock("Europe/Berlin"),
        "2026-10-25T00:00+02:00",
        "4h",
        (),
        "2026-10-25T02:00Z",
    ),
    (
        "24x7 berlin spring",
        around_the_clock("Europe/Berlin"),
        "2026-03-29T00:00+01:00",
        "24h",
        (),
        "2026-03-29T23:00Z",
    ),
    (
        "24x7 new york spring",
        around_the_clock("America/New_York"),
        "2026-03-08T00:00-05:00",
        "24h",
        (),
        "2026-03-09T05:00Z",
    ),
    # 01:00-04:00 on the autumn night: the repeated hour is worked twice (4 hours).
    (
        "nights berlin autumn",
        NIGHTS_BERLIN,
        "2026-10-25T01:00+02:00",
        "4h",
        (),
        "2026-10-25T03:00Z",
    ),
    (
        "nights berlin autumn, 3h",
        NIGHTS_BERLIN,
        "2026-10-25T01:00+02:00",
        "3h",
        (),
        "2026-10-25T02:00Z",
    ),
    (
        "nights new york autumn",
        NIGHTS_NEW_YORK,
        "2026-11-01T01:00-04:00",
        "4h",
        (),
        "2026-11-01T09:00Z",
    ),
    # 01:00-04:00 on the spring night: the skipped hour is not worked (2 hours).
    (
        "nights berlin spring",
        NIGHTS_BERLIN,
        "2026-03-29T01:00+01:00",
        "2h",
        (),
        "2026-03-29T02:00Z",
    ),
    (
        "nights berlin spring, next night",
        NIGHTS_BERLIN,
        "2026-03-29T01:00+01:00",
        "2h30m",
        (),
        "2026-03-29T23:30Z",
    ),
    (
        "nights new york spring",
        NIGHTS_NEW_YORK,
        "2026-03-08T01:00-05:00",
        "2h",
        (),
        "2026-03-08T08:00Z",
    ),
    # A half day and the holiday after it.
    ("half day", HALF_DAY, "2026-12-24T10:00+01:00", "4h", (), "2026-12-28T10:00Z"),
    ("half day ends at noon", HALF_DAY, "2026-12-24T09:00+01:00", "3h", (), "2026-12-24T11:00Z"),
    # Country holidays: Epiphany in Bavaria, and Christmas into the next year.
    ("epiphany", BAVARIA, "2026-01-05T16:00+01:00", "2h", (), "2026-01-07T09:00Z"),
    ("christmas in bavaria", BAVARIA, "2026-12-23T16:00+01:00", "16h", (), "2026-12-28T15:00Z"),
    ("over new year", BAVARIA, "2026-12-23T16:00+01:00", "48h", (), "2027-01-04T15:00Z"),
    # Used up exactly at closing: due at closing, not at the next opening.
    ("at closing", BERLIN, "2026-06-01T09:00+02:00", "8h", (), "2026-06-01T15:00Z"),
    ("at closing, two days", BERLIN, "2026-06-01T09:00+02:00", "16h", (), "2026-06-02T15:00Z"),
    ("at closing, friday", BERLIN, "2026-06-05T13:00+02:00", "4h", (), "2026-06-05T15:00Z"),
    ("at lunch", LUNCH, "2026-06-01T09:00+02:00", "3h", (), "2026-06-01T10:00Z"),
    # A change of offset at midnight (hypothesis found the first one).
    (
        "spring forward at 24:00",
        SANTIAGO_SATURDAYS,
        "2026-09-05T20:00-04:00",
        "3h15m",
        (),
        "2026-09-06T03:15Z",
    ),
    (
        "over a spring-forward midnight",
        SANTIAGO_SATURDAYS,
        "2026-09-05T23:00-04:00",
        "30m",
        (),
        "2026-09-12T03:15Z",
    ),
    # Pauses across days, overlapping, in any order, and before the start.
    (
        "pause over two nights",
        BERLIN,
        "2026-06-01T09:00+02:00",
        "8h",
        (("2026-06-01T16:00+02:00", "2026-06-03T10:00+02:00"),),
        "2026-06-03T09:00Z",
    ),
    (
        "overlapping pauses",
        BERLIN,
        "2026-06-01T09:00+02:00",
        "8h",
        (
            ("2026-06-02T08:00+02:00", "2026-06-03T10:00+02:00"),
            ("2026-06-01T16:00+02:00", "2026-06-02T12:00+02:00"),
        ),
        "2026-06-03T09:00Z",
    ),
    (
        "pause before the start",
        BERLIN,
        "2026-06-01T09:00+02:00",
        "2h",
        (("2026-05-29T09:00+02:00", "2026-06-01T10:00+02:00"),),
        "2026-06-01T10:00Z",
    ),
    (
        "pause after the due time",
        BERLIN,
        "2026-06-01T09:00+02:00",
        "8h",
        (("2026-06-01T18:00+02:00", None),),
        "2026-06-01T15:00Z",
    ),
    (
        "pause starting at closing",
        BERLIN,
        "2026-06-01T09:00+02:00",
        "8h",
        (("2026-06-01T17:00+02:00", "2026-06-02T17:00+02:00"),),
        "2026-06-01T15:00Z",
    ),
    # A zero target is due where the clock starts.
    ("zero inside hours", BERLIN, "2026-06-01T10:15+02:00", "0m", (), "2026-06-01T08:15Z"),
    ("zero on a saturday", BERLIN, "2026-06-06T10:00+02:00", "0m", (), "2026-06-08T07:00Z"),
    ("zero at closing", BERLIN, "2026-06-01T17:00+02:00", "0m", (), "2026-06-02T07:00Z"),
    (
        "zero in a pause",
        BERLIN,
        "2026-06-06T10:00+02:00",
        "0m",
        (("2026-06-08T08:00+02:00", "2026-06-08T11:00+02:00"),),
        "2026-06-08T09:00Z",
    ),
]


def _pauses(pauses):
    return [(at(a), None if b is None else at(b)) for a, b in pauses]


@pytest.mark.parametrize(
    ("cal", "start", "target", "pauses", "due"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_due_at(cal, start, target, pauses, due):
    pauses = _pauses(pauses)
    found = due_at(calendar=cal, start=at(start), target=parse_duration(target), pauses=pauses)
    assert found == at(due)
    assert found.utcoffset() == timedelta(0)
    # And the business time up to it is the target.
    used = elapsed(calendar=cal, start=at(start), end=found, pauses=pauses)
    assert used == parse_duration(target)


@pytest.mark.parametrize(
    ("cal", "start", "end", "pauses", "expected"),
    [
        (LONG_DAYS, "2026-11-11T23:00+01:00", "2026-11-12T12:00+01:00", (), "3h"),
        (LONDON, "2026-06-06T11:00+01:00", "2026-06-08T09:45+01:00", (), "45m"),
        (KOLKATA, "2026-02-02T10:00+05:30", "2026-02-02T11:00+05:30", (), "1h"),
        (BERLIN, "2026-06-01T12:00+02:00", "2026-06-01T12:00+02:00", (), "0s"),
        (BERLIN, "2026-06-06T10:00+02:00", "2026-06-07T10:00+02:00", (), "0s"),
        (LUNCH, "2026-06-01T08:00+02:00", "2026-06-01T18:00+02:00", (), "7h"),
        (
            around_the_clock("Europe/Berlin"),
            "2026-10-25T00:00+02:00",
            "2026-10-26T00:00+01:00",
            (),
            "25h",
        ),
        (NIGHTS_BERLIN, "2026-10-25T00:00+02:00", "2026-10-26T00:00+01:00", (), "4h"),
        (NIGHTS_BERLIN, "2026-03-29T00:00+01:00", "2026-03-30T00:00+02:00", (), "2h"),
        (SANTIAGO_SATURDAYS, "2026-09-05T20:00-04:00", "2026-09-05T23:01-04:00", (), "3h1m"),
        (SANTIAGO_SATURDAYS, "2026-09-05T00:00-04:00", "2026-09-06T01:00-03:00", (), "23h15m"),
        # The fall-back Saturday holds 23:00-23:15 twice: both count.
        (SANTIAGO_SATURDAYS, "2026-04-04T00:00-03:00", "2026-04-05T00:00-04:00", (), "23h30m"),
        (BAVARIA, "2026-12-23T09:00+01:00", "2027-01-08T09:00+01:00", (), "72h"),
        (
            BERLIN,
            "2026-06-01T09:00+02:00",
            "2026-06-02T12:00+02:00",
            (("2026-06-01T12:00+02:00", None),),
            "3h",
        ),
        (
            BERLIN,
            "2026-06-01T09:00+02:00",
            "2026-06-03T17:00+02:00",
            (
                ("2026-06-01T10:00+02:00", "2026-06-01T11:00+02:00"),
                ("2026-06-01T10:30+02:00", "2026-06-02T10:00+02:00"),
                ("2026-06-03T16:00+02:00", "2026-06-04T16:00+02:00"),
            ),
            "15h",
        ),
    ],
)
def test_elapsed(cal, start, end, pauses, expected):
    used = elapsed(calendar=cal, start=at(start), end=at(end), pauses=_pauses(pauses))
    assert used == parse_duration(expected)


def test_an_open_pause_leaves_no_due_time():
    start, pause = at("2026-06-01T09:00+02:00"), at("2026-06-01T12:00+02:00")
    assert (
        due_at(calendar=BERLIN, start=start, target=timedelta(hours=8), pauses=[(pause, None)])
        is None
    )
    assert due_at(calendar=BERLIN, start=start, target=timedelta(0), pauses=[(start, None)]) is None


def test_a_pause_ending_before_it_starts_is_refused():
    start = at("2026-06-01T09:00+02:00")
    backwards = [(at("2026-06-01T12:00+02:00"), at("2026-06-01T11:00+02:00"))]
    with pytest.raises(ValueError, match="before it starts"):
        due_at(calendar=BERLIN, start=start, target=timedelta(hours=1), pauses=backwards)
    with pytest.raises(ValueError, match="before it starts"):
        elapsed(calendar=BERLIN, start=start, end=start, pauses=backwards)


def test_bad_arguments_are_refused():
    naive = at("2026-06-01T09:00")
    aware = at("2026-06-01T09:00+02:00")
    with pytest.raises(ValueError, match="no UTC offset"):
        due_at(calendar=BERLIN, start=naive, target=timedelta(hours=1))
    with pytest.raises(ValueError, match="negative"):
        due_at(calendar=BERLIN, start=aware, target=timedelta(minutes=-1))
    with pytest.raises(ValueError, match="before start"):
        elapsed(calendar=BERLIN, start=aware, end=aware - timedelta(seconds=1))


def test_the_arithmetic_looks_a_hundred_years_ahead_at_most():
    start = at("2026-06-01T09:00+02:00")
    with pytest.raises(ValueError, match="100 years"):
        due_at(calendar=BERLIN, start=start, target=timedelta(days=100_000))
    with pytest.raises(ValueError, match="100 years"):
        elapsed(calendar=BERLIN, start=start, end=start.replace(year=2200))
