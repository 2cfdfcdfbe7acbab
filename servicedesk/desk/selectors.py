"""Reads the desk needs beyond the ticket selectors: callers, users by login, watchers."""

from django.db.models import Prefetch, QuerySet

from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import users_matching
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import visible_tickets

CALLER_LIMIT = 20
RECENT_TICKETS = 5


def _with_recent_tickets(users: QuerySet[User], agent: User) -> QuerySet[User]:
    recent = visible_tickets(agent).order_by("-created_at", "-id")[:RECENT_TICKETS]
    return users.select_related("organisation").prefetch_related(
        Prefetch("requested_tickets", queryset=recent, to_attr="recent_tickets")
    )


def caller_search(*, agent: User, text: str, limit: int = CALLER_LIMIT) -> list[User]:
    """Active users matching a name, email or phone, each with their latest tickets the agent
    may see (``recent_tickets``). Phone numbers match whatever their punctuation."""
    users = users_matching(users=User.objects.filter(is_active=True), text=text)
    users = users.order_by("display_name", "username")
    return list(_with_recent_tickets(users, agent)[:limit])


def caller_get(*, agent: User, pk: int) -> User | None:
    """One active user picked as the caller, with their latest tickets the agent may see."""
    return _with_recent_tickets(User.objects.filter(pk=pk, is_active=True), agent).first()


def user_by_login(text: str) -> User | None:
    """An active user by user name or email address (either spelled in any case)."""
    text = text.strip()
    if not text:
        return None
    field = "email__iexact" if "@" in text else "username__iexact"
    return User.objects.filter(is_active=True, **{field: text}).order_by("pk").first()


def ticket_watchers(ticket: Ticket) -> QuerySet[User]:
    return ticket.watchers.select_related("organisation").order_by("display_name", "username")


def ticket_is_visible(*, user: User, ticket: Ticket) -> bool:
    return visible_tickets(user).filter(pk=ticket.pk).exists()
