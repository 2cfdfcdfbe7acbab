"""The agent's queues: named starting points that the shared TicketFilter narrows further.

Every queue starts from ``ticket_list``, so visibility is decided where it always is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from servicedesk.accounts.models import Membership, User
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import open_tickets, recently_resolved

# A count stops at this many rows, so it reads at most that many index entries.
COUNT_CAP = 100


def _my_group_ids(user: User) -> QuerySet:
    return Membership.objects.filter(user_id=user.pk).values("group_id")


def _mine(user: User) -> QuerySet[Ticket]:
    return open_tickets(user).filter(assignee_id=user.pk)


def _groups(user: User) -> QuerySet[Ticket]:
    return open_tickets(user).filter(assignment_group_id__in=_my_group_ids(user))


def _unassigned(user: User) -> QuerySet[Ticket]:
    return _groups(user).filter(assignee=None)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    tickets: Callable[[User], QuerySet[Ticket]]
    # Counted only where an indexed column (assignee or group, with state) narrows the rows to
    # one agent's or one team's share; "all open" and "resolved" would read most of the table.
    counted: bool


QUEUES: dict[str, Queue] = {
    q.slug: q
    for q in (
        Queue("mine", "Assigned to me", _mine, counted=True),
        Queue("groups", "My groups", _groups, counted=True),
        Queue("unassigned", "Unassigned", _unassigned, counted=True),
        Queue("open", "All open", open_tickets, counted=False),
        Queue("resolved", "Recently resolved", recently_resolved, counted=False),
    )
}
DEFAULT_QUEUE = "mine"


@dataclass(frozen=True)
class QueueEntry:
    queue: Queue
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
        entries.append(QueueEntry(queue, count))
    return entries
