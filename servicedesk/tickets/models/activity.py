"""What happens on a ticket: the append-only event log, comments and attachments."""

from django.conf import settings
from django.db import models

from servicedesk.tickets.choices import Channel, EventKind
from servicedesk.tickets.models.ticket import Ticket

USER = settings.AUTH_USER_MODEL


class AppendOnlyError(Exception):
    pass


class TicketEvent(models.Model):
    """One change to a ticket: who, when, through which channel, and each field from -> to.

    The timeline, the audit trail and every report of durations and reassignments read these
    rows. They are never edited or deleted.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField()
    # {"field": [from, to], ...} with readable values (names, labels), not ids.
    changes = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    # About an internal note or its files: agents only, like the note itself.
    is_internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at", "id"], name="event_ticket_time")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.get("force_insert"):
            raise AppendOnlyError("ticket events are never edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("ticket events are never deleted")


class Comment(models.Model):
    """A public reply (the requester sees it) or an internal note (agents only)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    is_public = models.BooleanField(default=True)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="comment_ticket_time")]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.ticket_id}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a content hash, never under the uploader's file name.
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}"


class Attachment(models.Model):
    """A file on a ticket or on one of its comments, served only as a download."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename
