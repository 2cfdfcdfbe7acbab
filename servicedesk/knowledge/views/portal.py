"""The portal's knowledge pages: search, an article with its feedback, and the suggestions
shown while a ticket is being written ("this solved my problem" ends the form)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from servicedesk.core.errors import NotFound, ServiceError
from servicedesk.knowledge.choices import ArticleState
from servicedesk.knowledge.forms import FeedbackForm
from servicedesk.knowledge.search import MAX_QUERY
from servicedesk.knowledge.selectors import article_get, article_search_result
from servicedesk.knowledge.services import (
    article_deflection_record,
    article_feedback_record,
    article_view_record,
)
from servicedesk.tickets.choices import Channel

SEARCH_LIMIT = 20
SUGGEST_LIMIT = 5


def _query(request: HttpRequest) -> str:
    return " ".join(request.GET.get("q", "").split())[:MAX_QUERY]


def _visible(request: HttpRequest, pk: int):
    try:
        article = article_get(user=request.user, article_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    # The portal shows published articles only, to agents too: drafts live in the desk.
    if article.state != ArticleState.PUBLISHED:
        raise Http404("No such article.")
    return article


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    hits, corrected = article_search_result(user=request.user, query=query, limit=SEARCH_LIMIT)
    return render(
        request,
        "knowledge/portal_search.html",
        {"query": query, "hits": hits, "corrected": corrected, "searched": bool(query)},
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """The suggestions fragment the new-ticket form asks for as the user types."""
    query = _query(request)
    hits, corrected = article_search_result(user=request.user, query=query, limit=SUGGEST_LIMIT)
    return render(
        request,
        "knowledge/partials/_suggestions.html",
        {"hits": hits, "corrected": corrected, "query": query},
    )


@login_required
@require_GET
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = _visible(request, pk)
    if "thanks" not in request.GET:  # the page after feedback is not another reading
        article_view_record(article=article)
    return render(
        request,
        "knowledge/portal_article.html",
        {
            "article": article,
            "form": FeedbackForm(),
            "attachments": article.attachments.all(),
            "from_form": request.GET.get("from") == "ticket",
        },
    )


@login_required
@require_POST
def feedback(request: HttpRequest, pk: int) -> HttpResponse:
    article = _visible(request, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            article_feedback_record(
                article_id=article.pk,
                user=request.user,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
            )
        except ServiceError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Thank you for your feedback.")
            return redirect(f"{reverse('kb_portal:article', args=[article.pk])}?thanks=1")
    context = {"article": article, "form": form, "attachments": article.attachments.all()}
    return render(request, "knowledge/portal_article.html", context, status=400)


@login_required
@require_POST
def solved(request: HttpRequest, pk: int) -> HttpResponse:
    """ "This solved my problem": counted, and the ticket form is left without a ticket."""
    try:
        article_deflection_record(article_id=pk, user=request.user, channel=Channel.PORTAL)
    except NotFound as error:
        raise Http404(error.message) from error
    return redirect(f"{reverse('kb_portal:solved_done')}?article={pk}")


@login_required
@require_GET
def solved_done(request: HttpRequest) -> HttpResponse:
    article = None
    raw = request.GET.get("article", "")
    if raw.isdigit():
        try:
            article = _visible(request, int(raw))
        except Http404:
            article = None
    return render(request, "knowledge/portal_solved.html", {"article": article})
