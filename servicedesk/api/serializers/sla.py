"""Business calendars, SLA policies and the business-time arithmetic as the API shows them.

Calendar input is checked here by type only; ``sla.configuration`` applies the calendar rules
(the same ``BusinessCalendar.clean`` as the admin site) and puts each message under its field.
"""

import math
from datetime import datetime, timedelta

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.models import SupportGroup
from servicedesk.api.serializers.common import IdRef, StrictInput, choices_of, enum_field
from servicedesk.sla.calc import read_instant
from servicedesk.sla.choices import Action, Metric
from servicedesk.sla.durations import parse_duration
from servicedesk.sla.models import (
    HOLIDAYS_HELP,
    HOURS_HELP,
    BusinessCalendar,
    EscalationTarget,
    SLAAction,
    SLAPolicy,
)
from servicedesk.tickets.choices import Channel, Kind, Priority, State

PAUSES_MAX = 1000
INTERVALS = {"type": "array", "items": {"type": "array", "items": {"type": "string"}}}
HOURS_SCHEMA = {
    "type": "object",
    "additionalProperties": INTERVALS,
    "example": {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], "sat": []},
}
HOLIDAYS_SCHEMA = {
    "type": "array",
    "items": {
        "oneOf": [
            {"type": "string", "format": "date"},
            {
                "type": "object",
                "properties": {"date": {"type": "string", "format": "date"}, "hours": INTERVALS},
                "required": ["date"],
            },
        ]
    },
    "example": ["2026-12-25", {"date": "2026-12-24", "hours": [["09:00", "12:00"]]}],
}


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


@extend_schema_field(HOURS_SCHEMA)
class HoursField(serializers.JSONField):
    pass


@extend_schema_field(HOLIDAYS_SCHEMA)
class HolidaysField(serializers.JSONField):
    pass


class CalendarOutput(serializers.ModelSerializer):
    hours = HoursField(read_only=True)
    holidays = HolidaysField(read_only=True)

    class Meta:
        model = BusinessCalendar
        fields = [
            "id", "name", "timezone", "always_open", "hours", "holidays", "country",
            "subdivision", "is_default", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class CalendarInput(StrictInput):
    """A calendar as sent; on a partial update only the fields sent change."""

    name = serializers.CharField(max_length=100)
    timezone = serializers.CharField(
        max_length=64, required=False, help_text="An IANA zone name such as Europe/Berlin (UTC)."
    )
    always_open = serializers.BooleanField(
        required=False, help_text="24x7: every hour of every day; `hours` is then ignored."
    )
    hours = HoursField(required=False, help_text=HOURS_HELP)
    holidays = HolidaysField(required=False, help_text=HOLIDAYS_HELP)
    country = serializers.CharField(
        max_length=3, required=False, allow_blank=True,
        help_text="Public holidays of this country, an ISO code such as DE.",
    )  # fmt: skip
    subdivision = serializers.CharField(
        max_length=10, required=False, allow_blank=True,
        help_text="And of this state or region, such as BY (needs the country).",
    )  # fmt: skip
    is_default = serializers.BooleanField(
        required=False, help_text="Used where no policy, organisation or group names a calendar."
    )

    def validate_country(self, value: str) -> str:
        return value.upper()


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string", "example": "8h30m"},
            {"type": "number", "minimum": 0, "example": 30600},
        ],
        "description": "Business time: 8h30m, 45m, 90s, PT8H30M, or a number of seconds.",
    }
)
class TargetField(serializers.Field):
    """A duration as ``servicedesk sla-calc --target`` reads it, or a number of seconds."""

    def to_internal_value(self, data) -> timedelta:
        if isinstance(data, str):
            try:
                return parse_duration(data)
            except ValueError as error:
                raise serializers.ValidationError(_sentence(str(error))) from None
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise serializers.ValidationError(
                "Give a duration such as 8h30m or a number of seconds."
            )
        if not math.isfinite(data):
            raise serializers.ValidationError("Numbers must be finite.")
        if data < 0:
            raise serializers.ValidationError("A target is zero or more seconds, not negative.")
        try:
            return timedelta(seconds=data)
        except OverflowError:
            raise serializers.ValidationError(
                "The target is longer than any calendar can reach."
            ) from None

    def to_representation(self, value):
        return value


INSTANT_HELP = "ISO 8601; without an offset, the calendar's local time."


