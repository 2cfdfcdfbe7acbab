"""Work that must follow a change to a ticket, in the same transaction, done by later apps.

Imports point one way (tickets <- sla), so the tickets services cannot call the SLA clocks
themselves; the sla app registers its sync here when it loads (docs/decisions/0003). Every
change to a ticket appends a TicketEvent, so ``event_append`` is the one place that tells the
observers. An observer gets the event and loads what it needs; it must be idempotent.
"""

from collections.abc import Callable

from servicedesk.tickets.models import TicketEvent

Observer = Callable[[TicketEvent], None]
_observers: list[Observer] = []


def observe(observer: Observer) -> None:
    """Call ``observer`` after every event appended to any ticket (once per observer)."""
    if observer not in _observers:
        _observers.append(observer)


def event_appended(event: TicketEvent) -> None:
    for observer in _observers:
        observer(event)
