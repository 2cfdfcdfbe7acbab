"""Writes of the email channel."""

from servicedesk.channels.email.models import MailReference
from servicedesk.core import clock
from servicedesk.tickets.models import Ticket


def mail_reference_record(*, ticket: Ticket, message_id: str, direction: str) -> None:
    """Remember that ``message_id`` was received or sent for ``ticket`` (idempotent)."""
    if message_id:
        MailReference.objects.get_or_create(
            message_id=message_id[:998],
            ticket=ticket,
            defaults={"direction": direction, "created_at": clock.now()},
        )
