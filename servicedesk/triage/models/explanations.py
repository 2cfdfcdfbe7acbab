"""Why a ticket got what it got (decisions) and what the model proposed (suggestions)."""

from django.conf import settings
from django.db import models

from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.triage.choices import Source, SuggestionState
from servicedesk.triage.models.rules import Rule


class Decision(models.Model):
    """One field triage set on a ticket, and what set it; the event is its timeline entry."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="triage_decisions")
    event = models.ForeignKey(TicketEvent, null=True, on_delete=models.SET_NULL, related_name="+")
    field = models.CharField(max_length=24)
    value = models.CharField(max_length=300, blank=True, help_text="As people read it.")
    source = models.CharField(max_length=16, choices=Source.choices)
    rule = models.ForeignKey(
        Rule, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rule_name = models.CharField(max_length=200, blank=True, help_text="As it was named then.")
    model_version = models.PositiveIntegerField(null=True, blank=True)
    confidence = models.FloatField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "id"], name="triage_decision_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field}={self.value} ({self.source})"


class Suggestion(models.Model):
    """A prediction below its threshold (or beaten by a rule): an agent may accept it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="triage_suggestions")
    field = models.CharField(max_length=24)
    value = models.CharField(max_length=64, help_text="A primary key as text, or a kind.")
    label = models.CharField(max_length=300)
    confidence = models.FloatField()
    threshold = models.FloatField()
    model_version = models.PositiveIntegerField()
    state = models.CharField(
        max_length=16, choices=SuggestionState.choices, default=SuggestionState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["ticket", "state"], name="triage_suggestion_ticket")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.field}? {self.label} ({self.confidence:.2f})"
