"""The ticket page's Triage box: accept or dismiss what the model suggested."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from servicedesk.core.errors import NotFound, ServiceError
from servicedesk.desk.access import agent_required
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.tickets.selectors import ticket_get
from servicedesk.triage.choices import FIELD_LABELS, Source
from servicedesk.triage.selectors import ticket_explanation
from servicedesk.triage.services import suggestion_accept, suggestion_dismiss

SOURCE_LABELS = {**{s.value: s.label for s in Source}, "matrix": "Priority matrix"}


@dataclass(frozen=True)
class BoxLine:
    label: str
    value: str
    source: str
    detail: str
    current: bool


def triage_box(ticket: Ticket, events: list[TicketEvent]) -> dict:
    """What the Triage box shows, labelled for people (``events``: the timeline's)."""
    created = next((e for e in events if e.kind == EventKind.CREATED), None)
    explanation = ticket_explanation(ticket=ticket, created=created)
    lines = [
        BoxLine(FIELD_LABELS.get(line.field, line.field).capitalize(), line.value,
                SOURCE_LABELS.get(line.source, line.source), line.detail, line.current)
        for line in explanation.lines
    ]  # fmt: skip
    for s in explanation.suggestions:
        s.field_label = FIELD_LABELS.get(s.field, s.field).capitalize()
    return {"lines": lines, "suggestions": explanation.suggestions}


def _ticket(request: HttpRequest, number: str) -> Ticket:
    try:
        return ticket_get(user=request.user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(ticket: Ticket) -> HttpResponse:
    return redirect(reverse("desk:ticket", args=[ticket.number]) + "#triage")


@agent_required
@require_POST
def suggestion_accept_view(request: HttpRequest, number: str, suggestion_id: int) -> HttpResponse:
    ticket = _ticket(request, number)
    try:
        suggestion_accept(ticket=ticket, suggestion_id=suggestion_id, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{ticket.number}: suggestion accepted.")
    return _back(ticket)


@agent_required
@require_POST
def suggestion_dismiss_view(request: HttpRequest, number: str, suggestion_id: int) -> HttpResponse:
    ticket = _ticket(request, number)
    try:
        suggestion_dismiss(ticket=ticket, suggestion_id=suggestion_id, by=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, f"{ticket.number}: suggestion dismissed.")
    return _back(ticket)
