"""Rules and strategies for tests, saved as an admin would save them."""

from servicedesk.triage.models import GroupRouting, Rule, RuleCondition


def make_rule(name: str, position: int, *conditions: tuple[str, str, str], **actions) -> Rule:
    """``conditions``: (field, operator, value) triples; ``actions``: Rule's set_* fields,
    add_tags, stop, continues."""
    rule = Rule.objects.create(name=name, position=position, **actions)
    for field, operator, value in conditions:
        RuleCondition.objects.create(rule=rule, field=field, operator=operator, value=value)
    return rule


def route(group, strategy: str) -> GroupRouting:
    routing, _ = GroupRouting.objects.update_or_create(group=group, defaults={"strategy": strategy})
    return routing
