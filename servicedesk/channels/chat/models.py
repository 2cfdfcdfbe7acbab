"""Chat conversations with the desk's bot: stored, so a reload or a second device continues."""

from django.conf import settings
from django.db import models

from servicedesk.channels.chat.choices import ENDED, Author, Source, Step
from servicedesk.tickets.models import Ticket

__all__ = ["Conversation", "Message", "Upload"]


class Conversation(models.Model):
    """One conversation of one user with the bot, and what it has gathered so far.

    ``facts`` holds the answers collected (problem, affected, since, people, impact, urgency,
    the category and kind understood, the articles offered); the engine reads and writes it.
    It ends with a ticket raised or an article that helped; both are kept for the reports.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_conversations"
    )
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.PORTAL)
    step = models.CharField(max_length=16, choices=Step.choices, default=Step.DESCRIBE)
    facts = models.JSONField(default=dict, blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The article's id as a plain number, not a key: the knowledge base's Deflection row is the
    # counted record; this one stays readable after the article is deleted.
    helped_article_id = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "-updated_at"], name="chat_conv_user_recent")]

    def __str__(self) -> str:
        return f"Conversation {self.pk} of {self.user}"

    @property
    def has_ended(self) -> bool:
        return self.step in ENDED


class Message(models.Model):
    """One message; a bot message may carry ``extra``: articles offered, quick replies, a link."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.CharField(max_length=8, choices=Author.choices)
    body = models.TextField()
    extra = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


def _upload_path(upload: "Upload", filename: str) -> str:
    return f"chat/{upload.conversation_id}/{filename}"


class Upload(models.Model):
    """A screenshot given before the ticket exists; it becomes the ticket's attachment."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to=_upload_path, max_length=500)
    filename = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.filename
