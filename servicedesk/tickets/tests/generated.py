"""Shared by the generator's tests: a frozen "now", data kept for one module, snapshots and
binomial bounds."""

import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import time_machine
from django.db import transaction

from servicedesk.tickets.generate.writer import GenerateSummary, generate_tickets
from servicedesk.tickets.models import Comment, Ticket, TicketEvent

# Every generated history ends here; the clock is frozen on it while the generator runs.
NOW = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)

# Distribution checks allow four standard errors of a binomial share: one check fails by chance
# about once in 16,000 seeds, the few dozen checks of the module together about once in 500.
Z = 4.0


def share_bounds(p: float, n: int) -> tuple[float, float]:
    """Where the share of ``n`` draws with probability ``p`` falls, but for chance of 1/16,000."""
    margin = Z * math.sqrt(p * (1 - p) / n)
    return p - margin, p + margin


def assert_share(observed: int, n: int, p: float, what: str) -> None:
    low, high = share_bounds(p, n)
    assert low <= observed / n <= high, (
        f"{what}: {observed}/{n} = {observed / n:.4f}, expected {p:.4f} (from {low:.4f} to {high:.4f})"
    )


def generate_at_now(**kwargs: Any) -> GenerateSummary:
    with time_machine.travel(NOW, tick=False):
        return generate_tickets(**kwargs)


@contextmanager
def kept_for_module(django_db_blocker, **kwargs: Any) -> Iterator[GenerateSummary]:
    """Generate once for a whole test module, inside a transaction rolled back after it.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what one test
    changes is gone before the next; other modules never see these rows.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield generate_at_now(**kwargs)
        transaction.set_rollback(True)


@dataclass
class History:
    """Every generated ticket with its events and comments, oldest first."""

    tickets: list[Ticket]
    events: dict[int, list[TicketEvent]]
    comments: dict[int, list[Comment]]


def history() -> History:
    events: dict[int, list[TicketEvent]] = defaultdict(list)
    for event in TicketEvent.objects.order_by("ticket_id", "created_at", "id"):
        events[event.ticket_id].append(event)
    comments: dict[int, list[Comment]] = defaultdict(list)
    for comment in Comment.objects.order_by("ticket_id", "created_at", "id"):
        comments[comment.ticket_id].append(comment)
    return History(list(Ticket.objects.order_by("number")), events, comments)


# Tickets as another database would hold them: related records by name, not by id.
_TICKET_NAMES = {
    "requester_id": "requester__username",
    "reported_by_id": "reported_by__username",
    "organisation_id": "organisation__name",
    "category_id": "category__name",
    "subcategory_id": "subcategory__name",
    "affected_service_id": "affected_service__name",
    "configuration_item_id": "configuration_item__name",
    "assignment_group_id": "assignment_group__name",
    "assignee_id": "assignee__username",
    "resolved_by_id": "resolved_by__username",
}
_NOT_COMPARED = {"id", "access_token"}  # ids differ between databases; tokens are secrets


def snapshot() -> dict[str, list[tuple]]:
    """Every ticket, event and comment, with names for related records."""
    columns = [
        _TICKET_NAMES.get(f.attname, f.attname)
        for f in Ticket._meta.concrete_fields
        if f.attname not in _NOT_COMPARED
    ]
    return {
        "tickets": list(Ticket.objects.order_by("number").values_list(*columns)),
        "events": list(
            TicketEvent.objects.order_by("ticket__number", "created_at", "id").values_list(
                "ticket__number",
                "kind",
                "actor__username",
                "channel",
                "created_at",
                "changes",
                "message",
                "is_internal",
            )
        ),  # fmt: skip
        "comments": list(
            Comment.objects.order_by("ticket__number", "created_at", "id").values_list(
                "ticket__number", "author__username", "body", "is_public", "channel", "created_at"
            )
        ),
    }
