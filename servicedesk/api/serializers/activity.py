"""The parts of a ticket: comments, attachments, the timeline, links, watchers and SLA clocks."""

from datetime import timedelta

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicedesk.accounts.models import User
from servicedesk.api.serializers.common import IdRef, Ref, StrictInput, choices_of, enum_field
from servicedesk.api.serializers.tickets import TEXT_MAX
from servicedesk.core.errors import NotFound
from servicedesk.sla.choices import ClockStatus, Level, Metric
from servicedesk.tickets.choices import Channel, EventKind, LinkKind, State
from servicedesk.tickets.models import Attachment, Comment, TicketEvent
from servicedesk.tickets.selectors import ticket_comments, ticket_get


class AttachmentBrief(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = ["id", "filename", "content_type", "size", "download_url"]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("tickets:attachment_download", args=[attachment.pk])


class AttachmentOutput(AttachmentBrief):
    uploaded_by = Ref(read_only=True, allow_null=True)

    class Meta(AttachmentBrief.Meta):
        fields = [*AttachmentBrief.Meta.fields, "sha256", "comment", "uploaded_by", "created_at"]
        read_only_fields = fields


class AttachmentInput(StrictInput):
    file = serializers.FileField(allow_empty_file=False)
    comment = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Attach to this comment.",
    )

    def validate_comment(self, value: int | None) -> Comment | None:
        if value is None:
            return None
        found = ticket_comments(ticket=self.context["ticket"], user=self.context["user"])
        comment = found.filter(pk=value).first()
        if comment is None:
            raise serializers.ValidationError("No such comment on this ticket.")
        return comment


class CommentOutput(serializers.ModelSerializer):
    author = Ref(read_only=True, allow_null=True)
    channel = enum_field("Channel", choices_of(Channel), read_only=True)
    attachments = AttachmentBrief(many=True, read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "author", "body", "is_public", "channel", "created_at", "attachments"]
        read_only_fields = fields


class CommentInput(StrictInput):
    body = serializers.CharField(max_length=TEXT_MAX)
    is_public = serializers.BooleanField(
        required=False, default=True, help_text="False for an internal note (agents only)."
    )


class EventOutput(serializers.ModelSerializer):
    kind = enum_field("EventKind", choices_of(EventKind), read_only=True)
    channel = enum_field("Channel", choices_of(Channel), read_only=True)
    actor = Ref(read_only=True, allow_null=True)
    changes = serializers.JSONField(
        read_only=True, help_text='What changed: {"field": [from, to]} with readable values.'
    )

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "channel", "created_at", "changes", "message"]
        read_only_fields = fields


class LinkedTicket(serializers.Serializer):
    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    state = enum_field("TicketState", choices_of(State), read_only=True)


class LinkOutput(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    kind = enum_field("LinkKind", choices_of(LinkKind), read_only=True)
    direction = enum_field(
        "LinkDirection",
        [("out", "This ticket is <kind> the other"), ("in", "The other is <kind> this ticket")],
        read_only=True,
    )
    ticket = LinkedTicket(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class LinkInput(StrictInput):
    target = serializers.CharField(max_length=20, help_text="The other ticket's number.")
    kind = enum_field("LinkKind", choices_of(LinkKind))

    def validate_target(self, value: str):
        try:
            return ticket_get(user=self.context["user"], number=value)
        except NotFound:
            raise serializers.ValidationError(f"No ticket {value} that you can see.") from None


class WatcherInput(StrictInput):
    user = IdRef(queryset=User.objects.filter(is_active=True))


@extend_schema_field(OpenApiTypes.INT)
class Seconds(serializers.Field):
    """A span of time as whole seconds (rounded down, so a span just overrun is -1, not 0)."""

    def to_representation(self, value: timedelta) -> int:
        return value // timedelta(seconds=1)


class ClockOutput(serializers.Serializer):
    """One SLA clock as it stands at the moment of the request (sla.selectors.ClockView)."""

    metric = enum_field("SlaMetric", choices_of(Metric), read_only=True)
    status = enum_field("SlaClockStatus", choices_of(ClockStatus), read_only=True)
    target_seconds = Seconds(source="target", read_only=True, help_text="Business time allowed.")
    used_seconds = Seconds(source="used", read_only=True, help_text="Business time used so far.")
    remaining_seconds = serializers.SerializerMethodField(
        help_text="target_seconds less used_seconds, exactly: negative when overdue."
    )
    due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When the target runs out; null while paused."
    )
    breached_at = serializers.DateTimeField(read_only=True, allow_null=True)
    stopped_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When it was met, breached or cancelled."
    )
    percent_used = serializers.IntegerField(
        read_only=True, help_text="Share of the target used, rounded down; over 100 when late."
    )
    level = enum_field(
        "SlaLevel",
        choices_of(Level),
        read_only=True,
        help_text="ok, warning (first warning reached), critical (last of two or more "
        "warnings reached), breached, paused, met or cancelled.",
    )
    cycle = serializers.IntegerField(
        read_only=True,
        help_text="Next response: the cycle shown, one per requester reply since the first "
        "response; 1 for every other clock.",
    )
    cycles_met = serializers.IntegerField(
        read_only=True, help_text="Next response: finished cycles answered within the target."
    )
    cycles_breached = serializers.IntegerField(
        read_only=True, help_text="Next response: finished cycles answered late."
    )

    @extend_schema_field(OpenApiTypes.INT)
    def get_remaining_seconds(self, view) -> int:
        # Both sides whole seconds first, so that remaining is exactly target less used as shown.
        second = timedelta(seconds=1)
        return view.target // second - view.used // second
