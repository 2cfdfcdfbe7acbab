"""What the desk mails people when their tickets change, queued in the change's transaction.

``ticket_event_notify`` follows every ticket event (registered in ``tickets.observers``, see
docs/decisions/0004): a new ticket is acknowledged to its requester, an agent's public reply
goes to the requester and the watchers, a resolution goes to the requester with accept and
reject links, and so does the closing. Internal notes are never mailed; nobody is mailed
about what they did themselves (except an end user's acknowledgement of the ticket they
raised); inactive users and users without an address get nothing.

Each mail goes through the outbox with a key per (kind, ticket, event, recipient), its own
Message-ID (recorded as the ticket's outbound MailReference, so replies thread back),
In-Reply-To and References naming the ticket's earlier mail, and the ticket tag in the subject.

Tickets raised by mail are acknowledged by the inbound mail code, not here: only it knows
whether the message was written by a person, and it records the requester's Message-ID first,
which the acknowledgement answers. It calls ``ticket_acknowledge``.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.core.models import OutboxMessage
from servicedesk.core.outbox import AUTO_GENERATED, AUTO_REPLIED, new_message_id, outbox_queue
from servicedesk.notifications.choices import Direction, NotificationKind
from servicedesk.notifications.models import MailReference
from servicedesk.notifications.rendering import render_notification
from servicedesk.notifications.selectors import (
    acknowledgements_sent,
    template_for,
    thread_ids,
    watchers_of,
)
from servicedesk.notifications.tokens import verdict_token
from servicedesk.tickets.choices import Channel, EventKind, State
from servicedesk.tickets.models import Comment, Ticket, TicketEvent

# Channels whose new tickets the observer acknowledges. Mail is acknowledged by the inbound
# code (see above); a monitoring alert has no person to thank.
_ACKNOWLEDGED_CHANNELS = frozenset(
    {Channel.PORTAL, Channel.PHONE, Channel.CHAT, Channel.API, Channel.DESK}
)
_KEY_PREFIX = "notify"


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _receives(user: User | None, actor_pk: int | None) -> bool:
    """Whether ``user`` gets mail about a change ``actor_pk`` made."""
    return bool(user and user.is_active and user.email and user.pk != actor_pk)


def _context(ticket: Ticket, recipient: User) -> dict[str, Any]:
    """Plain values only: a template prints these and can reach nothing else."""
    if recipient.is_agent:
        url = _site(reverse("desk:ticket", args=[ticket.number]))
    else:
        url = _site(reverse("portal:ticket", args=[ticket.number]))
    return {
        "recipient": {"name": recipient.name, "email": recipient.email},
        "requester": {"name": ticket.requester.name},
        "ticket": {
            "number": ticket.number,
            "title": ticket.title,
            "kind": ticket.get_kind_display(),
            "state": ticket.get_state_display(),
            "priority": ticket.get_priority_display(),
            "resolution": ticket.get_resolution_code_display() if ticket.resolution_code else "",
            "resolution_notes": ticket.resolution_notes,
            "url": url,
            "status_url": _site(reverse("portal:status", args=[ticket.access_token])),
        },
        "links_valid_days": settings.SERVICEDESK_VERDICT_LINK_DAYS,
        "desk": {"name": "Service desk", "url": _site(reverse("portal:home"))},
    }


def _queue(
    *,
    kind: str,
    ticket: Ticket,
    recipients: list[User],
    key: str,
    auto_submitted: str = AUTO_GENERATED,
    extra: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    """One mail per recipient, threaded on the ticket's mail so far; what was queued."""
    template = template_for(kind)
    if template is not None and not template.enabled:
        return []
    earlier = thread_ids(ticket)
    headers = {"Auto-Submitted": auto_submitted}
    if earlier:
        headers["In-Reply-To"] = f"<{earlier[-1]}>"
        headers["References"] = " ".join(f"<{message_id}>" for message_id in earlier)
    queued = []
    seen: set[str] = set()
    for recipient in recipients:
        if recipient.email.lower() in seen:
            continue
        seen.add(recipient.email.lower())
        context = {**_context(ticket, recipient), **(extra or {})}
        subject, body = render_notification(kind=kind, template=template, context=context)
        message_id = new_message_id()
        message = outbox_queue(
            key=f"{key}:{recipient.pk}",
            to=recipient.email,
            subject=subject,
            body=body,
            headers=headers,
            message_id=message_id,
        )
        if message is not None:
            mail_reference_record(
                ticket=ticket, message_id=message_id, direction=Direction.OUTBOUND
            )
            queued.append(message)
    return queued


