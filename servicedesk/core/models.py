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
    # Made when the message is queued, so every attempt sends the same id and replies to any
    # of them thread back. Stored without the angle brackets, as MailReference keeps ids.
    message_id = models.CharField(max_length=255, blank=True)
    # Further header lines (In-Reply-To, References, Auto-Submitted, ...), name -> value.
    headers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="outbox_unsent", condition=Q(sent_at=None)),
            # The acknowledgement rate limit counts one address's recent messages.
            models.Index(fields=["to", "created_at"], name="outbox_to_time"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} -> {self.to}"


class ConfigVersion(models.Model):
    """One row whose token changes with every change to the desk's configuration.

    Every ticket create reads what admins set and rarely change (the priority matrix, triage
    rules, SLA policies and calendars, ...). Each process keeps its copy of those and checks
    this one row, once per request, to know whether the copies are current (core.config).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    # Random, never a counter: a change rolled back must not leave a token that a later
    # change could bring back while a process still holds what it read in between.
    token = models.BigIntegerField()

    class Meta:
        verbose_name = "configuration version"

    def __str__(self) -> str:
        return f"configuration {self.token}"
