"""Reads of the notifications app: who hears about a ticket, and what its mail threads on."""

from collections.abc import Iterable
from datetime import timedelta

from servicedesk.accounts.models import User
from servicedesk.core import clock, config
from servicedesk.core.models import OutboxMessage
from servicedesk.notifications.models import MailReference, NotificationTemplate
from servicedesk.tickets.models import Ticket

REFERENCES_MAX = 20  # the first message and the newest ones: enough for every mail client


def template_for(kind: str) -> NotificationTemplate | None:
    """The admins' template of ``kind`` (None: use the shipped default)."""
    # Every mail asks; templates change in the admin: kept per process (core.config).
    templates = config.kept(
        "notifications.templates",
        lambda: {t.kind: t for t in NotificationTemplate.objects.order_by("-pk")},
    )
    return templates.get(kind)


def thread_ids(ticket: Ticket) -> list[str]:
    """Message-IDs received and sent for the ticket, oldest first, as References lists them.

    The first one (the requester's first mail, or our first mail) is kept however long the
    thread grows, then the newest, as RFC 5322 suggests for long threads.
    """
    ids = list(
        MailReference.objects.filter(ticket=ticket)
        .order_by("created_at", "pk")
        .values_list("message_id", flat=True)
    )
    if len(ids) > REFERENCES_MAX:
        ids = ids[:1] + ids[-(REFERENCES_MAX - 1) :]
    return ids


def ticket_for_message_ids(message_ids: Iterable[str]) -> Ticket | None:
    """The ticket that a message with these In-Reply-To / References ids answers, if any.

    The newest reference wins when the ids name several tickets.
    """
    ids = [message_id for message_id in message_ids if message_id]
    if not ids:
        return None
    reference = (
        MailReference.objects.filter(message_id__in=ids)
        .select_related("ticket")
        .order_by("-created_at", "-pk")
        .first()
    )
    return reference.ticket if reference else None


def watchers_of(ticket: Ticket) -> list[User]:
    return list(User.objects.filter(watches__ticket=ticket).order_by("pk"))


def acknowledgements_sent(*, address: str, prefix: str) -> int:
    """Acknowledgements queued to ``address`` in the last hour (the rate limit counts these)."""
    since = clock.now() - timedelta(hours=1)
    return OutboxMessage.objects.filter(
        to=address, created_at__gte=since, key__startswith=prefix
    ).count()
