"""Helpers shared by the ticket services: events, numbering, the priority matrix."""

from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import F

from servicedesk.accounts.models import User
from servicedesk.core import clock, config
from servicedesk.tickets.choices import DEFAULT_PRIORITY_MATRIX, NUMBER_DIGITS, NUMBER_PREFIX
from servicedesk.tickets.models import NumberSequence, PriorityMatrixCell, Ticket, TicketEvent
from servicedesk.tickets.observers import event_appended


def next_number(kind: str) -> str:
    """Give the next number of ``kind`` (INC0000001 ...). Call inside the creating transaction."""
    last = _bump_sequence(kind)
    if last is None:  # the first ticket of this kind
        NumberSequence.objects.get_or_create(kind=kind)
        last = _bump_sequence(kind)
    return f"{NUMBER_PREFIX[kind]}{last:0{NUMBER_DIGITS}d}"


def _bump_sequence(kind: str) -> int | None:
    """Add one to the sequence of ``kind`` and give its new value; None if it has no row yet."""
    if not _update_returning():
        sequence = NumberSequence.objects.filter(kind=kind)
        if not sequence.update(last=F("last") + 1):
            return None
        return sequence.values_list("last", flat=True).get()
    # One statement instead of an UPDATE and a SELECT: the ORM has no UPDATE ... RETURNING.
    quote = connection.ops.quote_name
    meta = NumberSequence._meta
    table, last, key = (
        quote(meta.db_table), quote(meta.get_field("last").column), quote(meta.pk.column)
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {last} = {last} + 1 WHERE {key} = %s RETURNING {last}", [kind]
        )
        row = cursor.fetchone()
    return row[0] if row else None


def _update_returning() -> bool:
    # PostgreSQL has it; SQLite since 3.35, the same release that added INSERT ... RETURNING.
    return connection.vendor == "postgresql" or (
        connection.vendor == "sqlite" and connection.features.can_return_columns_from_insert
    )


def matrix_priority(impact: int, urgency: int) -> int:
    # Every create asks; admins set the matrix once: kept per process (core.config).
    cells = config.kept("tickets.priority_matrix", _matrix_cells)
    found = cells.get((impact, urgency))
    return DEFAULT_PRIORITY_MATRIX[(impact, urgency)] if found is None else found


def _matrix_cells() -> dict[tuple[int, int], int]:
    rows = PriorityMatrixCell.objects.values_list("impact", "urgency", "priority")
    return {(impact, urgency): priority for impact, urgency, priority in rows}


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
    event = TicketEvent.objects.create(
        ticket=ticket,
        kind=kind,
        actor=actor,
        channel=channel,
        created_at=clock.now(),
        changes=changes or {},
        message=message,
        is_internal=is_internal,
    )
    event_appended(event)
    return event
