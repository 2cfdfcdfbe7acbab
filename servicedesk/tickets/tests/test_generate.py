"""``generate-tickets``: a few thousand generated tickets follow the profile's distributions.

Each share is checked against the profile within four binomial standard errors (see
``generated.Z``), so the bounds follow from the number of tickets, not from what came out.
"""

from collections import Counter
from datetime import timedelta
from math import sqrt
from statistics import median

import pytest

from servicedesk.tickets.choices import DEFAULT_PRIORITY_MATRIX, OPEN_STATES, State
from servicedesk.tickets.generate.profile import load_profile
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.generated import (
    NOW,
    Z,
    assert_share,
    kept_for_module,
    share_bounds,
)

pytestmark = pytest.mark.django_db

COUNT = 4000
PROFILE = load_profile()
MEASURED = PROFILE.raw["measured"]
# The longest resolution and the longest wait for closing the log has: a ticket created longer
# ago than both together has reached the end of its path.
SETTLED = timedelta(
    hours=MEASURED["resolution_hours"][-1] + MEASURED["close_after_resolution_hours"][-1]
)


@pytest.fixture(scope="module")
def tickets(django_db_setup, django_db_blocker):
    with kept_for_module(django_db_blocker, count=COUNT, seed=11) as summary:
        assert summary.tickets == COUNT
        yield list(Ticket.objects.all())


def shares_match(values: list, expected: dict, what: str) -> None:
    """Every value's share is within bounds of its expected share, and nothing else occurs."""
    seen = Counter(values)
    assert set(seen) <= set(expected), f"{what}: {set(seen) - set(expected)} never expected"
    for value, p in expected.items():
        assert_share(seen[value], len(values), p, f"{what} {value}")


def test_kinds_follow_the_assumed_mix(tickets):
    assumed = PROFILE.raw["assumed"]["kinds"]
    total = sum(assumed.values())
    shares_match([t.kind for t in tickets], {k: n / total for k, n in assumed.items()}, "kind")


def test_priorities_have_the_logs_shares(tickets):
    shares_match([t.priority for t in tickets], PROFILE.priority_shares(), "priority")


def test_impact_and_urgency_pairs_have_the_logs_shares(tickets):
    pairs = MEASURED["impact_urgency"]
    total = sum(n for _, _, n in pairs)
    expected = {(impact, urgency): n / total for impact, urgency, n in pairs}
    shares_match([(t.impact, t.urgency) for t in tickets], expected, "impact x urgency")


def test_priority_follows_the_default_matrix(tickets):
    wrong = [
        t.number for t in tickets if t.priority != DEFAULT_PRIORITY_MATRIX[t.impact, t.urgency]
    ]
    assert wrong == []
    assert {t.priority_override_reason for t in tickets} == {""}


def test_channels_have_the_logs_shares(tickets):
    channels = MEASURED["channels"]
    total = sum(channels.values())
    shares_match(
        [t.channel for t in tickets], {c: n / total for c, n in channels.items()}, "channel"
    )


def test_settled_tickets_are_all_closed_or_cancelled(tickets):
    settled = [t for t in tickets if t.created_at < NOW - SETTLED]
    assert len(settled) > COUNT / 2
    assert {t.state for t in settled} == {State.CLOSED, State.CANCELLED}
    assert_share(
        sum(t.state == State.CANCELLED for t in settled),
        len(settled),
        PROFILE.cancelled_share,
        "cancelled",
    )


def test_reassignments_of_closed_tickets_follow_the_logs_histogram(tickets):
    # Closed tickets have made every move their history drew; open ones may not have yet.
    closed = [t.reassignment_count for t in tickets if t.state == State.CLOSED]
    histogram = dict(map(tuple, MEASURED["reassignments"]))
    total = sum(histogram.values())
    seen = Counter(closed)
    for moves in range(5):
        assert_share(seen[moves], len(closed), histogram.get(moves, 0) / total, f"{moves} moves")
    more = sum(n for moves, n in histogram.items() if moves >= 5) / total
    assert_share(sum(n for moves, n in seen.items() if moves >= 5), len(closed), more, "5+")
    assert max(closed) <= max(histogram)


