"""The agents' dashboard: where the desk stands for one agent, in seven queries.

Every figure starts from a queue of ``queues.py`` (or, for the daily chart, from every ticket the
agent may see), so it counts exactly the tickets its link lists, and visibility is decided where
it always is. "The team" is the "My groups" queue, or "All open" for those who see every ticket.
The queries read the open states through the state indexes, the last days through the created
and resolved indexes, and never the whole table; their number does not depend on the data. The
SLA figures test each open ticket's clocks, as their queues do.
docs/metrics.md defines each figure.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Case, Count, Min, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import ticket_visibility_q
from servicedesk.core import clock
from servicedesk.desk.queues import OPEN, QUEUES, soon_until
from servicedesk.desk.selectors import sees_every_ticket
from servicedesk.sla.selectors import breached, breaching_by
from servicedesk.tickets.choices import Priority, State
from servicedesk.tickets.models import Ticket

DAYS = 14
OLDEST = 10
WAITING = (State.AWAITING_USER, State.AWAITING_VENDOR, State.AWAITING_CHANGE)
PRIORITIES = tuple(Priority)


@dataclass(frozen=True)
class Day:
    """One day of the desk's time zone, from its midnight to the next."""

    day: date
    start: datetime
    end: datetime
    created: int
    resolved: int


@dataclass(frozen=True)
class GroupLoad:
    """A group's open tickets and the creation time of its oldest one (no group: id None)."""

    group_id: int | None
    name: str
    is_active: bool
    open: int
    oldest_created_at: datetime


@dataclass(frozen=True)
class Dashboard:
    now: datetime
    time_zone: str
    sees_all: bool
    # The queue slug behind "the team": "groups", or "open" for those who see every ticket.
    team_queue: str
    mine_by_state: dict[str, int]
    team_by_state: dict[str, int]
    team_by_priority: dict[int, int]
    unassigned: int
    reopened: int
    # The SLA queues' counts: open tickets you may see with a clock due within
    # SERVICEDESK_SLA_SOON_HOURS (or overdue), and with a breached clock.
    breaching_soon: int
    # Of those, the ones assigned to the agent: what they should pick up first.
    mine_breaching_soon: int
    breached: int
    soon_hours: int
    days: list[Day]
    # None for an agent who neither leads nor sees every ticket.
    groups: list[GroupLoad] | None
    oldest: list[Ticket]

    @property
    def mine_open(self) -> int:
        return sum(self.mine_by_state.values())

    @property
    def team_open(self) -> int:
        return sum(self.team_by_state.values())

    @property
    def waiting(self) -> dict[str, int]:
        return {state: self.team_by_state[state] for state in WAITING}


def day_bounds(now: datetime, *, days: int = DAYS) -> list[tuple[date, datetime, datetime]]:
    """The last ``days`` days of the desk's time zone up to today, each as (day, start, end).

    Midnights are found in the zone and given in UTC, so a day across a DST change lasts 23
    or 25 hours, and subtracting them gives that (aware times in one zone subtract as clocks).
    """
    zone = timezone.get_default_timezone()
    today = timezone.localtime(now, zone).date()
    first = today - timedelta(days=days - 1)
    dates = [first + timedelta(days=i) for i in range(days + 1)]
    midnights = [datetime.combine(d, time.min, tzinfo=zone).astimezone(UTC) for d in dates]
    return [(dates[i], midnights[i], midnights[i + 1]) for i in range(days)]


def _per_day(user: User, column: str, bounds) -> list[int]:
    """How many tickets ``user`` may see have ``column`` in each day: one query that reads the
    days' range of the column's index and nothing else."""
    tickets = Ticket.objects.filter(
        **{f"{column}__gte": bounds[0][1], f"{column}__lt": bounds[-1][2]}
    )
    seen = ticket_visibility_q(user)
    if seen is not None:
        # Tested on each row of the range, not offered to the planner as a condition: without
        # statistics SQLite would rather read every ticket the groups ever had (group index).
        tickets = tickets.alias(seen=Case(When(seen, then=True), default=False)).filter(seen=True)
    counts = tickets.aggregate(
        **{
            f"d{i}": Count("pk", filter=Q(**{f"{column}__gte": start, f"{column}__lt": end}))
            for i, (_, start, end) in enumerate(bounds)
        }
    )
    return [counts[f"d{i}"] for i in range(len(bounds))]


