"""Reads on the knowledge base, each scoped by who may see which article.

End users (and anyone not signed in) see published public articles only; agents see every
article in the desk, and published ones (public and internal) among suggestions. An article
someone may not see does not exist for them: a 404, never a 403.
"""

import difflib
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connections
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse

from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import ticket_visibility_q
from servicedesk.core.errors import NotFound
from servicedesk.knowledge import search
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article, ArticleTicketLink, ArticleVersion
from servicedesk.knowledge.rendering import highlight
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.search import index as ticket_index

# Below this share of helpful votes (with at least POOR_MIN_VOTES votes) an article is listed
# for its owner as poorly rated.
POOR_RATIO = 0.5
POOR_MIN_VOTES = 3
MAX_LIMIT = 50


@dataclass(frozen=True)
class ArticleHit:
    id: int
    title: str
    snippet: str  # HTML-safe, matched words in <mark>
    url: str  # portal URL for end users, desk URL for agents
    score: float


def _is_agent(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_agent)


def visible_audiences(user) -> tuple[str, ...]:
    return (Audience.PUBLIC, Audience.INTERNAL) if _is_agent(user) else (Audience.PUBLIC,)


def article_visibility_q(user) -> Q:
    """The condition on articles ``user`` may open."""
    if _is_agent(user):
        return Q()
    return Q(state=ArticleState.PUBLISHED, audience=Audience.PUBLIC)


def article_url(article_id: int, user) -> str:
    name = "kb_desk:article" if _is_agent(user) else "kb_portal:article"
    return reverse(name, args=[article_id])


def article_search(*, user, query: str, limit: int = 5) -> list[ArticleHit]:
    """Published articles ``user`` may read that match ``query``, best first.

    An empty query or one without a word gives an empty list; ``limit`` is kept between 1 and
    50. Agents find internal articles too; end users only public ones.
    """
    return article_search_result(user=user, query=query, limit=limit)[0]


