"""Pieces shared by the API's serializers."""

import copy
import math
from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import Choices
from rest_framework import serializers

JSON_DEPTH_MAX = 20


class Ref(serializers.Serializer):
    """A related record as output shows it; input names it by ``id``."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


ID_MAX = 2**63 - 1


class IdRef(serializers.PrimaryKeyRelatedField):
    """A related record named by its integer id; anything else is refused before any query."""

    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": "Give the id as a whole number, not {data_type}.",
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and data.isascii() and data.strip().isdigit():
            data = int(data)
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if not 1 <= data <= ID_MAX:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)


class StrictInput(serializers.Serializer):
    """Input that refuses fields it does not know instead of silently dropping them."""

    # Fields that exist for agents; an end user sending one is told why it is refused.
    agent_only: frozenset[str] = frozenset()

    def get_fields(self):
        # DRF deep-copies every declared field for each serializer, which builds choices,
        # querysets and validators again: most of the CPU of checking a request. A shallow copy
        # still gives each serializer its own bound fields; they share only what a field never
        # changes once made (choices, validators, and querysets, which are cloned before use).
        return {name: _copy_field(field) for name, field in self._declared_fields.items()}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {
                str(name): [
                    "Only agents can set this field."
                    if name in self.agent_only
                    else "Unknown field."
                ]
                for name in data
                if name not in writable
            }
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


def _copy_field(field: serializers.Field) -> serializers.Field:
    if isinstance(field, serializers.BaseSerializer | serializers.ManyRelatedField):
        return copy.deepcopy(field)
    copied = copy.copy(field)
    if isinstance(getattr(field, "child", None), serializers.Field):
        # A list's or dict's item field is bound to its parent: to this copy, not the original
        # (everything else bind() set is the same for both).
        copied.child = _copy_field(field.child)
        copied.child.parent = copied
    return copied


def _check_json(value: Any, depth: int = 0) -> None:
    if depth > JSON_DEPTH_MAX:
        raise serializers.ValidationError(f"Nested more than {JSON_DEPTH_MAX} levels deep.")
    if isinstance(value, float) and not math.isfinite(value):
        raise serializers.ValidationError("Numbers must be finite.")
    if isinstance(value, Mapping):
        for item in value.values():
            _check_json(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json(item, depth + 1)


class JSONObjectField(serializers.DictField):
    """A JSON object of plain values that every database and the renderer can store."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        _check_json(data)
        return data


class EnumField(serializers.ChoiceField):
    """A choice field that the schema documents as a named enum of its own (``schema.py``).

    Named by us, because several choice sets share a field name (the kind of a ticket, of a
    link, of an event) and the generated names would collide.
    """

    def __init__(self, *, enum_name: str, **kwargs):
        self.enum_name = enum_name
        super().__init__(**kwargs)


def enum_field(enum_name: str, choices: list[tuple[Any, str]], **kwargs) -> EnumField:
    return EnumField(enum_name=enum_name, choices=choices, **kwargs)


def choices_of(enum: type[Choices], only: Iterable | None = None) -> list[tuple[Any, str]]:
    allowed = None if only is None else set(only)
    return [(value, label) for value, label in enum.choices if allowed is None or value in allowed]
