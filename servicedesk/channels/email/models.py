"""Inbound mailboxes, the raw messages they deliver, and the message ids that thread mail."""

from django.db import models

from servicedesk.tickets.models import Ticket


class Direction(models.TextChoices):
    INBOUND = "in", "received"
    OUTBOUND = "out", "sent"


class MailReference(models.Model):
    """A Message-ID the desk received or sent for a ticket: what replies are threaded by.

    The same id can belong to two tickets: one mail delivered to two mailboxes that feed two
    groups opens a ticket in each.
    """

    message_id = models.CharField(max_length=998, db_index=True)
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="mail_references")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message_id", "ticket"], name="mail_reference_unique")
        ]

    def __str__(self) -> str:
        return f"<{self.message_id}> {self.get_direction_display()} for {self.ticket_id}"
