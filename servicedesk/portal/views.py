"""The end users' portal: raise tickets, follow them, reply, and confirm or reject a fix."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from servicedesk.core.errors import NotFound, ServiceError
from servicedesk.knowledge.selectors import article_search_result
from servicedesk.notifications.tokens import VerdictLinkError, verdict_ticket
from servicedesk.portal.forms import (
    PORTAL_KINDS,
    RejectForm,
    ReplyForm,
    TicketForm,
    add_service_error,
)
from servicedesk.portal.pagination import keyset_page
from servicedesk.portal.selectors import (
    Scope,
    conversation,
    portal_scopes,
    portal_tickets,
    portal_unfinished_tickets,
    public_attachments,
    status_ticket,
)
from servicedesk.tickets.choices import Channel, Kind
from servicedesk.tickets.filters import TicketFilter
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import ticket_get
from servicedesk.tickets.services import (
    comment_add,
    ticket_accept_resolution,
    ticket_create,
    ticket_reject_resolution,
)

HOME_LIMIT = 10
PAGE_SIZE = 25


def _ticket_or_404(request: HttpRequest, number: str) -> Ticket:
    try:
        return ticket_get(user=request.user, number=number)
    except NotFound as error:
        raise Http404(error.message) from error


def _ticket_url(ticket: Ticket) -> str:
    return reverse("portal:ticket", args=[ticket.number])


@login_required
def home(request: HttpRequest) -> HttpResponse:
    tickets = list(portal_unfinished_tickets(request.user)[: HOME_LIMIT + 1])
    return render(
        request,
        "portal/home.html",
        {"tickets": tickets[:HOME_LIMIT], "more": len(tickets) > HOME_LIMIT},
    )


@login_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") if request.method == "POST" else request.GET.get("kind")
    kind = kind or Kind.INCIDENT
    if kind not in PORTAL_KINDS:
        return render(
            request,
            "error.html",
            {"title": "Unknown kind", "message": "You can report a problem or request something."},
            status=400,
        )
    if request.method != "POST":
        form = TicketForm(initial={"kind": kind})
        return render(request, "portal/ticket_new.html", {"form": form, "kind": kind})

    if request.POST.get("suggest"):
        # "Check for answers first" (the form without its script): the answers for what was
        # typed, the form kept as it was, nothing raised and no error shown yet.
        query = f"{request.POST.get('title', '')} {request.POST.get('description', '')}"
        hits, corrected = article_search_result(user=request.user, query=query, limit=5)
        form = TicketForm(initial=request.POST.dict())
        context = {
            "form": form,
            "kind": kind,
            "suggestions": hits,
            "suggest_query": query.strip(),
            "suggest_corrected": corrected,
        }
        return render(request, "portal/ticket_new.html", context)
    form = TicketForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            ticket = ticket_create(
                by=request.user, requester=request.user, channel=Channel.PORTAL, **form.cleaned_data
            )
        except ServiceError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, f"Thank you. We have your ticket {ticket.number} and will be in touch."
            )
            return redirect(_ticket_url(ticket))
    return render(request, "portal/ticket_new.html", {"form": form, "kind": kind}, status=400)


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    scopes = portal_scopes(request.user)
    scope = request.GET.get("scope") or Scope.MINE
    if scope not in scopes:
        scope = Scope.MINE
    text = request.GET.get("q", "").strip()
    show = "open" if request.GET.get("show") == "open" else "all"
    filters = {"q": text, "is_open": "true" if show == "open" else ""}
    qs = TicketFilter(filters, queryset=portal_tickets(user=request.user, scope=scope)).qs
    try:
        page = keyset_page(
            qs,
            after=request.GET.get("after", ""),
            before=request.GET.get("before", ""),
            size=PAGE_SIZE,
        )
    except ServiceError as error:
        return render(
            request, "error.html", {"title": "Broken link", "message": error.message}, status=400
        )
    return render(
        request,
        "portal/ticket_list.html",
        {
            "page": page,
            "scope": scope,
            "scopes": [Scope(s) for s in scopes],
            "q": text,
            "show": show,
        },
    )


def _detail(
    request: HttpRequest,
    ticket: Ticket,
    *,
    reply_form: ReplyForm | None = None,
    reject_form: RejectForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "ticket": ticket,
        "entries": conversation(ticket=ticket, user=request.user),
        "files": public_attachments(ticket=ticket, user=request.user),
        "reply_form": reply_form or ReplyForm(),
        "reject_form": reject_form or RejectForm(),
        "is_requester": ticket.requester_id == request.user.pk,
    }
    return render(request, "portal/ticket_detail.html", context, status=status)


@login_required
def ticket_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, _ticket_or_404(request, number))


@login_required
@require_POST
def ticket_reply(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            comment_add(
                ticket=ticket,
                by=request.user,
                body=form.cleaned_data["body"],
                attachments=form.cleaned_data["attachments"],
                is_public=True,
                channel=Channel.PORTAL,
            )
        except ServiceError as error:
            add_service_error(form, error)
            return _detail(request, ticket, reply_form=form, status=error.status)
        messages.success(request, "Your reply was sent.")
        return redirect(_ticket_url(ticket))
    return _detail(request, ticket, reply_form=form, status=400)


@login_required
@require_POST
def ticket_accept(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    try:
        ticket_accept_resolution(ticket=ticket, by=request.user, channel=Channel.PORTAL)
    except ServiceError as error:
        messages.error(request, error.message)
        return _detail(request, ticket, status=error.status)
    messages.success(request, "Thank you for confirming. The ticket is now closed.")
    return redirect(_ticket_url(ticket))


@login_required
@require_POST
def ticket_reject(request: HttpRequest, number: str) -> HttpResponse:
    ticket = _ticket_or_404(request, number)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            ticket_reject_resolution(
                ticket=ticket,
                by=request.user,
                reason=form.cleaned_data["reason"],
                channel=Channel.PORTAL,
            )
        except ServiceError as error:
            add_service_error(form, error)
            return _detail(request, ticket, reject_form=form, status=error.status)
        messages.success(request, "Thank you. We have reopened the ticket and will look again.")
        return redirect(_ticket_url(ticket))
    return _detail(request, ticket, reject_form=form, status=400)


@never_cache
def status(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only page behind links in notification mails; the token is the only key."""
    try:
        ticket = status_ticket(token=token)
    except NotFound as error:
        raise Http404(error.message) from error
    context = {
        "ticket": ticket,
        "entries": conversation(ticket=ticket, user=ticket.requester),
        "sign_in_url": f"{reverse('login')}?next={_ticket_url(ticket)}",
    }
    response = render(request, "portal/status.html", context)
    # The token is in the address: keep it out of Referer headers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_page(request: HttpRequest, template: str, context: dict, status: int = 200):
    response = render(request, template, context, status=status)
    # The token is in the address: keep it out of Referer headers and search engines.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _verdict(request: HttpRequest, token: str, *, accept: bool) -> HttpResponse:
    """The accept or reject link of a "resolved" mail: no sign-in, the signed token is the key.

    Following the link only shows the question; the answer is a POST, so a mail scanner that
    opens every link in a mail cannot close or reopen anyone's ticket.
    """
    try:
        ticket = verdict_ticket(token).ticket
    except VerdictLinkError as error:
        context = {"title": error.title, "message": error.message, "ticket": error.ticket,
                   "sign_in_url": reverse("portal:home")}  # fmt: skip
        return _link_page(request, "portal/verdict_refused.html", context, status=error.status)
    form = RejectForm(request.POST or None) if not accept else None
    status = 200
    if request.method == "POST":
        if form is None or form.is_valid():
            try:
                if accept:
                    ticket_accept_resolution(
                        ticket=ticket, by=ticket.requester, channel=Channel.EMAIL
                    )
                else:
                    ticket_reject_resolution(
                        ticket=ticket, by=ticket.requester, channel=Channel.EMAIL,
                        reason=form.cleaned_data["reason"],
                    )  # fmt: skip
            except ServiceError as error:
                context = {"title": "This cannot be done now", "message": error.message,
                           "ticket": ticket, "sign_in_url": reverse("portal:home")}  # fmt: skip
                return _link_page(
                    request, "portal/verdict_refused.html", context, status=error.status
                )
            return _link_page(
                request, "portal/verdict_done.html", {"ticket": ticket, "accepted": accept}
            )
        status = 400
    context = {"ticket": ticket, "accept": accept, "form": form}
    return _link_page(request, "portal/verdict.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def verdict_accept(request: HttpRequest, token: str) -> HttpResponse:
    return _verdict(request, token, accept=True)


@never_cache
@require_http_methods(["GET", "POST"])
def verdict_reject(request: HttpRequest, token: str) -> HttpResponse:
    return _verdict(request, token, accept=False)
