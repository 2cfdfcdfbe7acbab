"""The desk's time filters write what Django's date filter writes, only faster."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

MOMENTS = [
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # 01:59 in London, before the clocks change
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # 02:00 in London, after
    datetime(2025, 12, 31, 23, 5, 9, tzinfo=UTC),
    datetime(999, 1, 1, 0, 0, tzinfo=UTC),  # a year of three digits
    datetime(2026, 7, 4, 9, 3),  # naive
    None,
    "",
]


def render(source: str, value) -> str:
    return Template("{% load desk %}" + source).render(Context({"value": value}))


@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Pacific/Chatham"])
@pytest.mark.parametrize("value", MOMENTS)
def test_stamp_is_the_date_filter(zone, value):
    with timezone.override(zone):
        assert render("{{ value|stamp }}", value) == render('{{ value|date:"Y-m-d H:i" }}', value)


@time_machine.travel(datetime(2026, 3, 29, 12, 0, tzinfo=UTC), tick=False)
@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 3, 29, 1, 7, tzinfo=UTC), "02:07"),  # today, in London summer time
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "28 Mar"),
        (datetime(2024, 3, 28, 23, 30, tzinfo=UTC), "28 Mar 2024"),
        (None, "—"),
    ],
)
def test_short_time(moment, shown):
    with timezone.override("Europe/London"):
        assert render("{{ value|short_time }}", moment) == shown
