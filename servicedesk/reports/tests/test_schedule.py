"""When subscriptions are due and what each mailing covers, across months, years and DST."""

from datetime import UTC, date, datetime

import pytest

from servicedesk.reports.schedule import next_run_after, period_before


@pytest.fixture(autouse=True)
def _berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("after", "due"),
    [
        # Monday 06:00 in Berlin is 05:00 UTC in winter, 04:00 in summer.
        (utc(2026, 3, 4, 12, 0), utc(2026, 3, 9, 5, 0)),
        (utc(2026, 3, 9, 4, 59), utc(2026, 3, 9, 5, 0)),
        (utc(2026, 3, 9, 5, 0), utc(2026, 3, 16, 5, 0)),
        # Across the DST change of 29 March: still 06:00 local.
        (utc(2026, 3, 24, 0, 0), utc(2026, 3, 30, 4, 0)),
        (utc(2026, 12, 29, 0, 0), utc(2027, 1, 4, 5, 0)),
    ],
)
def test_weekly_due(after, due):
    assert next_run_after("weekly", after) == due


@pytest.mark.parametrize(
    ("after", "due"),
    [
        (utc(2026, 1, 31, 10, 0), utc(2026, 2, 1, 5, 0)),
        (utc(2026, 2, 1, 5, 0), utc(2026, 3, 1, 5, 0)),
        (utc(2026, 3, 15, 0, 0), utc(2026, 4, 1, 4, 0)),
        (utc(2026, 12, 1, 5, 0), utc(2027, 1, 1, 5, 0)),
        (utc(2026, 12, 31, 23, 30), utc(2027, 1, 1, 5, 0)),  # already the 1st in Berlin
        (utc(2028, 2, 28, 0, 0), utc(2028, 3, 1, 5, 0)),
    ],
)
def test_monthly_due(after, due):
    assert next_run_after("monthly", after) == due


@pytest.mark.parametrize(
    ("frequency", "run_at", "period"),
    [
        ("weekly", utc(2026, 3, 9, 5, 0), (date(2026, 3, 2), date(2026, 3, 8))),
        ("weekly", utc(2026, 3, 11, 9, 0), (date(2026, 3, 2), date(2026, 3, 8))),  # late run
        ("weekly", utc(2027, 1, 4, 5, 0), (date(2026, 12, 28), date(2027, 1, 3))),
        ("monthly", utc(2026, 3, 1, 5, 0), (date(2026, 2, 1), date(2026, 2, 28))),
        ("monthly", utc(2028, 3, 1, 5, 0), (date(2028, 2, 1), date(2028, 2, 29))),
        ("monthly", utc(2027, 1, 1, 5, 0), (date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_period_before(frequency, run_at, period):
    assert period_before(frequency, run_at) == period


def test_unknown_frequency():
    with pytest.raises(ValueError):
        next_run_after("daily", utc(2026, 1, 1))
