"""Derive the ticket generator's profile (``profile.json``) from the real ServiceNow event log.

The log is read with the importer's own parser (so its states are already ours), and only
counts, histograms and quantiles are kept: a few KB that let ``servicedesk generate-tickets``
run without the corpus. What the log cannot say (ticket kinds other than incidents,
cancellations, public vs internal notes) is stated under ``assumed`` and kept apart from what
was measured. ``bench/derive_profile.py`` is the command that writes the file; the corpus tests
check that the committed file is what this module derives.
"""

import json
from collections import Counter, defaultdict
from datetime import UTC
from pathlib import Path

from servicedesk.tickets.choices import TRANSITIONS, State
from servicedesk.tickets.imports.servicenow import Incident, ParsedLog, parse_log
from servicedesk.tickets.imports.servicenow_file import open_log

PATH_MIN_COUNT = 5  # state paths seen fewer times are left out (0.6% of the incidents)

# Not in the log, which holds incidents only and no text: stated, not measured.
ASSUMED = {
    "kinds": {"incident": 70, "request": 25, "problem": 3, "change": 2},
    "cancelled_share": 0.015,
    "public_comment_share": 0.6,
    "requester_accepts_within_hours": 119,
}


def histogram(values) -> list[list[int]]:
    return [[value, n] for value, n in sorted(Counter(values).items())]


def quantiles(values: list[float]) -> list[float]:
    """Percentiles 0..100 (101 values, hours rounded to 0.01), linear between ranks."""
    ordered = sorted(values)
    last = len(ordered) - 1
    out = []
    for p in range(101):
        rank = p / 100 * last
        low = int(rank)
        high = min(low + 1, last)
        value = ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
        out.append(round(value, 2))
    return out


def hours(later, earlier) -> float:
    return max(0.0, (later - earlier).total_seconds() / 3600)


def desk_path(incident: Incident) -> tuple[str, ...] | None:
    """The incident's states as our desk walks them, or None when our transitions forbid it.

    Repeats and unknown states (-100) are dropped. The log often starts after New (the first
    update it kept is already Active or Resolved): a ticket here always starts new. ServiceNow's
    Active covers our assigned and in progress, so the first Active after New is both.
    """
    states: list[str] = [State.NEW]
    for update in incident.updates:
        if update.state is not None and update.state != states[-1]:
            states.append(update.state)
    if len(states) > 1 and states[1] == State.IN_PROGRESS:
        states.insert(1, State.ASSIGNED)
    if states[-1] != State.CLOSED:
        return None
    if any(b not in TRANSITIONS[a] for a, b in zip(states, states[1:], strict=False)):
        return None
    return tuple(str(s) for s in states)


def note_updates(incident: Incident) -> int:
    """Updates that moved neither the state nor the group: the log's work notes, replies and
    small edits, which the generator writes as comments."""
    seen = 0
    for before, after in zip(incident.updates, incident.updates[1:], strict=False):
        if before.state == after.state and before.group == after.group:
            seen += 1
    return seen


def derive(incidents: list[Incident], rows: int) -> dict:
    last = [incident.updates[-1] for incident in incidents]
    paths = Counter(desk_path(incident) for incident in incidents)
    kept_paths = sorted(
        ([list(path), n] for path, n in paths.items() if path and n >= PATH_MIN_COUNT),
        key=lambda item: -item[1],
    )

    groups = Counter(u.group for u in last if u.group)
    agents_by_group: dict[str, set[str]] = defaultdict(set)
    agents: set[str] = set()
    for incident in incidents:
        for update in incident.updates:
            if update.assignee:
                agents.add(update.assignee)
                if update.group:
                    agents_by_group[update.group].add(update.assignee)
    ranked_groups = [name for name, _ in groups.most_common()]

    subcategories: dict[str | None, Counter] = defaultdict(Counter)
    for u in last:
        subcategories[u.category][u.subcategory] += 1
    categories = [
        {
            "tickets": sum(counter.values()),
            "subcategories": sorted((n for s, n in counter.items() if s), reverse=True),
        }
        for name, counter in sorted(subcategories.items(), key=lambda kv: -sum(kv[1].values()))
        if name
    ]

    return {
        "source": (
            "ServiceNow incident event log (UCI dataset 498, Kaggle subset), "
            f"{len(incidents)} incidents, {rows} updates; derived by bench/derive_profile.py"
        ),
        "assumed": ASSUMED,
        "measured": {
            "impact_urgency": [
                [i, u, n]
                for (i, u), n in sorted(Counter((u.impact, u.urgency) for u in last).items())
            ],
            "priorities": histogram(u.priority for u in last),
            "states_last_update": dict(sorted(Counter(str(u.state) for u in last).items())),
            "state_paths": kept_paths,
            "channels": dict(Counter((u.contact_type or "").lower() for u in last).most_common()),
            "groups": [groups[name] for name in ranked_groups],
            "group_agents": [len(agents_by_group[name]) for name in ranked_groups],
            "tickets_without_group": sum(1 for u in last if not u.group),
            "agents": len(agents),
            "categories": categories,
            "tickets_without_category": sum(1 for u in last if not u.category),
            "updates_per_ticket": histogram(len(incident.updates) for incident in incidents),
            "note_updates_per_ticket": histogram(note_updates(i) for i in incidents),
            "reassignments": histogram(u.reassignment_count for u in last),
            "reopens": histogram(u.reopen_count for u in last),
            "resolution_hours": quantiles(
                [hours(u.resolved_at, u.opened_at) for u in last if u.resolved_at]
            ),
            "close_after_resolution_hours": quantiles(
                [hours(u.closed_at, u.resolved_at) for u in last if u.resolved_at and u.closed_at]
            ),
            "close_codes_by_rank": sorted(
                Counter(u.closed_code for u in last if u.closed_code).values(), reverse=True
            ),
            "knowledge_share": round(sum(1 for u in last if u.knowledge) / len(last), 4),
            "callers": len({u.caller for u in last if u.caller}),
            "tickets_per_caller": histogram(Counter(u.caller for u in last if u.caller).values()),
            "locations": sorted(
                Counter(u.location for u in last if u.location).values(), reverse=True
            ),
            "opened_weekday": [
                n for _, n in sorted(Counter(u.opened_at.weekday() for u in last).items())
            ],
            "opened_hour": [
                Counter(u.opened_at.hour for u in last).get(hour, 0) for hour in range(24)
            ],
        },
    }


def profile_text(profile: dict) -> str:
    """JSON with one line per measured figure: small, and readable in a diff."""

    def block(values: dict, indent: str) -> str:
        lines = []
        for key, value in values.items():
            if key in ("assumed", "measured"):
                shown = block(value, indent + "  ")
            else:
                shown = json.dumps(value, separators=(",", ":"))
            lines.append(f"{indent}  {json.dumps(key)}: {shown}")
        return "{\n" + ",\n".join(lines) + f"\n{indent}}}"

    return block(profile, "") + "\n"


def read_log(path: Path) -> ParsedLog:
    """The log at ``path`` (CSV or zip), its times read as UTC like the profile's hours."""
    with open_log(path) as stream:
        return parse_log(stream, tz=UTC)


def profile_from_log(path: Path) -> dict:
    """The profile of the log at ``path``, as ``profile.json`` holds it."""
    log = read_log(path)
    return derive(log.incidents, log.rows)
