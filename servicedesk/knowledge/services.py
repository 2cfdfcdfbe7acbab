"""Writes on the knowledge base: articles and their workflow, files, feedback, deflections,
links to tickets. Each is one transaction; counters move with F() so that concurrent readers
never lose a count."""

from datetime import date
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.core.errors import (
    EditConflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from servicedesk.knowledge import workflow
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    ArticleTicketLink,
    ArticleVersion,
    Deflection,
)
from servicedesk.knowledge.rendering import plain_text, render_markdown
from servicedesk.knowledge.selectors import article_get
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Category, Ticket

# The tickets' own file checks: content type sniffed from the bytes, a safe file name.
from servicedesk.tickets.services.conversation import upload_facts
from servicedesk.tickets.services.validation import TITLE_MAX, Problems, text_problem

BODY_MAX = 200_000
KEYWORDS_MAX = 500
COMMENT_MAX = 2000
FIELDS = ("title", "body", "keywords", "category", "audience", "owner", "review_date")


def _check(values: dict[str, Any]) -> None:
    problems = Problems()
    if "title" in values:
        title = (values["title"] or "").strip()
        if not title:
            problems.add("title", "An article needs a title.")
        elif len(title) > TITLE_MAX:
            problems.add("title", f"A title has at most {TITLE_MAX} characters.")
    if "body" in values and len(values["body"] or "") > BODY_MAX:
        problems.add("body", f"A body has at most {BODY_MAX:,} characters.")
    if "keywords" in values and len(values["keywords"] or "") > KEYWORDS_MAX:
        problems.add("keywords", f"Keywords take at most {KEYWORDS_MAX} characters.")
    for name in ("title", "body", "keywords"):
        if isinstance(values.get(name), str) and (problem := text_problem(values[name])):
            problems.add(name, f"The {name} {problem}")
    if "audience" in values and values["audience"] not in Audience.values:
        problems.add("audience", f"Choose one of: {', '.join(Audience.values)}.")
    if values.get("category") is not None and not isinstance(values["category"], Category):
        problems.add("category", "No such category.")
    owner = values.get("owner")
    if owner is not None and (not isinstance(owner, User) or not owner.is_agent):
        problems.add("owner", "The owner must be an agent.")
    review = values.get("review_date")
    if review is not None and not isinstance(review, date):
        problems.add("review_date", "A date such as 2027-01-31.")
    problems.raise_if_any()


def _clean_keywords(text: str) -> str:
    seen: dict[str, None] = {}
    for word in (text or "").replace(";", ",").split(","):
        if word.strip():
            seen.setdefault(" ".join(word.split()).lower())
    return ", ".join(seen)


def _apply(article: Article, values: dict[str, Any]) -> None:
    for name in FIELDS:
        if name in values:
            setattr(article, name, values[name])
    article.title = " ".join(article.title.split())
    article.keywords = _clean_keywords(article.keywords)
    article.body_html = render_markdown(article.body)
    article.body_text = plain_text(article.body_html)


def _snapshot(article: Article, *, by: User | None, note: str) -> ArticleVersion:
    category = str(article.category) if article.category_id else ""
    return ArticleVersion.objects.create(
        article=article,
        number=article.version,
        title=article.title,
        body=article.body,
        keywords=article.keywords,
        audience=article.audience,
        state=article.state,
        category_name=category,
        note=note[:255],
        author=by,
        created_at=clock.now(),
    )


def _require_agent(user: User | None, action: str) -> None:
    if user is None or not user.is_authenticated or not user.is_agent:
        raise PermissionDenied(f"Only agents can {action}.")


@transaction.atomic
def article_create(
    *,
    by: User | None,
    title: str,
    body: str = "",
    keywords: str = "",
    category: Category | None = None,
    audience: str = Audience.PUBLIC,
    owner: User | None = None,
    review_date: date | None = None,
    source_ticket: Ticket | None = None,
    import_key: str | None = None,
    note: str = "Created",
) -> Article:
    """A new draft, owned by its author unless another owner is named. ``by`` None is the
    system (an import)."""
    if by is not None:
        _require_agent(by, "write articles")
    values = {
        "title": title,
        "body": body,
        "keywords": keywords,
        "category": category,
        "audience": audience,
        "owner": owner or (by if by is not None and by.is_agent else None),
        "review_date": review_date,
    }
    _check(values)
    now = clock.now()
    article = Article(
        created_by=by,
        created_at=now,
        updated_at=now,
        source_ticket=source_ticket,
        import_key=import_key,
    )
    _apply(article, values)
    article.save()
    _snapshot(article, by=by, note=note)
    return article


