"""Alert sources and their deliveries as the API shows them to desk admins."""

import base64

from django.urls import reverse
from rest_framework import serializers

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.api.serializers.common import choices_of, enum_field
from servicedesk.channels.alerts.choices import DeliveryState, SourceKind
from servicedesk.channels.alerts.models import AlertDelivery, AlertSource
from servicedesk.tickets.choices import Impact

SOURCE_SETTINGS = [
    "name", "slug", "kind", "is_active", "severity_map", "default_impact", "default_urgency",
    "mapping", "correlation_window", "storm_threshold", "storm_window", "flap_threshold",
    "flap_window", "note_only", "verify_signatures",
]  # fmt: skip


class AlertSourceInput(serializers.ModelSerializer):
    kind = enum_field("AlertSourceKind", choices_of(SourceKind))
    default_impact = enum_field("ImpactLevel", choices_of(Impact), required=False)
    default_urgency = enum_field("ImpactLevel", choices_of(Impact), required=False)
    requester = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), allow_null=True, required=False
    )
    assignment_group = serializers.PrimaryKeyRelatedField(
        queryset=SupportGroup.objects.filter(is_active=True), allow_null=True, required=False
    )

    class Meta:
        model = AlertSource
        fields = [*SOURCE_SETTINGS, "requester", "assignment_group"]


class AlertSourceOutput(serializers.ModelSerializer):
    kind = enum_field("AlertSourceKind", choices_of(SourceKind), read_only=True)
    default_impact = enum_field("ImpactLevel", choices_of(Impact), read_only=True)
    default_urgency = enum_field("ImpactLevel", choices_of(Impact), read_only=True)
    url = serializers.SerializerMethodField()
    token = serializers.SerializerMethodField(help_text="Only in the answer that made it.")
    requester = serializers.CharField(source="requester.username", allow_null=True, default=None)
    assignment_group = serializers.CharField(
        source="assignment_group.name", allow_null=True, default=None
    )

    class Meta:
        model = AlertSource
        fields = [
            "id",
            *SOURCE_SETTINGS,
            "requester",
            "assignment_group",
            "token_hint",
            "token",
            "url",
            "created_at",
        ]
        read_only_fields = fields

    def get_url(self, source: AlertSource) -> str:
        path = reverse("api:alerts-receive", kwargs={"source": source.slug})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_token(self, source: AlertSource) -> str | None:
        return self.context.get("token")


class AlertDeliveryOutput(serializers.ModelSerializer):
    source = serializers.CharField(source="source.slug")
    state = enum_field("AlertDeliveryState", choices_of(DeliveryState), read_only=True)

    class Meta:
        model = AlertDelivery
        fields = [
            "id", "source", "received_at", "state", "error_code", "error", "delivery_id",
            "alert_count", "content_type", "processed_at",
        ]  # fmt: skip
        read_only_fields = fields


class AlertDeliveryDetail(AlertDeliveryOutput):
    body = serializers.SerializerMethodField(help_text="The raw body as text (UTF-8).")
    body_base64 = serializers.SerializerMethodField(help_text="Set when the body is not UTF-8.")
    outcomes = serializers.SerializerMethodField()

    class Meta(AlertDeliveryOutput.Meta):
        fields = [*AlertDeliveryOutput.Meta.fields, "headers", "body", "body_base64", "outcomes"]
        read_only_fields = fields

    def get_body(self, delivery: AlertDelivery) -> str | None:
        try:
            return bytes(delivery.raw).decode()
        except UnicodeDecodeError:
            return None

    def get_body_base64(self, delivery: AlertDelivery) -> str | None:
        raw = bytes(delivery.raw)
        try:
            raw.decode()
            return None
        except UnicodeDecodeError:
            return base64.b64encode(raw).decode()

    def get_outcomes(self, delivery: AlertDelivery) -> list[dict]:
        return [
            {"key": n.key, "event": n.event, "outcome": n.outcome,
             "incident": n.ticket.number if n.ticket else None}
            for n in delivery.notifications.select_related("ticket")
        ]  # fmt: skip
