"""The generator's profile: what ``derive`` computes, and that the committed file is its output."""

import json
from collections import Counter
from random import Random

import pytest

from servicedesk.tickets.choices import DEFAULT_PRIORITY_MATRIX, Kind
from servicedesk.tickets.generate.derive import (
    ASSUMED,
    histogram,
    profile_from_log,
    profile_text,
    quantiles,
)
from servicedesk.tickets.generate.profile import PROFILE_PATH, Quantiles, Weighted, load_profile


def test_quantiles_are_the_101_percentiles_linear_between_ranks():
    points = quantiles([float(v) for v in range(11)])  # 0..10
    assert len(points) == 101
    assert (points[0], points[5], points[50], points[55], points[100]) == (0.0, 0.5, 5.0, 5.5, 10.0)
    rounded = quantiles([1.234, 1.236])  # hours, kept to 0.01
    assert (rounded[0], rounded[100]) == (1.23, 1.24)


def test_histogram_counts_each_value_in_order():
    assert histogram([3, 1, 3, 0, 3]) == [[0, 1], [1, 1], [3, 3]]


def test_samplers_draw_what_they_are_given():
    rng = Random(1)
    picks = Counter(Weighted(["a", "b"], [1, 3]).draw(rng) for _ in range(8000))
    assert 1700 < picks["a"] < 2300  # 2000 expected, 4 standard errors of 39 either side
    between = Quantiles([float(p) for p in range(101)])
    assert all(0 <= between.draw(rng) <= 100 for _ in range(1000))
    with pytest.raises(ValueError):
        Quantiles([1.0, 0.0] * 50 + [2.0])


def test_the_profiles_priorities_are_its_impact_and_urgency_through_the_default_matrix():
    measured = load_profile().raw["measured"]
    through_matrix: Counter = Counter()
    for impact, urgency, n in measured["impact_urgency"]:
        through_matrix[DEFAULT_PRIORITY_MATRIX[impact, urgency]] += n
    assert sorted(through_matrix.items()) == [tuple(p) for p in measured["priorities"]]


def test_what_the_profile_assumes_is_stated_apart_and_names_our_kinds():
    raw = load_profile().raw
    assert raw["assumed"] == ASSUMED
    assert set(raw["assumed"]["kinds"]) == set(Kind.values)
    assert not set(raw["assumed"]) & set(raw["measured"])


@pytest.mark.corpus
def test_the_committed_profile_is_what_the_real_log_gives(corpus):
    derived = profile_from_log(corpus / "servicenow" / "incident_event_log.csv.zip")
    committed = json.loads(PROFILE_PATH.read_text(encoding="utf-8"))

    measured = json.loads(json.dumps(derived["measured"]))
    assert sorted(measured) == sorted(committed["measured"])
    for key, value in committed["measured"].items():
        assert measured[key] == value, key
    # The whole file, byte for byte, is what bench/derive_profile.py writes.
    assert profile_text(derived) == PROFILE_PATH.read_text(encoding="utf-8")
    assert derived["source"].endswith(
        "20769 incidents, 119998 updates; derived by bench/derive_profile.py"
    )
