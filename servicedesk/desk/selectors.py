"""Reads the desk needs beyond the ticket selectors: callers, users by login, watchers."""

from django.db.models import F, Func, Prefetch, Q, QuerySet, Value

from servicedesk.accounts.models import User
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import visible_tickets

CALLER_LIMIT = 20
RECENT_TICKETS = 5
_PHONE_NOISE = (" ", "-", "(", ")", ".", "/", "+")


def _digits_only(expr):
    for ch in _PHONE_NOISE:
        expr = Func(expr, Value(ch), Value(""), function="REPLACE")
    return expr


def _with_recent_tickets(users: QuerySet[User], agent: User) -> QuerySet[User]:
    recent = visible_tickets(agent).order_by("-created_at", "-id")[:RECENT_TICKETS]
    return users.select_related("organisation").prefetch_related(
        Prefetch("requested_tickets", queryset=recent, to_attr="recent_tickets")
    )


def caller_search(*, agent: User, text: str, limit: int = CALLER_LIMIT) -> list[User]:
    """Active users matching a name, email or phone, each with their latest tickets the agent
    may see (``recent_tickets``). Phone numbers match whatever their punctuation."""
    text = text.strip()
    q = (
        Q(display_name__icontains=text)
        | Q(first_name__icontains=text)
        | Q(last_name__icontains=text)
        | Q(username__icontains=text)
        | Q(email__icontains=text)
    )
    users = User.objects.filter(is_active=True)
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4:
        # A national leading 0 is absent from the international form (+44 20 ... vs 020 ...).
        users = users.annotate(phone_digits=_digits_only(F("phone")))
        q |= Q(phone_digits__contains=digits.lstrip("0") or digits)
    users = users.filter(q).order_by("display_name", "username")
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
