"""Work that must follow a change to a ticket, in the same transaction, done by later apps.

Imports point one way (tickets <- sla), so the tickets services cannot call the SLA clocks
themselves; the sla app registers its sync here when it loads (docs/decisions/0003). Every
change to a ticket appends a TicketEvent, so ``event_append`` is the one place that tells the
observers. An observer gets the event and loads what it needs; it must be idempotent.

Intake steps (the triage pipeline) are the other hook: ``ticket_create`` hands them the new
ticket's values before it writes the record, in the same transaction (docs/decisions/0006).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from servicedesk.tickets.models import Ticket, TicketEvent

Observer = Callable[[TicketEvent], None]
_observers: list[Observer] = []


def observe(observer: Observer) -> None:
    """Call ``observer`` after every event appended to any ticket (once per observer)."""
    if observer not in _observers:
        _observers.append(observer)


def event_appended(event: TicketEvent) -> None:
    for observer in _observers:
        observer(event)


@dataclass
class Draft:
    """A ticket about to be written, as intake steps see it (docs/decisions/0006).

    ``values`` holds the fields the record will be written with, by Ticket's names; a step may
    change those a person did not choose (``chosen``) and keep what it decided in ``notes``.
    """

    values: dict[str, Any]
    chosen: frozenset[str]
    by: Any  # the User raising the ticket
    notes: list[Any] = field(default_factory=list)
    ahead: dict[str, Any] = field(default_factory=dict)  # what ``intake_ahead`` prepared


# A step decides on the draft and gives back what to record once the ticket exists (or None).
IntakeStep = Callable[[Draft], Callable[[Ticket], None] | None]
_intake_steps: list[IntakeStep] = []


def on_intake(step: IntakeStep) -> None:
    """Run ``step`` on every new ticket, in its creating transaction, before it is written."""
    if step not in _intake_steps:
        _intake_steps.append(step)


# Work that reads only the new ticket's text (the model's predictions) and needs no lock: done
# before the creating transaction, so that on SQLite it does not hold the one write lock.
AheadStep = Callable[[dict[str, Any]], tuple[str, Any] | None]
_ahead_steps: list[AheadStep] = []


def on_intake_ahead(step: AheadStep) -> None:
    """Run ``step(values)`` (the title, description and channel) before each creating
    transaction; what it gives back, ``(name, value)``, reaches the intake steps as
    ``draft.ahead[name]``."""
    if step not in _ahead_steps:
        _ahead_steps.append(step)


def intake_ahead(**values: Any) -> dict[str, Any]:
    found = (step(values) for step in _ahead_steps)
    return dict(pair for pair in found if pair is not None)


def intake_run(draft: Draft) -> list[Callable[[Ticket], None]]:
    """Run the intake steps in order; what each gives back is called once the ticket exists."""
    after = (step(draft) for step in _intake_steps)
    return [record for record in after if record is not None]
