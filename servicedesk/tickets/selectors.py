"""Reads on tickets. Every one starts from what the user may see (accounts.selectors)."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import ticket_visibility_q
from servicedesk.core.errors import NotFound
from servicedesk.tickets.choices import State
from servicedesk.tickets.models import (
    Attachment,
    Category,
    Comment,
    CustomField,
    IsOpen,
    Ticket,
    TicketEvent,
    TicketLink,
)

# What a list row shows: three related rows joined in, the categories read for the whole page in
# one query each. PostgreSQL plans each join of a list query against every index of the ticket
# table: at 1M tickets three joins plan in under 1 ms, five in 3-15 ms.
LIST_RELATED = ("requester", "assignment_group", "assignee")
LIST_PREFETCHED = ("category", "subcategory")
# The column each ``by`` of ticket_counts groups on.
COUNT_COLUMNS = {
    "priority": "priority",
    "state": "state",
    "kind": "kind",
    "channel": "channel",
    "group": "assignment_group__name",
    "category": "category__name",
}


def visible_tickets(user: User) -> QuerySet[Ticket]:
    q = ticket_visibility_q(user)
    qs = Ticket.objects.all()
    return qs if q is None else qs.filter(q)


def ticket_list(user: User) -> QuerySet[Ticket]:
    """Tickets for a list page or the API list, with what a row shows loaded in the same query."""
    return visible_tickets(user).select_related(*LIST_RELATED).prefetch_related(*LIST_PREFETCHED)


def ticket_get(*, user: User, number: str) -> Ticket:
    """One ticket by number; one the user may not see does not exist for them (404)."""
    ticket = (
        visible_tickets(user)
        .select_related(*LIST_RELATED, *LIST_PREFETCHED, "reported_by", "organisation",
                        "affected_service", "configuration_item", "resolved_by")
        .filter(number=number.strip().upper())
        .first()
    )  # fmt: skip
    if ticket is None:
        raise NotFound(f"No ticket {number} that you can see.")
    return ticket


def ticket_comments(*, ticket: Ticket, user: User) -> QuerySet[Comment]:
    qs = ticket.comments.select_related("author").prefetch_related("attachments")
    return qs if user.is_agent else qs.filter(is_public=True)


def ticket_events(*, ticket: Ticket, user: User) -> QuerySet[TicketEvent]:
    """The timeline. End users do not see that internal notes or their files exist."""
    qs = ticket.events.select_related("actor")
    return qs if user.is_agent else qs.filter(is_internal=False)


def ticket_attachments(*, ticket: Ticket, user: User) -> QuerySet[Attachment]:
    qs = ticket.attachments.select_related("uploaded_by")
    return qs if user.is_agent else qs.filter(Q(comment=None) | Q(comment__is_public=True))


def attachment_get(*, user: User, attachment_id: int) -> Attachment:
    """An attachment the user may download: on a visible ticket and not on an internal note."""
    attachment = (
        Attachment.objects.select_related("ticket", "comment").filter(pk=attachment_id).first()
    )
    if attachment is None or not visible_tickets(user).filter(pk=attachment.ticket_id).exists():
        raise NotFound("No such attachment.")
    if not user.is_agent and attachment.comment_id and not attachment.comment.is_public:
        raise NotFound("No such attachment.")
    return attachment


def ticket_links(*, ticket: Ticket, user: User) -> list[tuple[str, TicketLink, Ticket]]:
    """Links in both directions, leaving out tickets the user may not see."""
    visible = visible_tickets(user)
    # EXISTS per link, not "IN (the visible tickets)": SQLite would read that list first, all
    # million tickets for someone who sees every one, instead of the ticket's few links.
    out = TicketLink.objects.filter(
        Exists(visible.filter(pk=OuterRef("target_id"))), source=ticket
    ).select_related("target")
    into = TicketLink.objects.filter(
        Exists(visible.filter(pk=OuterRef("source_id"))), target=ticket
    ).select_related("source")
    return [("out", link, link.target) for link in out] + [
        ("in", link, link.source) for link in into
    ]


def custom_field_rows(ticket: Ticket) -> list[tuple[str, object]]:
    """The ticket's custom values as (label, value): defined fields first in their order, by
    their labels; values under keys nobody defined follow, by key."""
    values = ticket.custom_fields or {}
    defined = CustomField.objects.filter(key__in=list(values))
    rows = [(f.label, values[f.key]) for f in defined]
    known = {f.key for f in defined}
    return rows + [(key, values[key]) for key in sorted(values) if key not in known]


def open_tickets(user: User) -> QuerySet[Ticket]:
    return ticket_list(user).filter(IsOpen())


def recently_resolved(user: User) -> QuerySet[Ticket]:
    return ticket_list(user).filter(state=State.RESOLVED)


def ticket_counts(tickets: QuerySet[Ticket], *, by: str) -> dict[str, int]:
    """How many of ``tickets`` have each value of ``by``, in one GROUP BY query.

    Tickets without a group or category count under the empty string.
    """
    column = COUNT_COLUMNS[by]
    rows = tickets.order_by().values_list(column).annotate(n=Count("pk")).order_by(column)
    return {"" if value is None else str(value): n for value, n in rows}


def category_tree() -> QuerySet[Category]:
    """Active top-level categories with their active subcategories."""
    children = Category.objects.filter(is_active=True).select_related("default_group")
    return (
        Category.objects.filter(parent=None, is_active=True)
        .select_related("default_group")
        .prefetch_related(Prefetch("children", queryset=children))
        .order_by("name")
    )
