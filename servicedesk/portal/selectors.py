"""Reads for the portal: what an end user sees, built on the ticket selectors.

Agents may open the portal too; it shows them what the requester sees, so everything here
keeps to public comments and attachments whoever asks.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet, TextChoices

from servicedesk.accounts.models import User
from servicedesk.core.errors import NotFound
from servicedesk.tickets.choices import FINAL_STATES, EventKind
from servicedesk.tickets.models import Attachment, Comment, Ticket, Watch
from servicedesk.tickets.selectors import (
    ticket_attachments,
    ticket_comments,
    ticket_events,
    ticket_list,
)


class Scope(TextChoices):
    MINE = "mine", "My tickets"
    ORGANISATION = "organisation", "My organisation's tickets"


def portal_scopes(user: User) -> list[Scope]:
    if user.can_see_organisation_tickets and user.organisation_id:
        return [Scope.MINE, Scope.ORGANISATION]
    return [Scope.MINE]


def portal_tickets(*, user: User, scope: str = Scope.MINE) -> QuerySet[Ticket]:
    """Tickets of one portal list; always a subset of what ``visible_tickets`` allows."""
    qs = ticket_list(user)
    if scope == Scope.ORGANISATION and Scope.ORGANISATION in portal_scopes(user):
        return qs.filter(organisation_id=user.organisation_id)
    watched = Watch.objects.filter(user_id=user.pk).values("ticket_id")
    return qs.filter(Q(requester_id=user.pk) | Q(pk__in=watched))


def portal_unfinished_tickets(user: User) -> QuerySet[Ticket]:
    """The user's tickets that are not over yet, resolved ones included (they await a verdict)."""
    return portal_tickets(user=user).exclude(state__in=FINAL_STATES)


def public_attachments(*, ticket: Ticket, user: User) -> QuerySet[Attachment]:
    return ticket_attachments(ticket=ticket, user=user).filter(
        Q(comment=None) | Q(comment__is_public=True)
    )


@dataclass
class Entry:
    """One line of the conversation: a public comment or a step of the ticket's progress."""

    at: datetime
    actor: User | None
    comment: Comment | None = None
    state: str = ""
    event_kind: str = ""
    message: str = ""
    attachments: list[Attachment] = field(default_factory=list)


_SHOWN_EVENTS = (
    EventKind.CREATED,
    EventKind.UPDATED,
    EventKind.RESOLUTION_ACCEPTED,
    EventKind.RESOLUTION_REJECTED,
)


def _event_entries(*, ticket: Ticket, user: User) -> list[Entry]:
    entries = []
    events = ticket_events(ticket=ticket, user=user).filter(kind__in=_SHOWN_EVENTS)
    for event in events:
        state = (event.changes.get("state") or [None, ""])[1] or ""
        if event.kind == EventKind.UPDATED and not state:
            continue  # field changes other than the state are the desk's business
        # Only the requester's own reason is shown: other event messages may be internal.
        message = event.message if event.kind == EventKind.RESOLUTION_REJECTED else ""
        entries.append(
            Entry(
                at=event.created_at,
                actor=event.actor,
                state=state,
                event_kind=event.kind,
                message=message,
            )
        )
    return entries


def conversation(*, ticket: Ticket, user: User) -> list[Entry]:
    """Public comments and the ticket's progress, oldest first."""
    comments = ticket_comments(ticket=ticket, user=user).filter(is_public=True)
    entries = [
        Entry(
            at=c.created_at,
            actor=c.author,
            comment=c,
            event_kind=EventKind.COMMENTED,
            attachments=list(c.attachments.all()),
        )
        for c in comments
    ]
    entries += _event_entries(ticket=ticket, user=user)
    # A comment and the state change it caused share a moment; show the comment first.
    entries.sort(key=lambda e: (e.at, e.comment is None))
    return entries


def status_ticket(*, token: str) -> Ticket:
    """The ticket a status-page link opens; the link stops working when the requester changes."""
    ticket = Ticket.objects.select_related("requester").filter(access_token=token).first()
    if ticket is None or not token:
        raise NotFound("This link does not open any ticket. It may be out of date.")
    return ticket
