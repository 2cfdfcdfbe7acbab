"""The active rules, read once per process and kept until one of them changes.

Every new ticket runs through the rules: the check that the kept copy is current is one small
aggregate query, instead of the rules and their conditions each time (as sla.policies does).
Rules change in the admin, which saves the rule with its conditions and so moves its time.
"""

from dataclasses import dataclass

from django.db.models import Count, Max

from servicedesk.triage.engine import Condition, Facts, conditions_hold
from servicedesk.triage.models import Rule


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule  # with its category, group and agent loaded
    conditions: tuple[Condition, ...]

    def matches(self, facts: Facts) -> bool:
        return conditions_hold(self.conditions, facts)


_kept: dict[str, object] = {"stamp": None, "rules": ()}


def forget() -> None:
    """Drop the kept rules (tests do, between databases)."""
    _kept.update(stamp=None, rules=())


def _stamp() -> tuple:
    found = Rule.objects.aggregate(
        n=Count("id", distinct=True),
        changed=Max("updated_at"),
        n_conditions=Count("conditions"),
        last_condition=Max("conditions__id"),
    )
    return tuple(found.values())


def active_rules() -> tuple[CompiledRule, ...]:
    """The active rules in order, compiled."""
    stamp = _stamp()
    if stamp != _kept["stamp"]:
        rules = (
            Rule.objects.filter(is_active=True)
            .select_related("set_category__parent", "set_group", "set_agent")
            .prefetch_related("conditions")
        )
        _kept["rules"] = tuple(compile_rule(rule, list(rule.conditions.all())) for rule in rules)
        _kept["stamp"] = stamp
    return _kept["rules"]  # type: ignore[return-value]


def compile_rule(rule: Rule, conditions) -> CompiledRule:
    """``conditions``: RuleCondition rows or anything with field, operator and value."""
    return CompiledRule(
        rule=rule,
        conditions=tuple(Condition(c.field, c.operator, c.value) for c in conditions),
    )