@transaction.atomic
def article_update(
    *,
    article: Article,
    by: User | None,
    changes: dict[str, Any],
    expected_version: int | None = None,
    note: str = "",
) -> Article:
    """Change an article's text or details; a new version when anything changed.

    ``by`` None is the system (a re-import) and skips the workflow's edit rule.
    """
    article = Article.objects.select_for_update().get(pk=article.pk)
    if by is not None and not workflow.may_edit(by, article):
        if not getattr(by, "is_agent", False):
            raise PermissionDenied("Only agents can edit articles.")
        raise TransitionNotAllowed(
            f"A {article.get_state_display().lower()} article cannot be edited by you: "
            "a knowledge publisher moves it back to draft first.",
            code="not_editable",
        )
    if expected_version is not None and expected_version != article.version:
        raise EditConflict(
            f"Someone saved this article since you opened it (now version {article.version})."
        )
    unknown = set(changes) - set(FIELDS)
    if unknown:
        problems = Problems()
        for name in sorted(unknown):
            problems.add(name, "Not a field that can be changed.")
        problems.raise_if_any()
    _check(changes)
    before = {name: getattr(article, name) for name in FIELDS}
    _apply(article, changes)
    after = {name: getattr(article, name) for name in FIELDS}
    if before == after:
        return article
    article.version += 1
    article.updated_at = clock.now()
    article.save()
    _snapshot(article, by=by, note=note or "Edited")
    return article


