import pickle
from datetime import date
from zoneinfo import ZoneInfo

import pytest

from servicedesk.sla.calendar import (
    DAY,
    WEEK_24X7,
    Calendar,
    CalendarError,
    calendar_from_dict,
)
from servicedesk.sla.tests.calendars import weekdays

NINE_TO_FIVE = ((9 * 3600, 17 * 3600),)


def test_a_calendar_reads_the_documented_shape():
    cal = calendar_from_dict(
        {
            "timezone": "Europe/Berlin",
            "hours": {**weekdays(("09:00", "12:00"), ("13:00", "17:00")), "sat": [], "sun": []},
            "holidays": ["2026-12-25", {"date": "2026-12-24", "hours": [["09:00", "12:00"]]}],
            "country_holidays": {"country": "DE", "subdivision": "BY"},
        }
    )
    assert cal.zone == ZoneInfo("Europe/Berlin")
    assert cal.hours_on(date(2026, 6, 1)) == ((9 * 3600, 12 * 3600), (13 * 3600, 17 * 3600))
    assert cal.hours_on(date(2026, 6, 6)) == ()  # a Saturday
    assert cal.hours_on(date(2026, 12, 24)) == ((9 * 3600, 12 * 3600),)
    assert cal.hours_on(date(2026, 12, 25)) == ()


def test_country_holidays_close_their_dates_and_a_listed_date_wins():
    cal = calendar_from_dict(
        {
            "timezone": "Europe/Berlin",
            "hours": weekdays(("09:00", "17:00")),
            "holidays": [{"date": "2026-05-01", "hours": [["09:00", "13:00"]]}],
            "country_holidays": {"country": "de", "subdivision": "BY"},
        }
    )
    assert cal.hours_on(date(2026, 1, 6)) == ()  # Epiphany, in Bavaria
    assert cal.hours_on(date(2026, 12, 25)) == ()
    assert cal.hours_on(date(2027, 1, 6)) == ()  # the next year resolves when asked
    assert cal.hours_on(date(2026, 1, 7)) == NINE_TO_FIVE
    assert cal.hours_on(date(2026, 5, 1)) == ((9 * 3600, 13 * 3600),)  # Labour Day, half worked
    berlin = calendar_from_dict(
        {
            "timezone": "Europe/Berlin",
            "hours": weekdays(("09:00", "17:00")),
            "country_holidays": {"country": "DE", "subdivision": "BE"},
        }
    )
    assert berlin.hours_on(date(2026, 1, 6)) == NINE_TO_FIVE  # not a holiday in Berlin


def test_a_missing_weekday_has_no_working_time_and_24_00_ends_a_day():
    cal = calendar_from_dict({"timezone": "UTC", "hours": {"sat": [["20:00", "24:00"]]}})
    assert cal.week == ((), (), (), (), (), ((20 * 3600, DAY),), ())


def test_touching_intervals_are_joined():
    cal = calendar_from_dict(
        {"timezone": "UTC", "hours": {"mon": [["12:00", "17:00"], ["09:00", "12:00"]]}}
    )
    assert cal.week[0] == NINE_TO_FIVE


def test_the_24x7_preset_works_every_hour():
    cal = calendar_from_dict({"timezone": "America/New_York", "preset": "24x7"})
    assert cal.week == WEEK_24X7


def test_calendars_from_the_same_data_are_equal_and_hash_alike():
    data = {"timezone": "UTC", "hours": weekdays(("09:00", "17:00")), "holidays": ["2026-01-02"]}
    one, two = calendar_from_dict(data), calendar_from_dict(data)
    assert one == two and hash(one) == hash(two)
    assert one != calendar_from_dict({**data, "holidays": []})


def test_a_calendar_can_be_built_from_plain_values():
    cal = Calendar(
        zone=ZoneInfo("Asia/Kolkata"),
        week=(NINE_TO_FIVE,) * 5 + ((), ()),
        dates={date(2026, 1, 26): ()},
        country="IN",
    )
    assert cal.hours_on(date(2026, 1, 26)) == ()
    assert cal.hours_on(date(2026, 1, 27)) == NINE_TO_FIVE


def test_a_calendar_pickles_as_its_values():
    cal = calendar_from_dict(
        {"timezone": "Europe/Berlin", "preset": "24x7", "holidays": ["2026-01-01"]}
    )
    assert pickle.loads(pickle.dumps(cal)) == cal