class InstantField(serializers.CharField):
    """ISO 8601 text; a number is refused rather than read as a date (20260327 would be)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 64)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError("Give the time as ISO 8601 text.")
        return super().to_internal_value(data)


PAUSES_HELP = (
    "Spans in which the clock stands still: [[start, end], ...], ISO 8601 as the start; "
    "an end of null is a pause still open (the clock is paused now)."
)


class _ArithmeticInput(StrictInput):
    # Times are read in the calendar's zone, which the view passes as context["zone"].

    pauses = serializers.ListField(
        child=serializers.ListField(
            child=InstantField(allow_null=True),
            min_length=2, max_length=2,
        ),
        required=False, max_length=PAUSES_MAX, help_text=PAUSES_HELP,
    )  # fmt: skip

    def _instant(self, text: str) -> datetime:
        try:
            return read_instant(text, zone=self.context["zone"])
        except ValueError as error:
            raise serializers.ValidationError(_sentence(str(error))) from None

    def validate_start(self, value: str) -> datetime:
        return self._instant(value)

    def validate_pauses(self, value: list) -> list[tuple[datetime, datetime | None]]:
        pauses, errors = [], {}
        for index, (begin, end) in enumerate(value):
            try:
                if begin is None:
                    raise serializers.ValidationError("A pause needs its start.")
                start = self._instant(begin)
                stop = None if end is None else self._instant(end)
                if stop is not None and stop < start:
                    raise serializers.ValidationError(
                        f"The pause ends ({end}) before it starts ({begin})."
                    )
            except serializers.ValidationError as error:
                errors[index] = error.detail
            else:
                pauses.append((start, stop))
        if errors:
            raise serializers.ValidationError(errors)
        return pauses


class DueInput(_ArithmeticInput):
    """When ``target`` of business time from ``start``, less pauses, is used up."""

    start = InstantField(help_text=INSTANT_HELP)
    target = TargetField()


class ElapsedInput(_ArithmeticInput):
    """How much business time lies between ``start`` and ``until``, less pauses."""

    start = InstantField(help_text=INSTANT_HELP)
    until = InstantField(help_text=INSTANT_HELP)

    def validate_until(self, value: str) -> datetime:
        return self._instant(value)


class DueOutput(serializers.Serializer):
    due = serializers.DateTimeField(
        allow_null=True, help_text="In UTC, e.g. 2026-03-30T14:30:00Z; null while a pause is open."
    )
    due_local = serializers.DateTimeField(
        allow_null=True, help_text="The same instant in the calendar's zone."
    )


class ElapsedOutput(serializers.Serializer):
    elapsed_seconds = serializers.FloatField(
        help_text="Business time less pauses; whole seconds are an integer."
    )


class TargetOutput(serializers.Serializer):
    metric = enum_field("SlaMetric", choices_of(Metric), read_only=True)
    priority = enum_field("Priority", choices_of(Priority), read_only=True)
    duration_seconds = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_duration_seconds(self, target) -> int | float:
        seconds = target.duration / timedelta(seconds=1)
        return int(seconds) if seconds.is_integer() else seconds


class ActionOutput(serializers.ModelSerializer):
    threshold = serializers.IntegerField(
        read_only=True, help_text="Percent of the target: a warning, or 100 for the breach."
    )
    metric = serializers.CharField(read_only=True, help_text="Empty: every metric.")
    action = enum_field("SlaAction", choices_of(Action), read_only=True)
    group = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The group to reassign to."
    )

    class Meta:
        model = SLAAction
        fields = ["threshold", "metric", "action", "group"]
        read_only_fields = fields


class ConditionsOutput(serializers.ModelSerializer):
    """What a ticket must have for the policy to apply; an empty list matches everything."""

    kinds = serializers.ListField(child=enum_field("TicketKind", choices_of(Kind)), read_only=True)
    priorities = serializers.ListField(
        child=enum_field("Priority", choices_of(Priority)), read_only=True
    )
    channels = serializers.ListField(
        child=enum_field("Channel", choices_of(Channel)), read_only=True
    )
    categories = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    organisations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    services = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Affected services (configuration items)."
    )

    class Meta:
        model = SLAPolicy
        fields = ["kinds", "priorities", "channels", "categories", "organisations", "services"]
        read_only_fields = fields


class PolicyOutput(serializers.ModelSerializer):
    conditions = ConditionsOutput(source="*", read_only=True)
    calendar = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True,
        help_text="Null: the organisation's calendar, else the default one.",
    )  # fmt: skip
    internal_group = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="Set for an internal (OLA) policy of a group."
    )
    pause_states = serializers.ListField(
        child=enum_field("TicketState", choices_of(State)), read_only=True
    )
    warnings = serializers.ListField(
        child=serializers.IntegerField(), read_only=True, help_text="Percent of a target."
    )
    targets = TargetOutput(many=True, read_only=True)
    actions = ActionOutput(many=True, read_only=True)

    class Meta:
        model = SLAPolicy
        fields = [
            "id", "name", "order", "is_active", "conditions", "calendar", "internal_group",
            "pause_states", "warnings", "targets", "actions",
        ]  # fmt: skip
        read_only_fields = fields


class TieredGroup(serializers.ModelSerializer):
    tier = enum_field("Tier", choices_of(Tier), read_only=True)

    class Meta:
        model = SupportGroup
        fields = ["id", "name", "tier", "is_active"]
        read_only_fields = fields


class EscalationTargetOutput(serializers.ModelSerializer):
    group = TieredGroup(read_only=True)
    escalate_to = TieredGroup(read_only=True)

    class Meta:
        model = EscalationTarget
        fields = ["id", "group", "escalate_to"]
        read_only_fields = fields


class EscalationTargetInput(StrictInput):
    """Where a group's tickets go on "escalate to the next tier"; groups by id."""

    group = IdRef(queryset=SupportGroup.objects.all(), help_text="Escalating from.")
    escalate_to = IdRef(
        queryset=SupportGroup.objects.filter(is_active=True),
        help_text="Escalating to: an active group of a higher tier.",
    )


class EscalationTargetChange(StrictInput):
    escalate_to = IdRef(
        queryset=SupportGroup.objects.filter(is_active=True),
        help_text="Escalating to: an active group of a higher tier.",
    )
