"""The generator's distributions: ``profile.json`` (derived from the ServiceNow log by
``bench/derive_profile.py``) read into samplers that draw from a seeded ``random.Random``."""

import json
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from pathlib import Path
from random import Random
from typing import Any, Generic, TypeVar

PROFILE_PATH = Path(__file__).with_name("profile.json")

T = TypeVar("T")


class Weighted(Generic[T]):
    """Draws one of ``values`` with probability proportional to its weight."""

    __slots__ = ("values", "cumulative", "total")

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        if not values or len(values) != len(weights) or min(weights) < 0 or sum(weights) <= 0:
            raise ValueError("a weighted choice needs values with non-negative weights")
        self.values = list(values)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    @classmethod
    def of_histogram(cls, pairs: Sequence[Sequence[Any]]) -> "Weighted":
        return cls([value for value, _ in pairs], [n for _, n in pairs])

    def draw(self, rng: Random) -> T:
        return self.values[bisect_right(self.cumulative, rng.random() * self.total)]


class Quantiles:
    """Draws from a distribution given by its percentiles 0..100 (linear in between)."""

    __slots__ = ("points",)

    def __init__(self, points: Sequence[float]) -> None:
        if len(points) != 101 or list(points) != sorted(points):
            raise ValueError("quantiles are the 101 percentiles 0..100, in order")
        self.points = list(points)

    def draw(self, rng: Random) -> float:
        position = rng.random() * 100
        index = int(position)
        low = self.points[index]
        return low + (self.points[index + 1] - low) * (position - index)


@dataclass(frozen=True)
class Profile:
    raw: dict[str, Any]
    kinds: Weighted[str]
    impact_urgency: Weighted[tuple[int, int]]
    channels: Weighted[str]
    state_paths: Weighted[tuple[str, ...]]
    groups: list[int]  # tickets per group, largest first
    group_agents: list[int]
    agents: int
    categories: list[dict[str, Any]]
    updates: Weighted[int]
    notes: Weighted[int]
    reassignments: Weighted[int]
    resolution_hours: Quantiles
    close_hours: Quantiles
    close_codes: list[int]
    knowledge_share: float
    callers: int
    tickets_per_caller: Weighted[int]
    locations: list[int]
    weekday: list[int]
    hour: list[int]
    cancelled_share: float
    public_comment_share: float
    accept_within_hours: float

    def priority_shares(self) -> dict[int, float]:
        counts = dict(map(tuple, self.raw["measured"]["priorities"]))
        total = sum(counts.values())
        return {priority: n / total for priority, n in counts.items()}


def profile_from(raw: dict[str, Any]) -> Profile:
    m, a = raw["measured"], raw["assumed"]
    return Profile(
        raw=raw,
        kinds=Weighted(list(a["kinds"]), list(a["kinds"].values())),
        impact_urgency=Weighted(
            [(i, u) for i, u, _ in m["impact_urgency"]], [n for _, _, n in m["impact_urgency"]]
        ),  # fmt: skip
        channels=Weighted(list(m["channels"]), list(m["channels"].values())),
        state_paths=Weighted(
            [tuple(p) for p, _ in m["state_paths"]], [n for _, n in m["state_paths"]]
        ),  # fmt: skip
        groups=list(m["groups"]),
        group_agents=list(m["group_agents"]),
        agents=m["agents"],
        categories=list(m["categories"]),
        updates=Weighted.of_histogram(m["updates_per_ticket"]),
        notes=Weighted.of_histogram(m["note_updates_per_ticket"]),
        reassignments=Weighted.of_histogram(m["reassignments"]),
        resolution_hours=Quantiles(m["resolution_hours"]),
        close_hours=Quantiles(m["close_after_resolution_hours"]),
        close_codes=list(m["close_codes_by_rank"]),
        knowledge_share=m["knowledge_share"],
        callers=m["callers"],
        tickets_per_caller=Weighted.of_histogram(m["tickets_per_caller"]),
        locations=list(m["locations"]),
        weekday=list(m["opened_weekday"]),
        hour=list(m["opened_hour"]),
        cancelled_share=a["cancelled_share"],
        public_comment_share=a["public_comment_share"],
        accept_within_hours=a["requester_accepts_within_hours"],
    )


@cache
def load_profile(path: Path = PROFILE_PATH) -> Profile:
    return profile_from(json.loads(path.read_text(encoding="utf-8")))
