"""Choosing an agent inside a group: who may take a ticket now, and the group's strategy.

An agent may take a new ticket when they are active, an agent, not out of office today, the
group is on shift by its working hours (its calendar in sla, docs/decisions/0007), and they
hold fewer open tickets than their cap.
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count
from django.utils import timezone

from servicedesk.accounts.choices import STAFF_ROLES
from servicedesk.accounts.models import SupportGroup, User
from servicedesk.core import config
from servicedesk.sla.models import GroupCalendar
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.models.ticket import IsOpen
from servicedesk.triage.choices import Strategy
from servicedesk.triage.models import GroupRouting


@dataclass(frozen=True)
class Pick:
    agent: User | None
    note: str  # why (names the strategy), or why nobody


def is_away(user: User, day: date) -> bool:
    start, end = user.out_of_office_from, user.out_of_office_until
    if start is None and end is None:
        return False
    return (start is None or start <= day) and (end is None or day <= end)


def on_shift(group: SupportGroup, now: datetime) -> bool:
    """Whether the group works now by its calendar; a group without one always does."""
    own = GroupCalendar.objects.filter(group=group).select_related("calendar").first()
    if own is None:
        return True
    calendar = own.calendar.calendar()
    local = now.astimezone(calendar.zone)
    second = local.hour * 3600 + local.minute * 60 + local.second
    return any(start <= second < end for start, end in calendar.hours_on(local.date()))


def open_counts(agent_ids: list[int]) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(IsOpen(), assignee_id__in=agent_ids)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["assignee_id"]: row["n"] for row in rows}


def _members(group: SupportGroup) -> list[User]:
    # Everyone in the group, in a fixed order: round robin walks this list.
    return list(group.members.order_by("username", "id"))


def _available(members: list[User], now: datetime) -> list[User]:
    today = timezone.localdate(now)
    return [m for m in members if m.is_active and m.role in STAFF_ROLES and not is_away(m, today)]


def _under_cap(agents: list[User], counts: dict[int, int] | None) -> list[User]:
    if counts is None:
        return agents
    return [
        a for a in agents if a.max_open_tickets is None or counts.get(a.pk, 0) < a.max_open_tickets
    ]


def agent_may_take(agent: User, group: SupportGroup, now: datetime) -> str:
    """Why ``agent`` may not take a ticket of ``group`` now; "" when they may."""
    if not agent.is_active or agent.role not in STAFF_ROLES:
        return f"{agent} is not an active agent"
    if not group.members.filter(pk=agent.pk).exists():
        return f"{agent} is not in {group}"
    if is_away(agent, timezone.localdate(now)):
        return f"{agent} is out of office"
    if not on_shift(group, now):
        return f"{group} is outside its working hours"
    cap = agent.max_open_tickets
    if cap is not None and open_counts([agent.pk]).get(agent.pk, 0) >= cap:
        return f"{agent} holds {cap} open tickets, their cap"
    return ""


def _routed_groups() -> frozenset[int]:
    """Groups with an assignment strategy (kept per process until a routing is saved)."""
    return config.kept(
        "triage.routed_groups",
        lambda: frozenset(
            GroupRouting.objects.exclude(strategy=Strategy.NONE).values_list("group_id", flat=True)
        ),
    )


def pick_agent(*, group: SupportGroup, skills: set[str], now: datetime) -> Pick | None:
    """An agent of ``group`` by its strategy; None when the group has none (the ticket waits
    in its queue); a Pick without an agent when nobody may take it now."""
    # Locked (PostgreSQL) to the end of the creating transaction: two creates for one group
    # take their turns, and count the open tickets, one after the other.
    if group.pk not in _routed_groups():
        return None  # no strategy: spares the locked read below on most creates
    routing = GroupRouting.objects.select_for_update().filter(group=group).first()
    if routing is None or routing.strategy == Strategy.NONE:
        return None
    nobody = f"No eligible agent in {group}"
    if not on_shift(group, now):
        return Pick(None, f"{nobody}: outside its working hours; it waits unassigned.")
    members = _members(group)
    available = _available(members, now)
    capped = any(a.max_open_tickets is not None for a in available)
    needs_counts = capped or routing.strategy != Strategy.ROUND_ROBIN
    counts = open_counts([a.pk for a in available]) if needs_counts and available else None
    eligible = _under_cap(available, counts)
    if not eligible:
        why = "active, present and under their cap" if members else "members"
        return Pick(None, f"{nobody}: none {why}; it waits unassigned in the group.")
    if routing.strategy == Strategy.ROUND_ROBIN:
        agent = _round_robin(routing, members, {a.pk for a in eligible})
        return Pick(agent, f"Round robin in {group}: {agent}.")
    load = counts or {}
    if routing.strategy == Strategy.SKILLS:

        def fit(a: User) -> int:
            return len({s.lower() for s in a.skills or []} & skills)

        agent = min(eligible, key=lambda a: (-fit(a), load.get(a.pk, 0), a.username))
        matched = sorted({s.lower() for s in agent.skills or []} & skills)
        why = f"skills {', '.join(matched)}" if matched else "no skills matched; fewest open"
        return Pick(agent, f"Skills match in {group}: {agent} ({why}).")
    agent = min(eligible, key=lambda a: (load.get(a.pk, 0), a.username))
    return Pick(agent, f"Least open tickets in {group}: {agent} ({load.get(agent.pk, 0)} open).")


def _round_robin(routing: GroupRouting, members: list[User], eligible: set[int]) -> User:
    """The eligible member after the last one served, in the group's order.

    Concurrent creates must not both take the same turn: the routing row was read under a row
    lock (PostgreSQL; SQLite runs one writer at a time), and the pointer moves by a conditional
    UPDATE from the value read; should it have moved meanwhile, the turn is taken again.
    """
    last = routing.last_agent_id
    ids = [m.pk for m in members]
    for _attempt in range(5):
        start = ids.index(last) + 1 if last in ids else 0
        turn = next(
            members[(start + step) % len(members)]
            for step in range(len(members))
            if members[(start + step) % len(members)].pk in eligible
        )
        moved = GroupRouting.objects.filter(pk=routing.pk, last_agent_id=last).update(
            last_agent=turn
        )
        if moved:
            return turn
        last = GroupRouting.objects.values_list("last_agent_id", flat=True).get(pk=routing.pk)
    raise RuntimeError(f"round robin of {routing.group} kept changing under us")
