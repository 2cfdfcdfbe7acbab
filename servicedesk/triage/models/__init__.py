"""Triage's data: rules, assignment settings, trained model versions (one module each)."""
