"""The mail templates admins edit, and the Message-IDs that thread a ticket's mail."""

from django.db import models

from servicedesk.notifications.choices import Direction, NotificationKind
from servicedesk.tickets.models import Ticket


class NotificationTemplate(models.Model):
    """Subject and body of one kind of notification, in Django's template language.

    They are rendered with plain values only (``notifications.rendering``), never with records,
    so a template cannot reach into the database. A kind without a row, or whose template
    fails when a mail is made, is sent with the shipped default instead.
    """

    kind = models.CharField(max_length=16, choices=NotificationKind.choices, unique=True)
    enabled = models.BooleanField(default=True, help_text="Untick to send no mail of this kind.")
    subject = models.CharField(
        max_length=300, help_text="The ticket tag, e.g. [INC0001234], is added when missing."
    )
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return NotificationKind(self.kind).label


class MailReference(models.Model):
    """A Message-ID the desk received or sent for a ticket: what replies are threaded by.

    Outbound mail records its own; the email channel records what it receives. The same id
    can belong to two tickets: one mail delivered to two mailboxes that feed two groups opens a
    ticket in each. Ids are kept without their angle brackets.
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