@transaction.atomic
def article_transition(*, article: Article, by: User, to: str, note: str = "") -> Article:
    """Move an article along the workflow (servicedesk.knowledge.workflow.TRANSITIONS)."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    rule = workflow.TRANSITIONS.get((article.state, to))
    if rule is None:
        raise TransitionNotAllowed(
            f"A {article.get_state_display().lower()} article cannot move to {to}.",
            fields={"state": ["Not an allowed next state."]},
        )
    who, label = rule
    if not workflow.may(by, who, article):
        raise PermissionDenied(
            f"{label}: only a knowledge publisher (the article's owner, a group lead or an "
            "admin) can do that."
            if who != "agent"
            else f"{label}: only agents can do that."
        )
    if to == ArticleState.PUBLISHED and not article.body_text.strip():
        raise ValidationFailed(
            "An article needs a body before it is published.", fields={"body": ["Empty."]}
        )
    now = clock.now()
    article.state = to
    if to == ArticleState.PUBLISHED:
        article.published_at = now
    article.version += 1
    article.updated_at = now
    article.save()
    _snapshot(article, by=by, note=note or label)
    return article


def _channel(channel: str) -> str:
    if channel not in Channel.values:
        raise ValidationFailed(
            f"Unknown channel {channel!r}.", fields={"channel": [f"One of {Channel.values}."]}
        )
    return channel


@transaction.atomic
def article_deflection_record(*, article_id: int, user, channel: str) -> None:
    """ "This solved my problem": count a ticket that was not raised, for an article the user
    may see (else NotFound)."""
    article = article_get(user=user, article_id=article_id)
    if article.state != ArticleState.PUBLISHED:
        raise NotFound("No such article.")
    who = user if user is not None and user.is_authenticated else None
    Deflection.objects.create(
        article=article, user=who, channel=_channel(channel), created_at=clock.now()
    )
    Article.objects.filter(pk=article.pk).update(deflection_count=F("deflection_count") + 1)


@transaction.atomic
def article_feedback_record(
    *, article_id: int, user, helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """Helpful or not, with an optional comment, on an article the user may see."""
    article = article_get(user=user, article_id=article_id)
    comment = (comment or "").strip()
    problems = Problems()
    if len(comment) > COMMENT_MAX:
        problems.add("comment", f"A comment has at most {COMMENT_MAX} characters.")
    if problem := text_problem(comment):
        problems.add("comment", f"The comment {problem}")
    if not isinstance(helpful, bool):
        problems.add("helpful", "true or false.")
    problems.raise_if_any()
    who = user if user is not None and user.is_authenticated else None
    feedback = ArticleFeedback.objects.create(
        article=article, user=who, helpful=helpful, comment=comment, created_at=clock.now()
    )
    counter = "helpful_count" if helpful else "not_helpful_count"
    Article.objects.filter(pk=article.pk).update(**{counter: F(counter) + 1})
    return feedback


def article_view_record(*, article: Article) -> None:
    """One more view; a counter only, no row per view."""
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def article_ticket_link(*, article: Article, ticket: Ticket, by: User) -> ArticleTicketLink:
    """Link an article to a ticket it helped with (once; a second link is the first)."""
    _require_agent(by, "link articles to tickets")
    if article.state != ArticleState.PUBLISHED:
        raise ValidationFailed(
            "Only a published article can be linked to a ticket.",
            fields={"article": ["Not published."]},
        )
    existing = ArticleTicketLink.objects.filter(article=article, ticket=ticket).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            link = ArticleTicketLink.objects.create(
                article=article, ticket=ticket, created_by=by, created_at=clock.now()
            )
    except IntegrityError:  # linked by someone else in the meantime
        return ArticleTicketLink.objects.get(article=article, ticket=ticket)
    return link


@transaction.atomic
def article_ticket_unlink(*, article: Article, ticket: Ticket, by: User) -> None:
    _require_agent(by, "unlink articles from tickets")
    ArticleTicketLink.objects.filter(article=article, ticket=ticket).delete()


@transaction.atomic
def article_attachment_add(
    *, article: Article, by: User, upload: UploadedFile
) -> ArticleAttachment:
    """A file or image for the article; its URL can go into the Markdown body."""
    _require_agent(by, "attach files to articles")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationFailed(
            f"The file is larger than {limit:,} bytes.", fields={"file": ["Too large."]}
        )
    facts = upload_facts(upload)
    attachment = ArticleAttachment(
        article=article,
        filename=facts.filename,
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
        uploaded_by=by,
        created_at=clock.now(),
    )
    attachment.file.save(facts.filename, upload, save=True)
    return attachment


def article_draft_values(*, ticket: Ticket) -> dict[str, Any]:
    """What "create article from this ticket" pre-fills: the problem and its resolution."""
    description = (ticket.description or "").strip()
    resolution = (ticket.resolution_notes or "").strip()
    parts = ["## Problem", "", description or ticket.title, "", "## Solution", ""]
    parts.append(resolution or "(Write the solution here.)")
    return {
        "title": ticket.title,
        "body": "\n".join(parts) + "\n",
        "category": ticket.subcategory or ticket.category,
        "keywords": "",
        "audience": Audience.PUBLIC,
    }


def article_create_from_ticket(*, ticket: Ticket, by: User, **overrides: Any) -> Article:
    """A draft from a resolved ticket's resolution notes, remembering the ticket."""
    values = {**article_draft_values(ticket=ticket), **overrides}
    article = article_create(
        by=by, source_ticket=ticket, note=f"Created from {ticket.number}", **values
    )
    if ticket.resolution_notes:
        ArticleTicketLink.objects.get_or_create(
            article=article,
            ticket=ticket,
            defaults={"created_by": by, "created_at": clock.now()},
        )
    return article


@transaction.atomic
def article_import(*, key: str, values: dict[str, Any], state: str) -> str:
    """Create or update the article a file was imported as; "created", "updated" or
    "unchanged". The import is the system: no workflow rule, but every change is a version."""
    article = Article.objects.select_for_update().filter(import_key=key).first()
    if article is None:
        article = article_create(by=None, import_key=key, note="Imported", **values)
        outcome = "created"
    else:
        before = article.version
        article = article_update(article=article, by=None, changes=values, note="Re-imported")
        outcome = "updated" if article.version != before else "unchanged"
    if article.state != state:
        article.state = state
        if state == ArticleState.PUBLISHED:
            article.published_at = clock.now()
        article.version += 1
        article.updated_at = clock.now()
        article.save()
        _snapshot(article, by=None, note=f"Imported as {state}")
        outcome = "created" if outcome == "created" else "updated"
    return outcome
