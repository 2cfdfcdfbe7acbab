"""Alert sources, the raw deliveries they post, and the alerts (one per problem episode)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from servicedesk.accounts.models import SupportGroup
from servicedesk.channels.alerts.choices import (
    AlertEvent,
    AlertState,
    DeliveryState,
    Outcome,
    SourceKind,
)
from servicedesk.tickets.choices import Impact
from servicedesk.tickets.models import Ticket

__all__ = ["Alert", "AlertDelivery", "AlertDeliveryKey", "AlertNotification", "AlertSource"]

USER = settings.AUTH_USER_MODEL


class AlertSource(models.Model):
    """One monitoring tool posting to ``/api/v1/alerts/<slug>/``, and how its alerts become
    incidents. The token is kept as a hash; it is shown once, when made."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=64, unique=True, help_text="The URL part: /api/v1/alerts/<slug>/."
    )
    kind = models.CharField(max_length=24, choices=SourceKind.choices)
    token_hash = models.CharField(max_length=64, editable=False)
    token_hint = models.CharField(
        max_length=8, editable=False, blank=True, help_text="The token's first characters."
    )
    is_active = models.BooleanField(default=True, help_text="Inactive: deliveries get 404.")
    severity_map = models.JSONField(
        default=dict,
        blank=True,
        help_text="Severity as the tool says it -> impact and urgency (1 high .. 3 low), e.g. "
        '{"critical": {"impact": 1, "urgency": 1}, "warning": {"impact": 2, "urgency": 3}}. '
        "Severities not named use the built-in table (admin guide).",
    )
    default_impact = models.PositiveSmallIntegerField(choices=Impact.choices, default=Impact.MEDIUM)
    default_urgency = models.PositiveSmallIntegerField(
        choices=Impact.choices, default=Impact.MEDIUM
    )
    mapping = models.JSONField(
        default=dict,
        blank=True,
        help_text="Generic JSON only: JSON paths for dedup_key, title, severity, host, service, "
        'state, description, link (e.g. {"dedup_key": "$.alert.id"}), and resolve_values / '
        "acknowledge_values.",
    )
    correlation_window = models.PositiveIntegerField(
        default=300,
        help_text="Seconds: a new alert on the host or service of an open alert seen this "
        "recently joins its incident. 0: no correlation.",
    )
    storm_threshold = models.PositiveIntegerField(
        default=20,
        help_text="More new alerts than this within the storm window make a storm: one parent "
        "incident takes them. 0: no storm grouping.",
    )
    storm_window = models.PositiveIntegerField(default=60, help_text="Seconds.")
    flap_threshold = models.PositiveIntegerField(
        default=4,
        help_text="This many firing/resolved changes within the flap window mark an alert "
        "flapping: its incident is neither resolved nor re-opened until it settles. 0: off.",
    )
    flap_window = models.PositiveIntegerField(default=600, help_text="Seconds.")
    note_only = models.BooleanField(
        default=False,
        help_text="A recovery only adds a note; the incident is never resolved automatically.",
    )
    verify_signatures = models.BooleanField(
        default=True, help_text="CloudWatch (SNS): check each message's signature."
    )
    requester = models.ForeignKey(
        USER,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The incidents' requester; empty: the desk's 'monitoring' account.",
    )
    assignment_group = models.ForeignKey(
        SupportGroup,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty: the triage rules route each incident.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def set_new_token(self) -> str:
        """A new token (the old one stops working on save); the only time it is readable."""
        token = secrets.token_urlsafe(32)
        self.token_hash = self.hash_token(token)
        self.token_hint = token[:6]
        return token


class AlertDelivery(models.Model):
    """One authenticated POST, its raw body stored before anything reads it."""

    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="deliveries")
    received_at = models.DateTimeField()
    raw = models.BinaryField()
    content_type = models.CharField(max_length=100, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=16, choices=DeliveryState.choices, default=DeliveryState.RECEIVED
    )
    error_code = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    delivery_id = models.CharField(max_length=255, blank=True)
    alert_count = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["source", "-received_at"], name="alert_delivery_source_time"),
            models.Index(fields=["state", "received_at"], name="alert_delivery_state_time"),
        ]
        verbose_name_plural = "alert deliveries"

    def __str__(self) -> str:
        return f"{self.source} delivery {self.pk}"


class AlertDeliveryKey(models.Model):
    """The tool's id of a notification (SNS MessageId ...): a second delivery with the same id
    is a retry. The unique constraint decides between concurrent retries."""

    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="+")
    value = models.CharField(max_length=255)
    delivery = models.ForeignKey(AlertDelivery, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "value"], name="alert_delivery_key_unique")
        ]

    def __str__(self) -> str:
        return self.value


class Alert(models.Model):
    """One episode of one alert of a source: from its first firing until its incident is over.

    At most one current episode per (source, key): a database constraint, so concurrent
    deliveries of a new alert open one incident, not two.
    """

    source = models.ForeignKey(AlertSource, on_delete=models.CASCADE, related_name="alerts")
    key = models.TextField()
    key_hash = models.CharField(max_length=64)
    dedup_key = models.TextField(blank=True)
    is_current = models.BooleanField(default=True)
    state = models.CharField(max_length=16, choices=AlertState.choices, default=AlertState.FIRING)
    title = models.CharField(max_length=255)
    severity = models.CharField(max_length=64, blank=True)
    host = models.CharField(max_length=255, blank=True)
    service = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    labels = models.JSONField(default=dict, blank=True)
    links = models.JSONField(default=list, blank=True)
    members = models.JSONField(
        default=dict, blank=True, help_text="Grouped alerts: member key -> status and host."
    )
    alert_count = models.PositiveIntegerField(default=1)
    occurrences = models.PositiveIntegerField(default=0, help_text="Firing notifications.")
    notifications = models.PositiveIntegerField(default=0)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    changes = models.JSONField(
        default=list, blank=True, help_text="Recent firing/resolved change times (flapping)."
    )
    is_flapping = models.BooleanField(default=False)
    noted_at = models.DateTimeField(
        null=True, blank=True, help_text="When the incident's timeline last noted a repeat."
    )
    noted_occurrences = models.PositiveIntegerField(default=0)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    in_storm = models.BooleanField(
        default=False, help_text="Joined a storm's parent incident instead of opening its own."
    )
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-last_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "key_hash"],
                condition=Q(is_current=True),
                name="alert_one_current_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["source", "first_seen"], name="alert_source_first_seen"),
            models.Index(fields=["host", "last_seen"], name="alert_host_last_seen"),
            models.Index(fields=["service", "last_seen"], name="alert_service_last_seen"),
            models.Index(
                fields=["is_flapping"], condition=Q(is_flapping=True), name="alert_flapping"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AlertNotification(models.Model):
    """What one delivery said about one alert, and what the desk did with it."""

    alert = models.ForeignKey(
        Alert, null=True, blank=True, on_delete=models.CASCADE, related_name="history"
    )
    delivery = models.ForeignKey(
        AlertDelivery, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.TextField()
    event = models.CharField(max_length=16, choices=AlertEvent.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.event}: {self.get_outcome_display()}"
