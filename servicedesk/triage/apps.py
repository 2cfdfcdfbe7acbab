"""Triage: keyword and condition rules, the classifier trained on the desk's history, assignment."""

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "servicedesk.triage"
    label = "triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from servicedesk.tickets.observers import on_intake, on_intake_ahead
        from servicedesk.triage.pipeline import ticket_triage, triage_ahead

        # Models are loaded only now: the pipeline imports them (docs/decisions/0006).
        on_intake_ahead(triage_ahead)  # the model's predictions, before the lock (0008)
        on_intake(ticket_triage)
        from servicedesk.core.config import watch
        from servicedesk.triage.models import GroupRouting, Rule, RuleCondition

        # What every create reads and keeps per process (triage.ruleset, core.config).
        watch(Rule, RuleCondition, GroupRouting)
