"""Triage as the API shows it: a ticket's decisions and suggestions, rules, and rule tests."""

from rest_framework import serializers

from servicedesk.api.serializers.common import Ref, StrictInput, choices_of, enum_field
from servicedesk.triage.choices import ConditionField, Operator, Source
from servicedesk.triage.models.rules import condition_problem
from servicedesk.triage.selectors import TEST_DEFAULT, TEST_MAX


class DecisionOutput(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()
    source = enum_field("TriageSource", [*choices_of(Source), ("matrix", "Priority matrix")])
    detail = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    current = serializers.BooleanField(help_text="False when a later decision replaced it.")


class SuggestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    field = serializers.CharField()
    value = serializers.CharField(help_text="A primary key as text, or a kind.")
    label = serializers.CharField()
    confidence = serializers.FloatField()
    threshold = serializers.FloatField()
    model_version = serializers.IntegerField()


class ExplanationOutput(serializers.Serializer):
    decisions = DecisionOutput(many=True, source="lines")
    suggestions = SuggestionOutput(many=True)


class ConditionIO(StrictInput):
    field = enum_field("RuleConditionField", choices_of(ConditionField))
    operator = enum_field("RuleOperator", choices_of(Operator))
    value = serializers.CharField(
        max_length=500, allow_blank=True, default="", trim_whitespace=False
    )

    def validate(self, attrs):
        problem = condition_problem(attrs["field"], attrs["operator"], attrs["value"])
        if problem:
            raise serializers.ValidationError({"value": [problem]})
        return attrs


class RuleOutput(serializers.Serializer):
    id = serializers.IntegerField()
    position = serializers.IntegerField()
    name = serializers.CharField()
    is_active = serializers.BooleanField()
    stop = serializers.BooleanField()
    continues = serializers.BooleanField(help_text='"continue" in the admin')
    conditions = ConditionIO(many=True, source="conditions.all")
    set_category = Ref(allow_null=True)
    set_kind = serializers.CharField()
    set_impact = serializers.IntegerField(allow_null=True)
    set_urgency = serializers.IntegerField(allow_null=True)
    set_group = Ref(allow_null=True)
    set_agent = Ref(allow_null=True)
    tags = serializers.ListField(child=serializers.CharField())


class RuleTestInput(StrictInput):
    conditions = ConditionIO(many=True, allow_empty=True)
    last = serializers.IntegerField(min_value=1, max_value=TEST_MAX, default=TEST_DEFAULT)


class SavedRuleTestInput(StrictInput):
    last = serializers.IntegerField(min_value=1, max_value=TEST_MAX, default=TEST_DEFAULT)


class RuleTestOutput(serializers.Serializer):
    matched = serializers.IntegerField()
    tested = serializers.IntegerField()
    examples = serializers.ListField(child=serializers.CharField())
    sentence = serializers.CharField()
