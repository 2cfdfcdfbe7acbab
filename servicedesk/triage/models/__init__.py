"""Triage's data: rules, assignment settings, explanations, trained model versions."""

from servicedesk.triage.models.assignment import GroupRouting
from servicedesk.triage.models.explanations import Decision, Suggestion
from servicedesk.triage.models.learning import FieldModel, ModelVersion, TriageField, Trigger
from servicedesk.triage.models.rules import Rule, RuleCondition

__all__ = [
    "Decision", "FieldModel", "GroupRouting", "ModelVersion", "Rule", "RuleCondition",
    "Suggestion", "TriageField", "Trigger",
]  # fmt: skip
