from datetime import timedelta

import pytest

from servicedesk.sla.clock import parse_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8h", timedelta(hours=8)),
        ("30m", timedelta(minutes=30)),
        ("8h30m", timedelta(hours=8, minutes=30)),
        ("8h 30m", timedelta(hours=8, minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("1h2m3s", timedelta(hours=1, minutes=2, seconds=3)),
        ("48H", timedelta(hours=48)),
        ("0m", timedelta(0)),
        ("PT8H30M", timedelta(hours=8, minutes=30)),
        ("pt45m", timedelta(minutes=45)),
        ("PT90S", timedelta(seconds=90)),
        (" 4h ", timedelta(hours=4)),
    ],
)
def test_durations_read(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-8h", "negative"),
        ("1d2h", "days"),
        ("2d", "days"),
        ("P1D", "days"),
        ("P1DT2H", "days"),
        ("", "cannot read"),
        ("8", "cannot read"),
        ("8x", "cannot read"),
        ("30m8h", "cannot read"),
        ("1.5h", "cannot read"),
        ("PT", "cannot read"),
        ("P", "cannot read"),
        ("9999999999h", "cannot read"),
    ],
)
def test_bad_durations_say_why_in_one_line(text, says):
    with pytest.raises(ValueError, match=says) as raised:
        parse_duration(text)
    assert "\n" not in str(raised.value)
