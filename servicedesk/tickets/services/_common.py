"""Helpers shared by the ticket services: events, numbering, the priority matrix."""

from datetime import datetime
from typing import Any

from django.db.models import F

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.tickets.choices import DEFAULT_PRIORITY_MATRIX, NUMBER_DIGITS, NUMBER_PREFIX
from servicedesk.tickets.models import NumberSequence, PriorityMatrixCell, Ticket, TicketEvent


def next_number(kind: str) -> str:
    """Give the next number of ``kind`` (INC0000001 ...). Call inside the creating transaction."""
    NumberSequence.objects.get_or_create(kind=kind)
    NumberSequence.objects.filter(kind=kind).update(last=F("last") + 1)
    last = NumberSequence.objects.values_list("last", flat=True).get(kind=kind)
    return f"{NUMBER_PREFIX[kind]}{last:0{NUMBER_DIGITS}d}"


def matrix_priority(impact: int, urgency: int) -> int:
    cell = PriorityMatrixCell.objects.filter(impact=impact, urgency=urgency).first()
    return cell.priority if cell else DEFAULT_PRIORITY_MATRIX[(impact, urgency)]


def display(value: Any) -> Any:
    """How a field value is written into an event: names for records, plain values otherwise."""
    if value is None or isinstance(value, bool | int | float | str | dict | list):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def event_append(
    *,
    ticket: Ticket,
    kind: str,
    actor: User | None,
    channel: str,
    changes: dict[str, list[Any]] | None = None,
    message: str = "",
    is_internal: bool = False,
) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        channel=channel,
        created_at=clock.now(),
        changes=changes or {},
        message=message,
        is_internal=is_internal,
    )
