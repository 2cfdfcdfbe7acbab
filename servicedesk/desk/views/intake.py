"""Log a call and raise a ticket for someone: find the requester, then fill in the ticket."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from servicedesk.core.errors import ServiceError
from servicedesk.desk.access import agent_required
from servicedesk.desk.forms import TicketCreateForm
from servicedesk.desk.selectors import (
    caller_get,
    caller_search,
    own_group_ids,
    ticket_is_visible,
)
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_create

SEARCH_MIN = 2


def _pk(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _created(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """Open the new ticket; say where it went when that is not one of the agent's groups."""
    agent = request.user
    visible = ticket_is_visible(user=agent, ticket=ticket)
    messages.success(request, f"{ticket.number} created for {ticket.requester.name}.")
    if ticket.assignment_group_id not in own_group_ids(agent):
        # The number is a link only where it opens: a ticket the agent may not see is a 404.
        number = (
            format_html(
                '<a href="{}">{}</a>', reverse("desk:ticket", args=[ticket.number]), ticket.number
            )
            if visible
            else ticket.number
        )
        group = ticket.assignment_group or "no group"
        messages.info(request, format_html("{} went to {}, outside your groups.", number, group))
    if visible:
        return redirect("desk:ticket", number=ticket.number)
    return redirect("desk:home")


def _intake(request: HttpRequest, *, phone: bool) -> HttpResponse:
    agent = request.user
    text = request.GET.get("caller", "").strip()
    callers = caller_search(agent=agent, text=text) if len(text) >= SEARCH_MIN else []
    fixed_channel = Channel.PHONE if phone else None
    status = 200
    if request.method == "POST":
        form = TicketCreateForm(
            request.POST, request.FILES, agent=agent, fixed_channel=fixed_channel
        )
        if form.is_valid():
            try:
                ticket = ticket_create(by=agent, **form.service_kwargs())
            except ServiceError as exc:
                form.add_service_error(exc)
            else:
                return _created(request, ticket)
        status = 400
        requester_id = _pk(request.POST.get("requester"))
    else:
        requester_id = _pk(request.GET.get("requester"))
        form = TicketCreateForm(
            initial={"requester": requester_id}, agent=agent, fixed_channel=fixed_channel
        )
    context = {
        "phone": phone,
        "action": reverse("desk:call" if phone else "desk:ticket_new"),
        "text": text,
        "too_short": 0 < len(text) < SEARCH_MIN,
        "callers": callers,
        "caller": caller_get(agent=agent, pk=requester_id) if requester_id else None,
        "form": form,
    }
    return render(request, "desk/intake.html", context, status=status)


@agent_required
@require_http_methods(["GET", "POST"])
def call_log(request: HttpRequest) -> HttpResponse:
    return _intake(request, phone=True)


@agent_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    return _intake(request, phone=False)
