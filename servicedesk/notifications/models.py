"""The mail templates admins edit: one per kind of notification."""

from django.db import models

from servicedesk.notifications.choices import NotificationKind


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
