"""Links between tickets and the people who watch them."""

from django.db import transaction

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.core.errors import PermissionDenied, ValidationFailed
from servicedesk.tickets.choices import Channel, EventKind, LinkKind
from servicedesk.tickets.models import Ticket, TicketLink, Watch
from servicedesk.tickets.services._common import event_append


def _require_agent(by: User, what: str) -> None:
    if not by.is_agent:
        raise PermissionDenied(f"Only agents can {what}.")


def _check_watch_change(by: User, user: User) -> None:
    # Watching grants visibility, so only agents choose who watches; anyone may stop watching.
    if not by.is_agent and by.pk != user.pk:
        raise PermissionDenied("Only agents can change who watches a ticket.")


@transaction.atomic
def link_add(
    *, source: Ticket, target: Ticket, kind: str, by: User | None, channel: str = Channel.DESK
) -> TicketLink:
    """Link two tickets. ``by=None`` is the desk itself (a mail following up a closed ticket)."""
    if by is not None:
        _require_agent(by, "link tickets")
    if kind not in LinkKind.values:
        raise ValidationFailed(
            f"{kind!r} is not a link kind.",
            fields={"kind": [f"Use one of: {', '.join(LinkKind.values)}."]},
        )
    if source.pk == target.pk:
        raise ValidationFailed(
            "A ticket cannot be linked to itself.", fields={"target": ["Choose another ticket."]}
        )
    link, created = TicketLink.objects.get_or_create(
        source=source,
        target=target,
        kind=kind,
        defaults={"created_at": clock.now(), "created_by": by},
    )
    if created:
        label = LinkKind(kind).label.lower()
        event_append(
            ticket=source,
            kind=EventKind.LINKED,
            is_internal=True,
            actor=by,
            channel=channel,
            changes={kind: [None, target.number]},
            message=f"{label} {target.number}",
        )
        event_append(
            ticket=target,
            kind=EventKind.LINKED,
            is_internal=True,
            actor=by,
            channel=channel,
            changes={f"{kind}_from": [None, source.number]},
            message=f"{source.number} is {label} this ticket",
        )
    return link


@transaction.atomic
def link_remove(*, link: TicketLink, by: User, channel: str = Channel.DESK) -> None:
    _require_agent(by, "unlink tickets")
    event_append(
        ticket=link.source,
        kind=EventKind.UNLINKED,
        is_internal=True,
        actor=by,
        channel=channel,
        changes={link.kind: [link.target.number, None]},
    )
    event_append(
        ticket=link.target,
        kind=EventKind.UNLINKED,
        is_internal=True,
        actor=by,
        channel=channel,
        changes={f"{link.kind}_from": [link.source.number, None]},
    )
    link.delete()


@transaction.atomic
def watcher_add(*, ticket: Ticket, user: User, by: User, channel: str = Channel.DESK) -> None:
    _check_watch_change(by, user)
    _, created = Watch.objects.get_or_create(ticket=ticket, user=user)
    if created:
        event_append(
            ticket=ticket,
            kind=EventKind.WATCHER_ADDED,
            actor=by,
            channel=channel,
            changes={"watcher": [None, str(user)]},
        )


@transaction.atomic
def watcher_remove(*, ticket: Ticket, user: User, by: User, channel: str = Channel.DESK) -> None:
    _check_watch_change(by, user)
    deleted, _ = Watch.objects.filter(ticket=ticket, user=user).delete()
    if deleted:
        event_append(
            ticket=ticket,
            kind=EventKind.WATCHER_REMOVED,
            actor=by,
            channel=channel,
            changes={"watcher": [str(user), None]},
        )
