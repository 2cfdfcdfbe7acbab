"""Reads the API needs that the domain apps do not offer (yet); each is scoped to the caller.

Ticket reads start from ``servicedesk.tickets.selectors``; these only add the shapes the API
answers with (counts per value, the people and groups directory, the category tree).
"""

import re

from django.db.models import Count, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Replace

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.tickets.models import Category, Ticket

# The column each ``by`` of the counts endpoint groups on.
COUNT_COLUMNS = {
    "priority": "priority",
    "state": "state",
    "kind": "kind",
    "channel": "channel",
    "group": "assignment_group__name",
    "category": "category__name",
}
_PHONE_NOISE = (" ", "-", "(", ")", ".", "/")


def ticket_counts(tickets: QuerySet[Ticket], *, by: str) -> dict[str, int]:
    """How many of ``tickets`` have each value of ``by``, in one GROUP BY query.

    Tickets without a group or category count under the empty string.
    """
    column = COUNT_COLUMNS[by]
    rows = tickets.order_by().values_list(column).annotate(n=Count("pk")).order_by(column)
    return {"" if value is None else str(value): n for value, n in rows}


def _digits_only(expression):
    for noise in _PHONE_NOISE:
        expression = Replace(expression, Value(noise), Value(""))
    return expression


def users_for(user: User, *, q: str = "", role: str = "") -> QuerySet[User]:
    """Agents look people up; an end user only ever finds themselves."""
    qs = User.objects.select_related("organisation").prefetch_related("support_groups")
    if not user.is_agent:
        qs = qs.filter(pk=user.pk)
    if role:
        qs = qs.filter(role=role)
    q = q.strip()
    if q:
        match = (
            Q(username__icontains=q)
            | Q(display_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(phone__icontains=q)
        )
        digits = re.sub(r"\D", "", q)
        if len(digits) >= 3 and not re.search(r"[A-Za-z@]", q):
            # Phone numbers are stored as typed; compare them without spaces and dashes.
            qs = qs.annotate(phone_digits=_digits_only("phone"))
            match |= Q(phone_digits__contains=digits)
        qs = qs.filter(match)
    return qs


def groups_for(user: User) -> QuerySet[SupportGroup]:
    qs = SupportGroup.objects.filter(is_active=True)
    if user.is_agent:
        qs = qs.select_related("lead").prefetch_related("members")
    return qs


def category_tree() -> QuerySet[Category]:
    """Active top-level categories with their active subcategories."""
    children = Category.objects.filter(is_active=True).select_related("default_group")
    return (
        Category.objects.filter(parent=None, is_active=True)
        .select_related("default_group")
        .prefetch_related(Prefetch("children", queryset=children))
        .order_by("name")
    )