def test_a_calendar_cannot_be_changed_after_it_is_built():
    cal = calendar_from_dict({"timezone": "UTC", "preset": "24x7", "holidays": ["2026-01-01"]})
    with pytest.raises(TypeError):
        cal.dates[date(2026, 1, 2)] = ()


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"timezone": "Mars/Olympus_Mons", "preset": "24x7"}, "unknown time zone 'Mars/Olympus"),
        ({"timezone": "../../etc/passwd", "preset": "24x7"}, "unknown time zone"),
        ({"preset": "24x7"}, 'needs a "timezone"'),
        ({"timezone": "UTC", "hours": {"mon": [["9h", "17:00"]]}}, "bad time '9h' on mon"),
        ({"timezone": "UTC", "hours": {"mon": [["09:00", "24:30"]]}}, "bad time '24:30'"),
        ({"timezone": "UTC", "hours": {"mon": [["09:60", "17:00"]]}}, "bad time '09:60'"),
        ({"timezone": "UTC", "hours": {"mon": [[900, 1700]]}}, "bad time 900"),
        ({"timezone": "UTC", "hours": {"mon": [["17:00", "09:00"]]}}, "ends before it starts"),
        ({"timezone": "UTC", "hours": {"mon": [["09:00", "09:00"]]}}, "is empty"),
        (
            {"timezone": "UTC", "hours": {"tue": [["09:00", "12:00"], ["11:00", "13:00"]]}},
            "intervals 09:00-12:00 and 11:00-13:00 on tue overlap",
        ),
        ({"timezone": "UTC", "hours": {"monday": [["09:00", "17:00"]]}}, "unknown weekday"),
        ({"timezone": "UTC", "hours": {"mon": ["09:00", "17:00"]}}, "pairs"),
        ({"timezone": "UTC", "hours": {"mon": []}}, "no working time"),
        ({"timezone": "UTC"}, "no working time"),
        ({"timezone": "UTC", "preset": "9to5"}, "unknown preset"),
        ({"timezone": "UTC", "preset": "24x7", "hours": {}}, "not both"),
        ({"timezone": "UTC", "preset": "24x7", "holiday": []}, "unknown calendar key 'holiday'"),
        ({"timezone": "UTC", "preset": "24x7", "holidays": ["25.12.2026"]}, "bad holiday date"),
        ({"timezone": "UTC", "preset": "24x7", "holidays": ["2026-02-30"]}, "bad holiday date"),
        (
            {"timezone": "UTC", "preset": "24x7", "holidays": ["2026-12-25", "2026-12-25"]},
            "listed twice",
        ),
        (
            {"timezone": "UTC", "preset": "24x7", "holidays": [{"day": "2026-12-24"}]},
            "a half day is",
        ),
        (
            {
                "timezone": "UTC",
                "preset": "24x7",
                "holidays": [{"date": "2026-12-24", "hours": [["12:00", "09:00"]]}],
            },
            "interval 12:00-09:00 on 2026-12-24 ends before it starts",
        ),
        (
            {"timezone": "UTC", "preset": "24x7", "country_holidays": {"country": "XX"}},
            "unknown country 'XX'",
        ),
        (
            {
                "timezone": "UTC",
                "preset": "24x7",
                "country_holidays": {"country": "DE", "subdivision": "Bavaria"},
            },
            "unknown subdivision 'Bavaria' of DE",
        ),
        ({"timezone": "UTC", "preset": "24x7", "country_holidays": "DE"}, "country_holidays"),
        ([], "a calendar is a JSON object"),
    ],
)
def test_a_bad_calendar_says_what_is_wrong_in_one_line(data, says):
    with pytest.raises(CalendarError, match=says) as raised:
        calendar_from_dict(data)
    assert "\n" not in str(raised.value)
    assert isinstance(raised.value, ValueError)


def test_the_dataclass_checks_what_it_is_given():
    with pytest.raises(CalendarError, match="7 days"):
        Calendar(zone=ZoneInfo("UTC"), week=(NINE_TO_FIVE,) * 5)
    with pytest.raises(CalendarError, match="needs its country"):
        Calendar(zone=ZoneInfo("UTC"), week=WEEK_24X7, subdivision="BY")
