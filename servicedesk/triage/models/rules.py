"""Ordered keyword and condition rules: when every condition holds, the actions set fields."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from servicedesk.accounts.models import SupportGroup
from servicedesk.tickets.choices import Impact, Kind
from servicedesk.tickets.models import Category
from servicedesk.triage.choices import FLAG_FIELDS, VALUELESS_OPERATORS, ConditionField, Operator


class Rule(models.Model):
    """One rule. Rules are tried by position; the first that sets a field wins it, unless it
    says "continue" (a later rule may set it again); a rule that says "stop" ends the run."""

    position = models.PositiveIntegerField(default=100, help_text="Lower runs first.")
    name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    stop = models.BooleanField(default=False, help_text="When it matches, try no further rules.")
    continues = models.BooleanField(
        "continue",
        default=False,
        help_text="Later rules may set again the fields this one set (else this one wins them).",
    )

    set_category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="category", help_text="A subcategory also sets its parent.",
    )  # fmt: skip
    set_kind = models.CharField("kind", max_length=16, choices=Kind.choices, blank=True)
    set_impact = models.PositiveSmallIntegerField(
        "impact", choices=Impact.choices, null=True, blank=True,
        help_text="Raises the impact to this; never lowers it.",
    )  # fmt: skip
    set_urgency = models.PositiveSmallIntegerField(
        "urgency", choices=Impact.choices, null=True, blank=True,
        help_text="Raises the urgency to this (a VIP, an outage word); never lowers it.",
    )  # fmt: skip
    set_group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="group",
    )  # fmt: skip
    set_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name="agent",
        help_text="Taken only while active, not away and under their cap; else the group's "
        "strategy picks.",
    )  # fmt: skip
    add_tags = models.CharField(
        "tags", max_length=300, blank=True, help_text="Comma-separated; added to the ticket's."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def tags(self) -> list[str]:
        return split_values(self.add_tags)

    def clean(self) -> None:
        if self.set_agent_id and not self.set_agent.is_agent:
            raise ValidationError({"set_agent": f"{self.set_agent} is not an agent."})
        in_group = self.set_group_id and self.set_group.members.filter(pk=self.set_agent_id)
        if self.set_agent_id and self.set_group_id and not in_group.exists():
            raise ValidationError({"set_agent": f"Not a member of {self.set_group}."})


class RuleCondition(models.Model):
    """One condition of a rule; a rule matches when all of its conditions hold."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="conditions")
    field = models.CharField(max_length=24, choices=ConditionField.choices)
    operator = models.CharField(max_length=16, choices=Operator.choices, default=Operator.CONTAINS)
    value = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_field_display()} {self.operator} {self.value}".strip()

    def clean(self) -> None:
        problem = condition_problem(self.field, self.operator, self.value)
        if problem:
            raise ValidationError({"value": problem})


def split_values(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def condition_problem(field: str, operator: str, value: str) -> str:
    """What is wrong with a condition, as one sentence; "" when it can be used."""
    if field not in ConditionField.values:
        return f"Not a field a rule can read: {field!r}."
    if operator not in Operator.values:
        return f"Not an operator: {operator!r}."
    if field in FLAG_FIELDS and operator not in VALUELESS_OPERATORS:
        return '"Requester is a VIP" takes "is set" (a VIP) or "is empty" (not a VIP).'
    if operator in VALUELESS_OPERATORS:
        return ""
    if not value.strip():
        return "This operator needs a value."
    if operator == Operator.MATCHES:
        try:
            re.compile(value)
        except re.error as error:
            return f"Not a regular expression: {error}."
    return ""
