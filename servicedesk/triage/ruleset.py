"""The active rules, read once per process and kept until one of them changes.

Every new ticket runs through the rules: the check that the kept copy is current is the one
configuration token core.config reads once per request, shared with the priority matrix, the
SLA policies and the rest. Saving or deleting a rule or a condition changes it.
"""

from dataclasses import dataclass

from servicedesk.core import config
from servicedesk.triage.engine import Condition, Facts, conditions_hold
from servicedesk.triage.models import Rule


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule  # with its category, group and agent loaded
    conditions: tuple[Condition, ...]

    def matches(self, facts: Facts) -> bool:
        return conditions_hold(self.conditions, facts)


KEY = "triage.rules"


def forget() -> None:
    """Drop the kept rules (tests do, between databases)."""
    config.drop(KEY)


def active_rules() -> tuple[CompiledRule, ...]:
    """The active rules in order, compiled; read again only after a configuration change
    (core.config: saving or deleting a rule or a condition marks it)."""
    return config.kept(KEY, _load)


def _load() -> tuple[CompiledRule, ...]:
    rules = (
        Rule.objects.filter(is_active=True)
        .select_related("set_category__parent", "set_group", "set_agent")
        .prefetch_related("conditions")
    )
    return tuple(compile_rule(rule, list(rule.conditions.all())) for rule in rules)


def compile_rule(rule: Rule, conditions) -> CompiledRule:
    """``conditions``: RuleCondition rows or anything with field, operator and value."""
    return CompiledRule(
        rule=rule,
        conditions=tuple(Condition(c.field, c.operator, c.value) for c in conditions),
    )
