"""Triage's data: rules, assignment settings, trained model versions (one module each)."""

from servicedesk.triage.models.learning import FieldModel, ModelVersion, TriageField, Trigger

__all__ = ["FieldModel", "ModelVersion", "TriageField", "Trigger"]
