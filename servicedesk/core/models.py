from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """A mail to send, written in the same transaction as the change it tells about.

    The change and its message commit together or not at all, so none is lost; ``key`` is
    unique, so a retried job cannot queue the same message twice; delivery claims each row
    with a conditional UPDATE, so two workers never send one message both.
    """

    key = models.CharField(max_length=200, unique=True, help_text="What the message is about.")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="outbox_unsent", condition=Q(sent_at=None))
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to}"
