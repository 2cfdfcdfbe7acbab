"""Checks shared by creating and updating tickets; each failure names the field it is about."""

import math
from datetime import date
from typing import Any

from servicedesk.accounts.models import SupportGroup, User
from servicedesk.core.errors import ValidationFailed
from servicedesk.tickets.choices import (
    Channel,
    CustomFieldType,
    Impact,
    Kind,
    Priority,
    ResolutionCode,
    State,
)
from servicedesk.tickets.models import Category, CustomField

TITLE_MAX = 255
CUSTOM_KEY_MAX = 64
CUSTOM_TEXT_MAX = 2000
CUSTOM_FIELDS_MAX = 100


class Problems:
    """Collects field errors so that one answer names every bad field at once."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first = next(iter(self.fields.items()))
            raise ValidationFailed(f"{first[0]}: {first[1][0]}", fields=self.fields)


def text_problem(value: str) -> str:
    """Why ``value`` cannot be stored as text (every database and JSON encoder takes the rest)."""
    if "\x00" in value:
        return "must not contain NUL characters."
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        return "must not contain lone surrogate characters (invalid Unicode)."
    return ""


def _choice(problems: Problems, field: str, value: Any, choices: type, label: str) -> None:
    if value not in choices.values:
        allowed = ", ".join(str(v) for v in choices.values)
        problems.add(field, f"{value!r} is not a valid {label}; use one of: {allowed}")


def check_fields(problems: Problems, values: dict[str, Any]) -> None:
    """Check every field present in ``values`` on its own and against the others given."""
    if "title" in values:
        title = (values["title"] or "").strip()
        if not title:
            problems.add("title", "A title is required.")
        elif text_problem(title):
            problems.add("title", f"The title {text_problem(title)}")
        elif len(title) > TITLE_MAX:
            problems.add("title", f"A title has at most {TITLE_MAX} characters.")
    for field in ("description", "resolution_notes", "priority_override_reason"):
        if isinstance(values.get(field), str) and text_problem(values[field]):
            problems.add(field, f"The text {text_problem(values[field])}")
    if "kind" in values:
        _choice(problems, "kind", values["kind"], Kind, "kind")
    if "channel" in values:
        _choice(problems, "channel", values["channel"], Channel, "channel")
    if "state" in values:
        _choice(problems, "state", values["state"], State, "state")
    for field in ("impact", "urgency"):
        if field in values:
            _choice(problems, field, values[field], Impact, f"{field} (1 high, 2 medium, 3 low)")
    if values.get("priority") is not None:
        _choice(problems, "priority", values["priority"], Priority, "priority (1 to 4)")
    if values.get("resolution_code"):
        _choice(
            problems,
            "resolution_code",
            values["resolution_code"],
            ResolutionCode,
            "resolution code",
        )

    category: Category | None = values.get("category")
    subcategory: Category | None = values.get("subcategory")
    if category is not None and category.parent_id is not None:
        problems.add("category", f"{category} is a subcategory; choose its parent as category.")
    if subcategory is not None and (category is None or subcategory.parent_id != category.pk):
        problems.add(
            "subcategory",
            f"{subcategory.name} is not a subcategory of {category or 'no category'}.",
        )

    requester: User | None = values.get("requester")
    if "requester" in values and (requester is None or not requester.is_active):
        problems.add("requester", "The requester must be an active user.")

    assignee: User | None = values.get("assignee")
    group: SupportGroup | None = values.get("assignment_group")
    if assignee is not None:
        if not assignee.is_active or not assignee.is_agent:
            problems.add("assignee", f"{assignee} is not an active agent.")
        elif group is not None and not group.members.filter(pk=assignee.pk).exists():
            problems.add("assignee", f"{assignee} is not a member of {group}.")
    if group is not None and not group.is_active:
        problems.add("assignment_group", f"{group} is not active.")


def _custom_value_problem(definition: CustomField | None, value: Any) -> str:
    """Why ``value`` does not fit the field, or "" when it does."""
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number."
    if isinstance(value, str) and text_problem(value):
        return text_problem(value)
    if definition is None:
        if isinstance(value, str) and len(value) > CUSTOM_TEXT_MAX:
            return f"has at most {CUSTOM_TEXT_MAX} characters."
        if not isinstance(value, str | int | float | bool):
            return "must be text, a number or true/false."
        return ""
    kind = definition.type
    if kind == CustomFieldType.TEXT:
        if not isinstance(value, str):
            return "must be text."
        if len(value) > CUSTOM_TEXT_MAX:
            return f"has at most {CUSTOM_TEXT_MAX} characters."
    elif kind == CustomFieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return "must be a number."
    elif kind == CustomFieldType.BOOLEAN:
        if not isinstance(value, bool):
            return "must be true or false."
    elif kind == CustomFieldType.DATE:
        try:
            date.fromisoformat(value if isinstance(value, str) else "")
        except ValueError:
            return "must be a date as YYYY-MM-DD."
    elif kind == CustomFieldType.CHOICE and value not in definition.choices:
        return f"must be one of: {', '.join(definition.choices)}."
    return ""


def check_custom_fields(problems: Problems, values: Any, *, kind: str) -> None:
    """Check custom field values against the admins' definitions (``None`` clears a value)."""
    if not isinstance(values, dict):
        problems.add("custom_fields", "Custom fields are an object of names and values.")
        return
    if len(values) > CUSTOM_FIELDS_MAX:
        problems.add("custom_fields", f"At most {CUSTOM_FIELDS_MAX} custom fields.")
        return
    names_ok = True
    for key in values:
        if not isinstance(key, str) or not key.strip() or len(key) > CUSTOM_KEY_MAX:
            problems.add("custom_fields", f"Field names are 1 to {CUSTOM_KEY_MAX} characters.")
            names_ok = False
        elif text_problem(key) or not key.isprintable():
            problems.add("custom_fields", "Field names must be printable text.")
            names_ok = False
    if not names_ok:
        return
    defined = CustomField.objects.filter(key__in=list(values), is_active=True)
    definitions = {f.key: f for f in defined}
    for key, value in values.items():
        definition = definitions.get(key)
        if definition is not None and definition.kinds and kind not in definition.kinds:
            problems.add(
                f"custom_fields.{key}", f"{definition.label} does not apply to this kind of ticket."
            )
            continue
        if value is None:
            continue
        problem = _custom_value_problem(definition, value)
        if problem:
            label = definition.label if definition else key
            problems.add(f"custom_fields.{key}", f"{label} {problem}")
