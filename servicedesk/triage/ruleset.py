"""The active rules, read once per process and kept until one of them changes.

Every new ticket runs through the rules: the check that the kept copy is current is one small
aggregate query, instead of the rules and their conditions each time (as sla.policies does).
Rules change in the admin, which saves the rule with its conditions and so moves its time.
"""

from dataclasses import dataclass

from django.db import connection

from servicedesk.triage.engine import Condition, Facts, conditions_hold
from servicedesk.triage.models import Rule, RuleCondition


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


def _stamp_sql() -> str:
    # Written out once: the ORM's aggregate() costs more CPU to compile (about 1 ms) than the
    # query costs to run, and this runs on every create.
    quote = connection.ops.quote_name
    rule, condition = Rule._meta, RuleCondition._meta
    rules, conditions = quote(rule.db_table), quote(condition.db_table)
    changed = quote(rule.get_field("updated_at").column)
    return (
        f"SELECT COUNT(*), MAX({changed}), (SELECT COUNT(*) FROM {conditions}), "
        f"(SELECT MAX({quote(condition.pk.column)}) FROM {conditions}) FROM {rules}"
    )


def _stamp() -> tuple:
    """What changes when a rule or a condition is added, saved or deleted."""
    with connection.cursor() as cursor:
        cursor.execute(_stamp_sql())
        return tuple(cursor.fetchone())


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