def mail_reference_record(*, ticket: Ticket, message_id: str, direction: str) -> None:
    """Remember that ``message_id`` was received or sent for ``ticket`` (idempotent)."""
    if message_id:
        # One INSERT ... ON CONFLICT DO NOTHING: the pair may be known already.
        reference = MailReference(
            message_id=message_id[:998], ticket=ticket, direction=direction, created_at=clock.now()
        )
        MailReference.objects.bulk_create([reference], ignore_conflicts=True)


def ticket_acknowledge(*, ticket: Ticket, acknowledge: bool = True) -> OutboxMessage | None:
    """Tell the requester we have their ticket: once per ticket, and rate-limited per address.

    ``acknowledge=False`` (an automatic message: an out-of-office, a bounce, a list) queues
    nothing, so the desk never answers a robot. At most ``SERVICEDESK_ACK_LIMIT_PER_HOUR``
    acknowledgements go to one address in an hour, so two desks or a looping robot cannot
    keep each other busy. Call it in the transaction that raised the ticket.
    """
    requester = ticket.requester
    if not acknowledge or not _receives(requester, None):
        return None
    prefix = f"{_KEY_PREFIX}:{NotificationKind.RECEIVED}:"
    limit = settings.SERVICEDESK_ACK_LIMIT_PER_HOUR
    if acknowledgements_sent(address=requester.email, prefix=prefix) >= limit:
        return None
    queued = _queue(
        kind=NotificationKind.RECEIVED,
        ticket=ticket,
        recipients=[requester],
        key=f"{prefix}{ticket.pk}",
        auto_submitted=AUTO_REPLIED,
    )
    return queued[0] if queued else None


def _new_state(event: TicketEvent) -> str | None:
    change = event.changes.get("state")
    return change[1] if change else None


def _public_reply(event: TicketEvent) -> Comment | None:
    actor = event.actor
    if event.is_internal or actor is None or not actor.is_agent:
        return None
    if event.changes.get("comment") != [None, "public"]:
        return None
    # The reply this event tells about: the author's newest public comment on the ticket.
    return (
        Comment.objects.filter(ticket_id=event.ticket_id, author=actor, is_public=True)
        .order_by("-created_at", "-pk")
        .first()
    )


def ticket_event_notify(event: TicketEvent) -> None:
    """The observer: queue the mail a ticket event calls for, if any (idempotent).

    Events that tell nobody anything return before any query.
    """
    if event.kind == EventKind.CREATED:
        if event.channel in _ACKNOWLEDGED_CHANNELS:
            ticket = event.ticket
            actor = event.actor
            # An agent logging their own ticket needs no mail about it.
            if not (actor and actor.pk == ticket.requester_id and actor.is_agent):
                ticket_acknowledge(ticket=ticket)
        return
    actor_pk = event.actor_id
    key = f"{_KEY_PREFIX}:{{kind}}:{event.ticket_id}:{event.pk}"
    if event.kind == EventKind.COMMENTED:
        reply = _public_reply(event)
        if reply is None:
            return
        ticket = Ticket.objects.select_related("requester").get(pk=event.ticket_id)
        people = [ticket.requester, *watchers_of(ticket)]
        _queue(
            kind=NotificationKind.REPLY,
            ticket=ticket,
            recipients=[person for person in people if _receives(person, actor_pk)],
            key=key.format(kind=NotificationKind.REPLY),
            extra={"reply": {"author": event.actor.name, "body": reply.body}},
        )
        return
    state = _new_state(event)
    if state not in (State.RESOLVED, State.CLOSED):
        return
    ticket = Ticket.objects.select_related("requester").get(pk=event.ticket_id)
    if not _receives(ticket.requester, actor_pk):
        return
    if state == State.RESOLVED:
        token = verdict_token(ticket)
        extra = {
            "accept_url": _site(reverse("portal:verdict_accept", args=[token])),
            "reject_url": _site(reverse("portal:verdict_reject", args=[token])),
        }
        kind = NotificationKind.RESOLVED
    else:
        extra, kind = {}, NotificationKind.CLOSED
    _queue(
        kind=kind,
        ticket=ticket,
        recipients=[ticket.requester],
        key=key.format(kind=kind),
        extra=extra,
    )
