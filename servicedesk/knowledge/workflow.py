"""The article workflow: which transitions exist and who may make them. One table, read by
``services.article_transition`` and by the pages that offer the buttons.

Agents write: they create drafts, edit drafts and articles in review, and send a draft to
review (or back). Publishers publish, retire and reopen: an article's owner when that owner is
an agent, any group lead and any admin. A published article's text is changed by a publisher
only, so that nothing an end user reads skips review; an agent who wants to change it asks
for it to be moved back to draft.
"""

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import User
from servicedesk.knowledge.choices import ArticleState, Who
from servicedesk.knowledge.models import Article

S = ArticleState

# (from, to): (who may, the button's label)
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (S.DRAFT, S.REVIEW): (Who.AGENT, "Send to review"),
    (S.REVIEW, S.DRAFT): (Who.AGENT, "Back to draft"),
    (S.REVIEW, S.PUBLISHED): (Who.PUBLISHER, "Publish"),
    (S.DRAFT, S.PUBLISHED): (Who.PUBLISHER, "Publish"),
    (S.PUBLISHED, S.DRAFT): (Who.PUBLISHER, "Unpublish to draft"),
    (S.PUBLISHED, S.RETIRED): (Who.PUBLISHER, "Retire"),
    (S.REVIEW, S.RETIRED): (Who.PUBLISHER, "Retire"),
    (S.DRAFT, S.RETIRED): (Who.PUBLISHER, "Retire"),
    (S.RETIRED, S.DRAFT): (Who.PUBLISHER, "Reopen as draft"),
}

# States whose text an agent may edit; a publisher may edit any state but retired.
AGENT_EDITABLE = {S.DRAFT, S.REVIEW}
PUBLISHER_EDITABLE = {S.DRAFT, S.REVIEW, S.PUBLISHED}


def is_publisher(user: User, article: Article | None = None) -> bool:
    if not user.is_authenticated or not user.is_agent:
        return False
    if user.is_desk_admin or user.role == Role.LEAD:
        return True
    return article is not None and article.owner_id == user.pk


def may(user: User, who: str, article: Article) -> bool:
    if who == Who.AGENT:
        return user.is_authenticated and user.is_agent
    return is_publisher(user, article)


def transitions_for(user: User, article: Article) -> list[tuple[str, str]]:
    """(target state, label) of each transition ``user`` may make on ``article`` now."""
    return [
        (to, label)
        for (frm, to), (who, label) in TRANSITIONS.items()
        if frm == article.state and may(user, who, article)
    ]


def may_edit(user: User, article: Article) -> bool:
    if not user.is_authenticated or not user.is_agent:
        return False
    editable = PUBLISHER_EDITABLE if is_publisher(user, article) else AGENT_EDITABLE
    return article.state in editable
