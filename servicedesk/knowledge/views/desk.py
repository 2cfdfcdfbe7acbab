"""The desk's knowledge pages (agents): list and search, an article, edit, versions and
diffs, the workflow buttons, files, links to tickets, and the review queues."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from servicedesk.core import clock
from servicedesk.core.errors import NotFound, ServiceError
from servicedesk.desk.access import agent_required
from servicedesk.knowledge import workflow
from servicedesk.knowledge.choices import STATE_BADGES, ArticleState
from servicedesk.knowledge.forms import ArticleForm, DeskSearchForm, UploadForm
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.selectors import (
    article_get,
    article_search_result,
    article_versions,
    in_review,
    poorly_rated,
    recurring_resolutions,
    review_due,
    version_diff,
)
from servicedesk.knowledge.selectors import (
    article_list as articles_for,
)
from servicedesk.knowledge.services import (
    article_attachment_add,
    article_create,
    article_create_from_ticket,
    article_draft_values,
    article_ticket_link,
    article_ticket_unlink,
    article_transition,
    article_update,
)
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import ticket_get

PAGE_SIZE = 50
SEARCH_LIMIT = 50


def _article(request: HttpRequest, pk: int) -> Article:
    try:
        return article_get(user=request.user, article_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _ticket(request: HttpRequest, number: str) -> Ticket:
    try:
        return ticket_get(user=request.user, number=number)
    except NotFound as error:
        raise Http404(error.message) from error


@agent_required
def article_list(request: HttpRequest) -> HttpResponse:
    form = DeskSearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data if form.is_valid() else {}
    query = " ".join((data.get("q") or "").split())
    state, audience = data.get("state") or "", data.get("audience") or ""
    context = {"form": form, "query": query}
    if query:
        states = (state,) if state else tuple(ArticleState.values)
        hits, corrected = article_search_result(
            user=request.user, query=query, limit=SEARCH_LIMIT, states=states
        )
        if audience:
            allowed = set(
                Article.objects.filter(pk__in=[h.id for h in hits], audience=audience).values_list(
                    "id", flat=True
                )
            )
            hits = [h for h in hits if h.id in allowed]
        states_by_id = dict(
            Article.objects.filter(pk__in=[h.id for h in hits]).values_list("id", "state")
        )
        labels = dict(ArticleState.choices)
        rows = [
            (
                hit,
                labels.get(states_by_id.get(hit.id), ""),
                STATE_BADGES.get(states_by_id.get(hit.id)),
            )
            for hit in hits
        ]
        context.update(hits=rows, corrected=corrected)
    else:
        page = Paginator(
            articles_for(user=request.user, state=state, audience=audience), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        for article in page:
            # The badge class says the state by colour, as on the article's page.
            article.badge = STATE_BADGES.get(article.state)
        context["page"] = page
    return render(request, "knowledge/desk_list.html", context)


@agent_required
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest) -> HttpResponse:
    number = request.GET.get("ticket") or request.POST.get("ticket") or ""
    ticket = _ticket(request, number) if number else None
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                if ticket is not None:
                    article = article_create_from_ticket(
                        ticket=ticket, by=request.user, **form.values()
                    )
                else:
                    article = article_create(by=request.user, **form.values())
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, f"Draft saved: {article.title}")
                return redirect("kb_desk:article", pk=article.pk)
        status = 400
    else:
        initial = article_draft_values(ticket=ticket) if ticket is not None else {}
        form = ArticleForm(initial={"owner": request.user.pk, **initial})
        status = 200
    context = {"form": form, "ticket": ticket, "article": None}
    return render(request, "knowledge/desk_edit.html", context, status=status)


@agent_required
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    context = {
        "article": article,
        "badge": STATE_BADGES.get(article.state),
        "transitions": workflow.transitions_for(request.user, article),
        "may_edit": workflow.may_edit(request.user, article),
        "attachments": article.attachments.all(),
        "upload_form": UploadForm(),
        "links": article.ticket_links.select_related("ticket")[:20],
        "feedback": article.feedback.select_related("user")[:20],
    }
    return render(request, "knowledge/desk_article.html", context)


@agent_required
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article_update(
                    article=article,
                    by=request.user,
                    changes=form.values(),
                    expected_version=form.cleaned_data.get("version"),
                )
            except ServiceError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "Article saved.")
                return redirect("kb_desk:article", pk=article.pk)
        status = 400
    else:
        form = ArticleForm(
            initial={
                "title": article.title,
                "body": article.body,
                "keywords": article.keywords,
                "category": article.category_id,
                "audience": article.audience,
                "owner": article.owner_id,
                "review_date": article.review_date,
                "version": article.version,
            }
        )
        status = 200
    context = {
        "form": form,
        "article": article,
        "ticket": None,
        "may_edit": workflow.may_edit(request.user, article),
    }
    return render(request, "knowledge/desk_edit.html", context, status=status)


@agent_required
@require_POST
def article_transition_view(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    try:
        article = article_transition(
            article=article, by=request.user, to=request.POST.get("to", "")
        )
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"The article is now {article.get_state_display().lower()}.")
    return redirect("kb_desk:article", pk=pk)


@agent_required
def article_versions_view(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    versions = list(article_versions(article=article))
    by_number = {v.number: v for v in versions}
    diff, older, newer = None, None, None
    a, b = request.GET.get("a", ""), request.GET.get("b", "")
    if a.isdigit() and b.isdigit():
        older, newer = by_number.get(int(a)), by_number.get(int(b))
        if older is None or newer is None:
            raise Http404("No such version.")
        if older.number > newer.number:
            older, newer = newer, older
        diff = version_diff(older=older, newer=newer)
    elif len(versions) >= 2:
        older, newer = versions[1], versions[0]
        diff = version_diff(older=older, newer=newer)
    context = {
        "article": article,
        "versions": versions,
        "diff": diff,
        "older": older,
        "newer": newer,
    }
    return render(request, "knowledge/desk_versions.html", context)


@agent_required
@require_POST
def article_upload(request: HttpRequest, pk: int) -> HttpResponse:
    article = _article(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to attach.")
    else:
        try:
            attachment = article_attachment_add(
                article=article, by=request.user, upload=form.cleaned_data["file"]
            )
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            url = reverse("kb_files:file", args=[attachment.pk, attachment.filename])
            messages.success(request, f"{attachment.filename} attached: {url}")
    return redirect("kb_desk:article", pk=pk)


@agent_required
@require_POST
def article_link(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    article = _article(request, pk)
    ticket = _ticket(request, number)
    try:
        article_ticket_link(article=article, ticket=ticket, by=request.user)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Linked “{article.title}” to {ticket.number}.")
    return redirect("desk:ticket", number=ticket.number)


@agent_required
@require_POST
def article_unlink(request: HttpRequest, pk: int, number: str) -> HttpResponse:
    article = _article(request, pk)
    ticket = _ticket(request, number)
    article_ticket_unlink(article=article, ticket=ticket, by=request.user)
    messages.success(request, f"Unlinked “{article.title}” from {ticket.number}.")
    return redirect("desk:ticket", number=ticket.number)


@agent_required
def review_queues(request: HttpRequest) -> HttpResponse:
    """What needs a knowledge owner: articles in review, past their review date, poorly
    rated, and recurring resolutions without an article. "Mine" narrows to the user's own."""
    mine = request.GET.get("mine") == "1"
    owner = request.user if mine else None
    today = clock.now().date()
    context = {
        "mine": mine,
        "in_review": in_review().filter(owner=owner) if mine else in_review(),
        "review_due": review_due(owner=owner, today=today),
        "poorly_rated": poorly_rated(owner=owner),
        "recurring": recurring_resolutions(user=request.user, today=today)[:20],
        "today": today,
    }
    return render(request, "knowledge/desk_queues.html", context)
