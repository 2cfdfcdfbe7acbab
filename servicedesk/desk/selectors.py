"""Reads the desk needs beyond the ticket selectors: callers, users by login, watchers, tickets
by reference, and the agents and groups a form or filter offers."""

import re
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet

from servicedesk.accounts.choices import STAFF_ROLES
from servicedesk.accounts.models import Membership, SupportGroup, User
from servicedesk.accounts.selectors import agents, ticket_visibility_q, users_matching
from servicedesk.tickets.choices import NUMBER_DIGITS, NUMBER_PREFIX
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import visible_tickets

CALLER_LIMIT = 20
RECENT_TICKETS = 5
REFERENCE_MAX = 64  # Ticket.external_ref's length
_NUMBER = re.compile(rf"({'|'.join(NUMBER_PREFIX.values())})([0-9]{{1,19}})")
# What User.name reads; the rest of a user row is not needed to fill a drop-down.
_NAME_FIELDS = ("id", "username", "display_name", "first_name", "last_name")
# The same, in the model's field order, as Model.from_db takes them.
_NAME_COLUMNS = tuple(f.attname for f in User._meta.concrete_fields if f.attname in _NAME_FIELDS)


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


def ticket_by_reference(*, user: User, text: str) -> Ticket | None:
    """The one ticket the user may see whose number or imported reference is exactly ``text``.

    Numbers match in any case and without their leading zeros (``req2`` is REQ0000002). None
    when nothing or more than one ticket matches (an imported reference may equal a number).
    """
    text = text.strip()
    if not text or len(text) > REFERENCE_MAX or any(ch.isspace() for ch in text):
        return None
    upper = text.upper()
    match = Q(external_ref=text) | Q(external_ref=upper)
    number = _NUMBER.fullmatch(upper)
    if number:
        prefix, digits = number.groups()
        match |= Q(number=upper) | Q(number=f"{prefix}{digits.zfill(NUMBER_DIGITS)}")
    found = list(visible_tickets(user).filter(match).only("pk", "number")[:2])
    return found[0] if len(found) == 1 else None


def active_members(*, group_ids: Iterable[int]) -> dict[int, list[User]]:
    """The active agents of each group, by name: one query, however many groups and agents."""
    members: dict[int, list[User]] = {gid: [] for gid in group_ids}
    rows = Membership.objects.filter(
        group_id__in=list(members), user__is_active=True, user__role__in=STAFF_ROLES
    ).values_list("group_id", *(f"user__{f}" for f in _NAME_COLUMNS))
    # Plain rows, and one User per agent however many groups they are in: a desk of a few
    # hundred agents has thousands of memberships, and a model pair per row was most of the
    # ticket page's time. The users are loaded as .only() would load them.
    loaded: dict[int, User] = {}
    for group_id, *values in rows:
        user = loaded.get(values[0])
        if user is None:
            user = loaded[values[0]] = User.from_db(rows.db, _NAME_COLUMNS, values)
        members[group_id].append(user)
    for users in members.values():
        users.sort(key=lambda u: (u.name.casefold(), u.pk))
    return members


def own_group_ids(user: User) -> list[int]:
    return list(Membership.objects.filter(user_id=user.pk).values_list("group_id", flat=True))


def sees_every_ticket(user: User) -> bool:
    return ticket_visibility_q(user) is None


def filter_groups(*, user: User) -> QuerySet[SupportGroup]:
    """Groups worth filtering a list by: the agent's own, or every active one for those who see
    every ticket (other groups' tickets would only ever give an empty list)."""
    if sees_every_ticket(user):
        return SupportGroup.objects.filter(is_active=True)
    return SupportGroup.objects.filter(
        pk__in=Membership.objects.filter(user_id=user.pk).values("group_id")
    )


def filter_assignees(*, user: User) -> QuerySet[User]:
    """Agents worth filtering a list by: the agent's colleagues in their groups, or every agent
    for those who see every ticket."""
    qs = agents()
    if not sees_every_ticket(user):
        mine = Membership.objects.filter(user_id=user.pk).values("group_id")
        colleagues = Membership.objects.filter(group_id__in=mine).values("user_id")
        qs = qs.filter(Q(pk__in=colleagues) | Q(pk=user.pk))
    return qs.only(*_NAME_FIELDS).order_by("display_name", "username")
