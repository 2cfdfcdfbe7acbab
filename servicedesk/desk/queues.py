"""The agent's queues: named starting points that the shared TicketFilter narrows further.

Every queue starts from ``ticket_list``, so visibility is decided where it always is. An agent
who may see every ticket has every group as "their" groups: for them a queue of "my groups"
would hold only the groups they happen to be a member of, which is none for most admins.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet

from servicedesk.accounts.models import Membership, User
from servicedesk.core import clock
from servicedesk.desk.keyset import DEFAULT_SORT, DUE, SORT_KEYS
from servicedesk.desk.selectors import sees_every_ticket
from servicedesk.sla.selectors import tickets_breached, tickets_breaching_by
from servicedesk.tickets.choices import OPEN_STATES, State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import open_tickets, recently_resolved, ticket_list

# A count stops at this many rows, so it reads at most that many index entries.
COUNT_CAP = 100
OPEN = tuple(s for s in State if s in OPEN_STATES)


def _in_my_groups(user: User) -> Exists:
    # EXISTS, as in the visibility rule: the planner walks the open tickets in the page's order
    # and stops after a page, instead of reading every open ticket of every group and sorting.
    return Exists(
        Membership.objects.filter(user_id=user.pk, group_id=OuterRef("assignment_group_id"))
    )


def _mine(user: User) -> QuerySet[Ticket]:
    return open_tickets(user).filter(assignee_id=user.pk)


def _groups(user: User) -> QuerySet[Ticket]:
    if sees_every_ticket(user):
        return open_tickets(user).filter(assignment_group__isnull=False)
    return open_tickets(user).filter(_in_my_groups(user))


def _unassigned(user: User) -> QuerySet[Ticket]:
    if sees_every_ticket(user):
        # Every group's, and those that reached no group at all: nobody else will pick them up.
        return open_tickets(user).filter(assignee=None)
    return _groups(user).filter(assignee=None)


def soon_until(now: datetime) -> datetime:
    """The end of "soon": a clock due by then is breaching soon (SERVICEDESK_SLA_SOON_HOURS)."""
    return now + timedelta(hours=settings.SERVICEDESK_SLA_SOON_HOURS)


def _breaching_soon(user: User) -> QuerySet[Ticket]:
    # An EXISTS per open ticket on its clocks (sla.selectors): the open tickets are few, each
    # probe reads one ticket's two clocks, and the page never reads the closed history.
    return tickets_breaching_by(open_tickets(user), by=soon_until(clock.now()))


def _breached(user: User) -> QuerySet[Ticket]:
    return tickets_breached(open_tickets(user))


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    tickets: Callable[[User], QuerySet[Ticket]]
    # Counted only where an indexed column (assignee or group, with state) narrows the rows to
    # one agent's or one team's share; "all open" and "resolved" would read most of the table.
    counted: bool
    # The states the queue holds (None: any); the state filter offers only these.
    states: tuple[str, ...] | None
    # The label for someone who sees every ticket, when the queue then means something wider.
    wide_label: str = ""
    # The sorts the list offers, and the one it starts with.
    sorts: tuple[str, ...] = SORT_KEYS
    default_sort: str = DEFAULT_SORT

    def label_for(self, user: User) -> str:
        return self.wide_label if self.wide_label and sees_every_ticket(user) else self.label

    def holds(self, state: str) -> bool:
        return self.states is None or state in self.states


# The SLA queues start with the earliest due time.
BY_DUE = {"sorts": (DUE, *SORT_KEYS), "default_sort": DUE}
QUEUES: dict[str, Queue] = {
    q.slug: q
    for q in (
        Queue("mine", "Assigned to me", _mine, counted=True, states=OPEN),
        Queue("groups", "My groups", _groups, counted=True, states=OPEN, wide_label="All groups"),
        Queue(
            "unassigned",
            "Unassigned",
            _unassigned,
            counted=True,
            states=OPEN,
            wide_label="Unassigned (all groups)",
        ),
        # Not counted in the list of queues: a count would test every open ticket's clocks
        # on every page of the desk. The dashboard counts them.
        Queue("breaching", "Breaching soon", _breaching_soon, counted=False, states=OPEN, **BY_DUE),
        Queue("breached", "Breached", _breached, counted=False, states=OPEN, **BY_DUE),
        Queue("open", "All open", open_tickets, counted=False, states=OPEN),
        Queue(
            "resolved",
            "Recently resolved",
            recently_resolved,
            counted=False,
            states=(State.RESOLVED,),
        ),  # fmt: skip
        Queue("all", "All tickets", ticket_list, counted=False, states=None),
    )
}
DEFAULT_QUEUE = "mine"
ALL_QUEUE = "all"


@dataclass(frozen=True)
class QueueEntry:
    queue: Queue
    label: str
    count: int | None

    @property
    def count_label(self) -> str:
        if self.count is None:
            return ""
        return f"{COUNT_CAP}+" if self.count >= COUNT_CAP else str(self.count)


def queue_entries(*, user: User) -> list[QueueEntry]:
    """Every queue with its count where a count is cheap (capped at COUNT_CAP)."""
    entries = []
    for queue in QUEUES.values():
        count = None
        if queue.counted:
            count = queue.tickets(user).order_by().values("pk")[:COUNT_CAP].count()
        entries.append(QueueEntry(queue, queue.label_for(user), count))
    return entries