def resolution_hours(tickets) -> list[float]:
    """Hours from creation to the last resolution of settled, closed tickets: every ticket old
    enough for any resolution time, so the long ones are not missing."""
    return [
        (t.resolved_at - t.created_at).total_seconds() / 3600
        for t in tickets
        if t.state == State.CLOSED and t.created_at < NOW - SETTLED
    ]


@pytest.mark.parametrize("percentile", [5, 25, 50, 75, 90, 99])
def test_resolution_times_follow_the_logs_quantiles(tickets, percentile):
    points = MEASURED["resolution_hours"]
    # Where the quantiles rise after it, the generator draws at most that with that chance.
    assert points[percentile] < points[percentile + 1]
    hours = resolution_hours(tickets)
    below = sum(h <= points[percentile] for h in hours)
    assert_share(below, len(hours), percentile / 100, f"resolved within {points[percentile]} h")


def test_median_resolution_time_is_the_logs(tickets):
    hours = resolution_hours(tickets)
    low, high = share_bounds(0.5, len(hours))
    points = MEASURED["resolution_hours"]
    # The median's rank is binomial too: it falls between these percentiles of the log.
    assert points[int(low * 100)] <= median(hours) <= points[int(high * 100) + 1]


def below(points: list[float], hours: float) -> float:
    """The chance that the profile's sampler for these percentiles draws at most ``hours``."""
    if hours >= points[-1]:
        return 1.0
    i = max(k for k in range(100) if points[k] <= hours)
    span = points[i + 1] - points[i]
    return (i + ((hours - points[i]) / span if span else 1)) / 100


def bounded(observed: int, chances: list[float], *, at_least: bool) -> None:
    """``observed`` is a sum of draws with these chances (lower or upper bounds of them): it
    stays within four standard errors on the side that counts."""
    expected = sum(chances)
    margin = Z * sqrt(sum(p * (1 - p) for p in chances))
    if at_least:
        assert observed >= expected - margin, (observed, expected, margin)
    else:
        assert observed <= expected + margin, (observed, expected, margin)


def test_tickets_of_the_last_days_are_mostly_still_open(tickets):
    recent = [t for t in tickets if t.created_at >= NOW - timedelta(days=7)]
    assert len(recent) >= 5
    # Such a ticket is done only if cancelled, or if it was both resolved and closed since: it
    # is open at least with the chance that neither the cancellation nor the closing delay
    # alone (the log's: about five days) fits in its age.
    close = MEASURED["close_after_resolution_hours"]
    ages = [(NOW - t.created_at).total_seconds() / 3600 for t in recent]
    open_at_least = [1 - PROFILE.cancelled_share - below(close, age) for age in ages]
    still_open = sum(t.state in OPEN_STATES or t.state == State.RESOLVED for t in recent)
    bounded(still_open, open_at_least, at_least=True)
    assert still_open >= len(recent) / 2


def test_older_tickets_are_open_only_while_their_resolution_time_lasts(tickets):
    older = [t for t in tickets if t.created_at < NOW - timedelta(days=30)]
    resolution = MEASURED["resolution_hours"]
    ages = [(NOW - t.created_at).total_seconds() / 3600 for t in older]
    open_at_most = [1 - below(resolution, age) for age in ages]
    bounded(sum(t.state in OPEN_STATES for t in older), open_at_most, at_least=False)


def test_tickets_are_created_over_five_years_on_the_logs_weekdays(tickets):
    assert min(t.created_at for t in tickets) >= NOW - timedelta(days=round(365.25 * 5) + 1)
    assert max(t.created_at for t in tickets) <= NOW
    weekdays = MEASURED["opened_weekday"]
    weekend = (weekdays[5] + weekdays[6]) / sum(weekdays)
    assert_share(
        sum(t.created_at.weekday() >= 5 for t in tickets), len(tickets), weekend, "weekend"
    )
