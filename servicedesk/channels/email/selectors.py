"""Reads of the email channel."""

from collections.abc import Iterable

from servicedesk.channels.email.models import MailReference
from servicedesk.tickets.models import Ticket


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