def article_search_result(
    *,
    user,
    query: str,
    limit: int = 5,
    states: tuple[str, ...] | None = None,
    fuzzy: bool = True,
) -> tuple[list[ArticleHit], str]:
    """``article_search`` and the corrected words when the spelling fallback answered.

    ``states`` lets agents search drafts and retired articles in the desk; end users are
    always held to published ones. ``fuzzy`` False skips the spelling fallback (a ticket's
    own text finds its articles without it).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not _is_agent(user) or not states:
        states = (ArticleState.PUBLISHED,)
    result = search.search(
        query or "", states=states, audiences=visible_audiences(user), limit=limit, fuzzy=fuzzy
    )
    if not result.found:
        return [], result.corrected
    hits = [
        ArticleHit(
            id=f.id,
            title=f.title,
            snippet=highlight(f.snippet),
            url=article_url(f.id, user),
            score=f.score,
        )
        for f in result.found
    ]
    return hits, result.corrected


def article_get(*, user, article_id: int) -> Article:
    """The article if ``user`` may see it, else NotFound (the same for missing and hidden)."""
    try:
        return (
            Article.objects.select_related("category", "category__parent", "owner")
            .filter(article_visibility_q(user))
            .get(pk=article_id)
        )
    except (Article.DoesNotExist, ValueError, TypeError):
        raise NotFound("No such article.") from None


def article_list(
    *, user, state: str = "", audience: str = "", category_id: int | None = None
) -> QuerySet[Article]:
    qs = Article.objects.filter(article_visibility_q(user)).select_related(
        "category", "category__parent", "owner"
    )
    if state:
        qs = qs.filter(state=state)
    if audience:
        qs = qs.filter(audience=audience)
    if category_id:
        qs = qs.filter(Q(category_id=category_id) | Q(category__parent_id=category_id))
    return qs


def article_versions(*, article: Article) -> QuerySet[ArticleVersion]:
    return article.versions.select_related("author")


def version_diff(*, older: ArticleVersion, newer: ArticleVersion) -> list[tuple[str, str]]:
    """A unified diff of two versions, as (kind, line) with kind one of add, del, hunk, same."""

    def lines(v: ArticleVersion) -> list[str]:
        head = [
            f"Title: {v.title}",
            f"Keywords: {v.keywords}",
            f"Audience: {v.audience}",
            f"Category: {v.category_name}",
            "",
        ]
        return head + v.body.splitlines()

    out = []
    diff = difflib.unified_diff(
        lines(older), lines(newer), f"v{older.number}", f"v{newer.number}", lineterm="", n=3
    )
    for line in diff:
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "same")
        out.append((kind, line))
    return out


def review_due(*, owner: User | None = None, today: date) -> QuerySet[Article]:
    """Published articles past their review date (an owner's, or everyone's)."""
    qs = Article.objects.filter(state=ArticleState.PUBLISHED, review_date__lt=today)
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.select_related("owner").order_by("review_date", "id")


def poorly_rated(*, owner: User | None = None) -> QuerySet[Article]:
    """Published articles most readers found unhelpful."""
    votes = F("helpful_count") + F("not_helpful_count")
    qs = (
        Article.objects.filter(state=ArticleState.PUBLISHED)
        .annotate(votes=votes)
        .filter(votes__gte=POOR_MIN_VOTES, helpful_count__lt=votes * POOR_RATIO)
    )
    if owner is not None:
        qs = qs.filter(owner=owner)
    return qs.select_related("owner").order_by("-not_helpful_count", "id")


def in_review() -> QuerySet[Article]:
    return Article.objects.filter(state=ArticleState.REVIEW).select_related("owner", "created_by")


def ticket_article_links(*, ticket) -> QuerySet[ArticleTicketLink]:
    return ticket.article_links.select_related("article")


def has_article_link() -> Exists:
    return Exists(ArticleTicketLink.objects.filter(ticket_id=OuterRef("pk")))


# --- tickets beside articles: the desk's ticket page and the knowledge owner's queue ---

SIMILAR_POOL = 200
RECURRING_MIN = 3
RECURRING_DAYS = 180
RECURRING_POOL = 2000
RECURRING_JACCARD = 0.5
_FINISHED = ("resolved", "closed")


def _title_words(text: str) -> frozenset[str]:
    terms = search.terms_of(text)
    return frozenset(
        w.lower()
        for t in terms
        for w in t.words
        if len(w) >= 3 and w.lower() not in search.STOP_WORDS
    )


def _visible_tickets(user) -> QuerySet[Ticket]:
    q = ticket_visibility_q(user)
    return Ticket.objects.all() if q is None else Ticket.objects.filter(q)


def _ticket_ids_ranked(words: list[str], *, using: str) -> list[int]:
    """Finished tickets holding any of ``words``, best ranked first (at most SIMILAR_POOL)."""
    connection = connections[using]
    states = list(_FINISHED)
    if connection.vendor == "sqlite":
        match = " OR ".join(f'"{w}"' for w in words)
        sql = (
            f"SELECT f.rowid FROM {ticket_index.FTS} f JOIN {ticket_index.TICKETS} t "
            f"ON t.id = f.rowid WHERE {ticket_index.FTS} MATCH %s AND t.state IN (%s, %s) "
            f"ORDER BY bm25({ticket_index.FTS}, 3.0, 1.0) LIMIT %s"
        )
        params: list = [match, *states, SIMILAR_POOL]
    elif connection.vendor == "postgresql":
        query = " | ".join(f"'{w}'" for w in words)
        sql = (
            f"SELECT id FROM {ticket_index.TICKETS}, to_tsquery(%s::regconfig, %s) AS q "
            f"WHERE {ticket_index.COLUMN} @@ q AND state = ANY(%s) "
            f"ORDER BY ts_rank({ticket_index.COLUMN}, q) DESC, id DESC LIMIT %s"
        )
        params = [ticket_index.CONFIG, query, states, SIMILAR_POOL]
    else:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def similar_resolved_tickets(*, user, ticket: Ticket, limit: int = 5) -> list[Ticket]:
    """Resolved or closed tickets ``user`` may see that share the most words with
    ``ticket``'s title, best first (BM25 in SQLite, ts_rank in PostgreSQL)."""
    words = sorted(_title_words(ticket.title))
    if not words:
        return []
    ids = [i for i in _ticket_ids_ranked(words, using=Ticket.objects.db) if i != ticket.pk]
    if not ids:
        return []
    found = {
        t.pk: t
        for t in _visible_tickets(user)
        .filter(pk__in=ids)
        .only("id", "number", "title", "state", "resolution_notes", "resolved_at")
    }
    return [found[i] for i in ids if i in found][:limit]


@dataclass(frozen=True)
class Recurring:
    """Resolved tickets alike in category and title words, none linked to an article."""

    words: tuple[str, ...]
    category: str
    tickets: tuple[Ticket, ...]


def recurring_resolutions(*, user, today: date, minimum: int = RECURRING_MIN) -> list[Recurring]:
    """Groups of at least ``minimum`` similar tickets resolved in the last RECURRING_DAYS
    without a linked article: candidates for a new article.

    Alike means the same category and titles sharing at least half their words (Jaccard on
    the words left after common ones), compared with the group's first ticket; newest first.
    """
    since = today - timedelta(days=RECURRING_DAYS)
    tickets = (
        _visible_tickets(user)
        .filter(state__in=_FINISHED, resolved_at__date__gte=since)
        .exclude(Exists(ArticleTicketLink.objects.filter(ticket_id=OuterRef("pk"))))
        .select_related("category")
        .only("id", "number", "title", "resolution_notes", "resolved_at", "category__name")
        .order_by("-resolved_at", "-id")[:RECURRING_POOL]
    )
    groups: list[tuple[frozenset[str], str, list[Ticket]]] = []
    for ticket in tickets:
        words = _title_words(ticket.title)
        if not words:
            continue
        category = ticket.category.name if ticket.category_id else ""
        for seed, cat, members in groups:
            if cat == category and len(seed & words) / len(seed | words) >= RECURRING_JACCARD:
                members.append(ticket)
                break
        else:
            groups.append((words, category, [ticket]))
    out = [
        Recurring(words=tuple(sorted(seed)), category=cat, tickets=tuple(members))
        for seed, cat, members in groups
        if len(members) >= minimum
    ]
    return sorted(out, key=lambda r: -len(r.tickets))
