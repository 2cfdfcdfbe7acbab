"""Rule conditions, read against the facts of a ticket: pure, no queries once built.

The same facts come from a ticket about to be written (the intake pipeline) and from stored
tickets ("test this rule"), so a rule tested on the last 1,000 tickets reads them as it would
read a new one.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from servicedesk.triage.choices import ConditionField, Operator
from servicedesk.triage.models.rules import split_values


class Facts:
    """What conditions read about one ticket. ``category`` and ``group`` follow the decisions
    made so far, so a later rule sees what an earlier one set ("group is empty")."""

    def __init__(self, values: dict[str, Any]):
        self.values = values  # Ticket's field names: requester, category, assignment_group, ...

    @cached_property
    def requester_email(self) -> str:
        return (self.values["requester"].email or "").lower()

    @cached_property
    def organisation(self) -> str:
        organisation = self.values["requester"].organisation
        return organisation.name if organisation else ""

    def read(self, name: str) -> Any:
        """The condition field's value: text, a set of texts, or a flag."""
        v = self.values
        requester = v["requester"]
        if name == ConditionField.TITLE:
            return v["title"] or ""
        if name == ConditionField.DESCRIPTION:
            return v["description"] or ""
        if name == ConditionField.TEXT:
            return f"{v['title'] or ''}\n{v['description'] or ''}"
        if name == ConditionField.CHANNEL:
            return v["channel"]
        if name == ConditionField.KIND:
            return v["kind"]
        if name == ConditionField.REQUESTER:
            return {requester.username.lower(), self.requester_email} - {""}
        if name == ConditionField.ORGANISATION:
            return self.organisation
        if name == ConditionField.SENDER:
            address = self.requester_email
            return {address, address.rpartition("@")[2]} - {""}
        if name == ConditionField.LOCATION:
            return requester.location
        if name == ConditionField.VIP:
            return requester.is_vip
        if name == ConditionField.AFFECTED_SERVICE:
            service = v["affected_service"]
            return service.name if service else ""
        if name == ConditionField.CATEGORY:
            category, subcategory = v["category"], v["subcategory"]
            names = {c.name for c in (category, subcategory) if c}
            if subcategory is not None:
                names.add(str(subcategory))
            return names
        if name == ConditionField.GROUP:
            group = v["assignment_group"]
            return group.name if group else ""
        raise ValueError(f"unknown condition field {name!r}")


def _words(values: list[str]) -> re.Pattern:
    # Whole words or phrases: "outage" matches "Outage in Berlin", not "outages" or "timeout".
    alternatives = "|".join(re.escape(value) for value in values)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


@dataclass(frozen=True)
class Condition:
    """One condition, compiled: its values folded to lower case, its pattern built once."""

    field: str
    operator: str
    value: str
    values: frozenset[str] = field(init=False)
    pattern: re.Pattern | None = field(init=False)

    def __post_init__(self) -> None:
        listed = split_values(self.value)
        if self.field == ConditionField.SENDER:
            listed = [v.lstrip("@") for v in listed]
        object.__setattr__(self, "values", frozenset(v.lower() for v in listed))
        pattern = None
        if self.operator in (Operator.CONTAINS, Operator.NOT_CONTAINS) and listed:
            pattern = _words(listed)
        elif self.operator == Operator.MATCHES:
            pattern = re.compile(self.value, re.IGNORECASE)
        object.__setattr__(self, "pattern", pattern)

    def holds(self, facts: Facts) -> bool:
        value = facts.read(self.field)
        op = self.operator
        if op == Operator.IS_EMPTY:
            return not value
        if op == Operator.IS_SET:
            return bool(value)
        texts = {v.lower() for v in value} if isinstance(value, set) else {str(value).lower()}
        if op == Operator.IS:
            return bool(texts & self.values)
        if op == Operator.IS_NOT:
            return not texts & self.values
        assert self.pattern is not None
        found = any(self.pattern.search(text) for text in texts)
        return not found if op == Operator.NOT_CONTAINS else found


def conditions_hold(conditions: tuple[Condition, ...], facts: Facts) -> bool:
    """All conditions hold (a rule without conditions matches every ticket)."""
    return all(condition.holds(facts) for condition in conditions)
