"""Triage in the admin site: rules and group strategies, what triage decided, model versions."""

from servicedesk.triage.admin import learning, rules  # noqa: F401  (each registers its models)