def _shows_groups(user: User, sees_all: bool) -> bool:
    return sees_all or user.role == Role.LEAD


def dashboard_figures(*, user: User) -> Dashboard:
    """The dashboard of ``user`` (an agent): docs/metrics.md says what each figure counts."""
    now = clock.now()
    sees_all = sees_every_ticket(user)
    team_queue = "open" if sees_all else "groups"
    team = QUEUES[team_queue].tickets(user).order_by()

    mine_by_state = dict.fromkeys(OPEN, 0)
    rows = QUEUES["mine"].tickets(user).order_by().values_list("state").annotate(n=Count("pk"))
    mine_by_state.update(rows)

    team_by_state = dict.fromkeys(OPEN, 0)
    team_by_priority = dict.fromkeys(PRIORITIES, 0)
    unassigned = reopened = 0
    cells = team.values_list("state", "priority").annotate(
        n=Count("pk"),
        free=Count("pk", filter=Q(assignee_id=None)),
        again=Count("pk", filter=Q(reopen_count__gt=0)),
    )
    for state, priority, n, free, again in cells:
        team_by_state[state] += n
        team_by_priority[priority] += n
        unassigned += free
        reopened += again

    groups = None
    if _shows_groups(user, sees_all):
        # Grouped by an expression (0: no group) rather than the column, so that no planner
        # walks the whole group index in its order to save sorting a few groups: SQLite does
        # once ANALYZE has told it the average state holds a ninth of the table.
        loads = (
            team.annotate(gid=Coalesce("assignment_group_id", 0))
            .values_list("gid", "assignment_group__name", "assignment_group__is_active")
            .annotate(n=Count("pk"), oldest=Min("created_at"))
        )
        groups = [
            GroupLoad(gid or None, name or "", bool(active), n, oldest)
            for gid, name, active, n, oldest in loads
        ]
        groups.sort(key=lambda g: (-g.open, g.name))

    # The ten ids first, so that sorting the open tickets by age reads no joined rows. The
    # sort key is an expression (created_at is never null) so that no planner walks the
    # creation index from the oldest ticket looking for open ones: most old tickets are
    # closed, and PostgreSQL would read most of the table to find ten (docs/metrics.md).
    oldest_ids = team.order_by(Coalesce("created_at", "updated_at"), "id").values("pk")[:OLDEST]
    oldest = list(
        QUEUES[team_queue].tickets(user).filter(pk__in=oldest_ids).order_by("created_at", "id")
    )

    # The "Breaching soon" and "Breached" queues, counted together in one pass over the open
    # tickets they start from.
    every_open = QUEUES["open"].tickets(user).order_by()
    soon = Q(breaching_by(soon_until(now)))
    sla = every_open.aggregate(
        soon=Count("pk", filter=soon),
        mine_soon=Count("pk", filter=soon & Q(assignee_id=user.pk)),
        breached=Count("pk", filter=Q(breached())),
    )

    bounds = day_bounds(now)
    created = _per_day(user, "created_at", bounds)
    resolved = _per_day(user, "resolved_at", bounds)
    days = [
        Day(day, start, end, c, r)
        for (day, start, end), c, r in zip(bounds, created, resolved, strict=True)
    ]

    return Dashboard(
        now=now,
        time_zone=str(timezone.get_default_timezone()),
        sees_all=sees_all,
        team_queue=team_queue,
        mine_by_state=mine_by_state,
        team_by_state=team_by_state,
        team_by_priority=team_by_priority,
        unassigned=unassigned,
        reopened=reopened,
        breaching_soon=sla["soon"],
        mine_breaching_soon=sla["mine_soon"],
        breached=sla["breached"],
        soon_hours=settings.SERVICEDESK_SLA_SOON_HOURS,
        days=days,
        groups=groups,
        oldest=oldest,
    )
