"""Tickets in and out. Input serializers check shapes; the ticket services decide the rest."""

from rest_framework import serializers

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.api.serializers.common import (
    IdRef,
    JSONObjectField,
    Ref,
    StrictInput,
    choices_of,
    enum_field,
)
from servicedesk.tickets.choices import (
    INTAKE_CHANNELS,
    Channel,
    Impact,
    Kind,
    Priority,
    ResolutionCode,
    State,
)
from servicedesk.tickets.models import Category, ConfigurationItem, Ticket

# Lengths the database enforces (PostgreSQL does, SQLite does not): refuse longer input here.
PRIORITY_REASON_MAX = 500
TEXT_MAX = 100_000


class TicketOutput(serializers.ModelSerializer):
    kind = enum_field("TicketKind", choices_of(Kind), read_only=True)
    state = enum_field("TicketState", choices_of(State), read_only=True)
    channel = enum_field("Channel", choices_of(Channel), read_only=True)
    impact = enum_field("ImpactLevel", choices_of(Impact), read_only=True)
    urgency = enum_field("ImpactLevel", choices_of(Impact), read_only=True)
    priority = enum_field("Priority", choices_of(Priority), read_only=True)
    resolution_code = enum_field(
        "ResolutionCode", [("", "None"), *choices_of(ResolutionCode)], read_only=True
    )
    requester = Ref(read_only=True)
    reported_by = Ref(read_only=True, allow_null=True)
    organisation = Ref(read_only=True, allow_null=True)
    category = Ref(read_only=True, allow_null=True)
    subcategory = Ref(read_only=True, allow_null=True)
    affected_service = Ref(read_only=True, allow_null=True)
    configuration_item = Ref(read_only=True, allow_null=True)
    assignment_group = Ref(read_only=True, allow_null=True)
    assignee = Ref(read_only=True, allow_null=True)
    resolved_by = Ref(read_only=True, allow_null=True)
    custom_fields = serializers.JSONField(read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "kind", "title", "description", "state", "is_open", "channel",
            "requester", "reported_by", "organisation", "category", "subcategory",
            "affected_service", "configuration_item", "impact", "urgency", "priority",
            "priority_override_reason", "assignment_group", "assignee", "custom_fields",
            "reassignment_count", "reopen_count", "created_at", "updated_at",
            "first_response_at", "resolved_at", "closed_at", "resolved_by", "resolution_code",
            "resolution_notes", "external_ref", "version",
        ]  # fmt: skip
        read_only_fields = fields


# One serializer renders every single ticket, as a ``many=True`` list renders its items with
# one child: building this serializer's fields costs more CPU than a ticket create's SQL. It
# has no context, so its fields may not read one.
_TICKET_OUTPUT = TicketOutput()


def ticket_output(ticket: Ticket) -> dict:
    """What the API shows of one ticket: ``TicketOutput(ticket).data``, without building it."""
    return _TICKET_OUTPUT.to_representation(ticket)


def _ref(queryset, **kwargs) -> serializers.PrimaryKeyRelatedField:
    return IdRef(queryset=queryset, **kwargs)


def _optional_ref(queryset) -> serializers.PrimaryKeyRelatedField:
    return _ref(queryset, required=False, allow_null=True)


class EndUserTicketCreateInput(StrictInput):
    """What an end user may say when raising a ticket; they are always its requester."""

    agent_only = frozenset(
        {
            "channel", "priority", "priority_override_reason", "subcategory",
            "affected_service", "configuration_item", "assignment_group", "assignee",
            "requester", "custom_fields", "watchers",
        }
    )  # fmt: skip

    title = serializers.CharField(max_length=Ticket._meta.get_field("title").max_length)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, max_length=TEXT_MAX
    )
    # Left out: triage's rules and model may decide it (else incident); sent: it is kept.
    kind = enum_field(
        "EndUserTicketKind", choices_of(Kind, [Kind.INCIDENT, Kind.REQUEST]), required=False
    )
    impact = enum_field("ImpactLevel", choices_of(Impact), default=Impact.LOW)
    urgency = enum_field("ImpactLevel", choices_of(Impact), default=Impact.LOW)
    category = _optional_ref(Category.objects.filter(is_active=True))


class TicketCreateInput(EndUserTicketCreateInput):
    """What an agent may set when raising a ticket; the requester defaults to the agent."""

    agent_only = frozenset()

    kind = enum_field("TicketKind", choices_of(Kind), required=False)
    channel = enum_field("IntakeChannel", choices_of(Channel, INTAKE_CHANNELS), default=Channel.API)
    priority = enum_field("Priority", choices_of(Priority), required=False, allow_null=True)
    priority_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=PRIORITY_REASON_MAX
    )
    subcategory = _optional_ref(Category.objects.filter(is_active=True))
    affected_service = _optional_ref(ConfigurationItem.objects.filter(is_active=True))
    configuration_item = _optional_ref(ConfigurationItem.objects.filter(is_active=True))
    assignment_group = _optional_ref(SupportGroup.objects.all())
    assignee = _optional_ref(User.objects.all())
    requester = _optional_ref(User.objects.all())
    custom_fields = JSONObjectField(required=False, default=dict)
    watchers = serializers.ListField(
        child=_ref(User.objects.filter(is_active=True)), required=False, default=list,
        max_length=100,
    )  # fmt: skip


class TicketUpdateInput(StrictInput):
    """A partial update: only the fields sent change. ``version`` guards against lost updates
    like the If-Match header does."""

    title = serializers.CharField(
        required=False, max_length=Ticket._meta.get_field("title").max_length
    )
    description = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_MAX
    )
    kind = enum_field("TicketKind", choices_of(Kind), required=False)
    state = enum_field("TicketState", choices_of(State), required=False)
    impact = enum_field("ImpactLevel", choices_of(Impact), required=False)
    urgency = enum_field("ImpactLevel", choices_of(Impact), required=False)
    priority = enum_field("Priority", choices_of(Priority), required=False)
    priority_override_reason = serializers.CharField(
        required=False, allow_blank=True, max_length=PRIORITY_REASON_MAX
    )
    category = _optional_ref(Category.objects.filter(is_active=True))
    subcategory = _optional_ref(Category.objects.filter(is_active=True))
    affected_service = _optional_ref(ConfigurationItem.objects.filter(is_active=True))
    configuration_item = _optional_ref(ConfigurationItem.objects.filter(is_active=True))
    assignment_group = _optional_ref(SupportGroup.objects.all())
    assignee = _optional_ref(User.objects.all())
    requester = _ref(User.objects.all(), required=False)
    resolution_code = enum_field(
        "ResolutionCode",
        [("", "None"), *choices_of(ResolutionCode)],
        required=False,
        allow_blank=True,
    )
    resolution_notes = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, max_length=TEXT_MAX
    )
    custom_fields = JSONObjectField(required=False)
    version = serializers.IntegerField(
        required=False, min_value=1, write_only=True,
        help_text="The version you read (the ETag); a stale one is refused with 409.",
    )  # fmt: skip


class ReasonInput(StrictInput):
    reason = serializers.CharField(max_length=TEXT_MAX)


class AcceptInput(StrictInput):
    comment = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=TEXT_MAX
    )


class CountsOutput(serializers.Serializer):
    by = serializers.CharField()
    counts = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Tickets per value. Tickets without a group or category count under ''.",
    )
    total = serializers.IntegerField()
