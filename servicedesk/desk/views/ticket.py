"""The ticket page: facts, timeline, and the forms that change the ticket."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from servicedesk.accounts.models import User
from servicedesk.channels.alerts.selectors import ticket_alert_box
from servicedesk.core import clock
from servicedesk.core.errors import EditConflict, NotFound, ServiceError
from servicedesk.desk.access import agent_required
from servicedesk.desk.forms import LinkForm, ReplyForm, TicketEditForm, WatcherForm
from servicedesk.desk.selectors import ticket_watchers, user_by_login
from servicedesk.desk.timeline import SHOWN, timeline
from servicedesk.desk.views.triage import triage_box
from servicedesk.sla.selectors import ticket_clocks
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import Comment, Ticket, TicketEvent
from servicedesk.tickets.selectors import (
    custom_field_rows,
    ticket_attachments,
    ticket_comments,
    ticket_events,
    ticket_get,
    ticket_links,
)
from servicedesk.tickets.services import (
    comment_add,
    link_add,
    ticket_update,
    watcher_add,
    watcher_remove,
)


def _ticket(user: User, number: str) -> Ticket:
    try:
        return ticket_get(user=user, number=number)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _back(ticket: Ticket) -> HttpResponse:
    return redirect("desk:ticket", number=ticket.number)


def _render(request: HttpRequest, ticket: Ticket, status: int = 200, **forms) -> HttpResponse:
    user = request.user
    whole = request.GET.get("timeline") == "all"
    events, comments, unread = _timeline_rows(ticket, user, whole=whole)
    context = {
        "ticket": ticket,
        "timeline": timeline(
            events=events, comments=comments, newest=None if whole else SHOWN, unread=unread
        ),
        "attachments": ticket_attachments(ticket=ticket, user=user).select_related("comment"),
        "links": ticket_links(ticket=ticket, user=user),
        "watchers": ticket_watchers(ticket),
        "custom_fields": custom_field_rows(ticket),
        "clocks": ticket_clocks(ticket=ticket, now=clock.now()),
        "triage": triage_box(ticket, events),
        "alert_box": ticket_alert_box(ticket),
        "edit_form": forms.get("edit_form") or TicketEditForm(ticket=ticket),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        "watcher_form": forms.get("watcher_form") or WatcherForm(),
        "conflict": forms.get("conflict", False),
    }
    return render(request, "desk/ticket_detail.html", context, status=status)


def _timeline_rows(
    ticket: Ticket, user: User, *, whole: bool
) -> tuple[list[TicketEvent], list[Comment], int]:
    """The events and comments the timeline shows, and how many older ones were not read.

    The page shows the newest SHOWN entries: the newest SHOWN events (but "commented", which
    the comment stands for) and comments hold them all. A ticket with a long history read its
    whole history for them, a model pair per event, most of its page's time.
    """
    events_q = ticket_events(ticket=ticket, user=user)
    comments_q = ticket_comments(ticket=ticket, user=user)
    if whole:
        return list(events_q), list(comments_q), 0
    events_q = events_q.exclude(kind=EventKind.COMMENTED)
    events = list(events_q.order_by("-created_at", "-id")[:SHOWN])[::-1]
    comments = list(comments_q.order_by("-created_at", "-id")[:SHOWN])[::-1]
    unread = 0
    if len(events) == SHOWN:
        unread += events_q.count() - SHOWN
    if len(comments) == SHOWN:
        unread += comments_q.count() - SHOWN
    return events, comments, unread


@agent_required
@require_GET
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _render(request, _ticket(request.user, number))


@agent_required
@require_POST
def ticket_edit(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request.user, number)
    form = TicketEditForm(request.POST, ticket=ticket)
    if not form.is_valid():
        return _render(request, ticket, status=400, edit_form=form)
    try:
        updated = ticket_update(
            ticket=ticket,
            by=request.user,
            changes=form.changes(),
            expected_version=form.cleaned_data["version"],
        )
    except EditConflict as exc:
        # The page's conflict banner says it all, with a link to reload; the form keeps the input.
        return _render(request, ticket, status=exc.status, edit_form=form, conflict=True)
    except ServiceError as exc:
        form.add_service_error(exc)
        return _render(request, ticket, status=exc.status, edit_form=form)
    if updated.version == ticket.version:
        messages.info(request, f"{ticket.number}: nothing to change.")
    else:
        messages.success(request, f"{ticket.number} updated.")
    return _back(ticket)


@agent_required
@require_POST
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request.user, number)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, ticket, status=400, reply_form=form)
    try:
        comment_add(
            ticket=ticket,
            by=request.user,
            body=form.cleaned_data["body"],
            is_public=form.is_public,
            attachments=form.cleaned_data["attachments"],
        )
    except ServiceError as exc:
        form.add_service_error(exc)
        return _render(request, ticket, status=exc.status, reply_form=form)
    done = "Reply sent" if form.is_public else "Internal note added"
    messages.success(request, f"{done} on {ticket.number}.")
    return _back(ticket)


@agent_required
@require_POST
def link_create(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request.user, number)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            target = ticket_get(user=request.user, number=form.cleaned_data["target"])
            link_add(source=ticket, target=target, kind=form.cleaned_data["kind"], by=request.user)
        except NotFound as exc:
            form.add_error("target", exc.message)
        except ServiceError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, f"{ticket.number} linked to {target.number}.")
            return _back(ticket)
    return _render(request, ticket, status=400, link_form=form)


@agent_required
@require_POST
def watcher_create(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket(request.user, number)
    form = WatcherForm(request.POST)
    if form.is_valid():
        user = user_by_login(form.cleaned_data["login"])
        if user is None:
            form.add_error("login", f"No active user {form.cleaned_data['login']!r}.")
        else:
            watcher_add(ticket=ticket, user=user, by=request.user)
            messages.success(request, f"{user.name} now watches {ticket.number}.")
            return _back(ticket)
    return _render(request, ticket, status=400, watcher_form=form)


@agent_required
@require_POST
def watcher_delete(request: HttpRequest, number: str, user_id: int) -> HttpResponse:
    ticket = _ticket(request.user, number)
    user = get_object_or_404(User, pk=user_id)
    watcher_remove(ticket=ticket, user=user, by=request.user)
    messages.success(request, f"{user.name} no longer watches {ticket.number}.")
    return redirect(reverse("desk:ticket", args=[ticket.number]) + "#watchers")
