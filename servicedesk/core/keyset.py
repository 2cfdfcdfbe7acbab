"""Keyset pagination: a page is the rows strictly after (or before) where the last one ended.

No OFFSET and no COUNT, so page 200 costs what page 1 costs: the database walks an index from
the cursor. An ordering is any list of non-null columns ending in a unique one, such as
``("-created_at", "-id")``, so that every row has exactly one place in it. A cursor is the values
of those columns in one row, joined by ``~``; each value is checked against its column's type
before it gets near a query, and anything else is a ``bad_cursor`` error. A column may also be an
annotation the queryset carries, named with its output field (``annotations``).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar
from urllib.parse import unquote

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime

from servicedesk.core.errors import ValidationFailed

Row = TypeVar("Row", bound=models.Model)
SEPARATOR = "~"
BAD_CURSOR = "This page link is broken; start again from the first page."
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_BIGINT = 2**63  # what every database we run on can compare an integer column with


@dataclass(frozen=True)
class Column:
    name: str  # the attname: foreign keys are paged by their id, not by the related row
    descending: bool
    field: models.Field


@dataclass(frozen=True)
class Page(Generic[Row]):
    rows: list[Row]
    next_cursor: str | None  # None on the last page
    prev_cursor: str | None  # None on the first page


class Keyset:
    """An ordering of ``model`` that pages can be walked along, in both directions."""

    def __init__(
        self,
        model: type[models.Model],
        ordering: Sequence[str],
        annotations: Mapping[str, models.Field] | None = None,
    ):
        """``annotations``: columns the queryset annotates, by name, with their output fields;
        the queryset must give each a non-null value in every row."""
        if not ordering:
            raise ImproperlyConfigured("A keyset ordering needs at least one column.")
        self.model = model
        self.columns = tuple(_column(model, name, annotations or {}) for name in ordering)
        if not self.columns[-1].field.unique:
            raise ImproperlyConfigured(
                f"The keyset ordering {tuple(ordering)} must end in a unique column, "
                "or rows that tie would be skipped or shown twice."
            )

    def order_by(self, *, backwards: bool = False) -> list[str]:
        return [f"-{c.name}" if c.descending != backwards else c.name for c in self.columns]

    def beyond(self, values: Sequence[Any], *, backwards: bool = False) -> Q:
        """Rows strictly after ``values`` in the walk's direction.

        The row comparison ``(a, b) > (x, y)`` is spelled ``a > x OR (a = x AND b > y)`` so that
        columns may run in opposite directions. The redundant ``a >= x`` in front is what lets
        the database read an index range on the leading column instead of scanning from its start.
        """
        after, same = Q(), Q()
        for column, value in zip(self.columns, values, strict=True):
            op = "lt" if column.descending != backwards else "gt"
            after |= same & Q(**{f"{column.name}__{op}": value})
            same &= Q(**{column.name: value})
        if len(self.columns) == 1:
            return after
        lead = self.columns[0]
        op = "lte" if lead.descending != backwards else "gte"
        return Q(**{f"{lead.name}__{op}": values[0]}) & after

    def encode(self, row: models.Model) -> str:
        return SEPARATOR.join(_text(getattr(row, c.name)) for c in self.columns)

    def decode(self, cursor: str) -> tuple[Any, ...]:
        parts = cursor.split(SEPARATOR)
        try:
            if len(parts) != len(self.columns):
                raise ValueError("not one value per column")
            return tuple(_value(c.field, text) for c, text in zip(self.columns, parts, strict=True))
        except (ValueError, TypeError, OverflowError, ValidationError):
            raise ValidationFailed(BAD_CURSOR, code="bad_cursor") from None


def paginate(
    queryset: QuerySet[Row],
    keyset: Keyset,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int,
) -> Page[Row]:
    """The first ``size`` rows of ``queryset``, or those right after or before a cursor.

    One query of ``size + 1`` rows: the extra one tells whether the walk goes on. A backwards
    page is read in the reverse order, from the cursor outwards, and then turned round.
    """
    if size < 1:
        raise ValueError("A page holds at least one row.")
    if after is not None and before is not None:
        raise ValidationFailed(
            "A page link cannot go both forward and back; start again from the first page.",
            code="bad_cursor",
        )
    backwards = before is not None
    cursor = before if backwards else after
    queryset = queryset.order_by(*keyset.order_by(backwards=backwards))
    if cursor is not None:
        queryset = queryset.filter(keyset.beyond(keyset.decode(cursor), backwards=backwards))
    found = list(queryset[: size + 1])
    rows, more = found[:size], len(found) > size
    if not rows:
        return Page(rows=[], next_cursor=None, prev_cursor=None)
    if backwards:
        rows.reverse()
    # Coming from a cursor there is a page on the side we came from; the extra row tells
    # whether there is one on the side we are walking to.
    has_next = more or backwards
    has_prev = more if backwards else cursor is not None
    return Page(
        rows=rows,
        next_cursor=keyset.encode(rows[-1]) if has_next else None,
        prev_cursor=keyset.encode(rows[0]) if has_prev else None,
    )


def page_size(raw: str | None, *, default: int, maximum: int) -> int:
    """A requested page size: ``default`` when absent, else a whole number from 1 to ``maximum``."""
    if raw is None:
        return default
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= maximum:
        raise ValidationFailed(f"Use a whole number from 1 to {maximum}.", code="bad_page_size")
    return int(raw)


def _column(model: type[models.Model], name: str, annotated: Mapping[str, models.Field]) -> Column:
    key = name.removeprefix("-")
    if key in annotated:
        return Column(name=key, descending=name.startswith("-"), field=annotated[key])
    try:
        field = model._meta.pk if key == "pk" else model._meta.get_field(key)
    except FieldDoesNotExist:
        raise ImproperlyConfigured(f"{model.__name__} has no column {key!r} to page by.") from None
    if not getattr(field, "concrete", False) or field.many_to_many or field.null:
        # NULLs sort first or last depending on the database, and compare as unknown.
        raise ImproperlyConfigured(f"{model.__name__}.{key} is not a non-null column to page by.")
    return Column(name=field.attname, descending=name.startswith("-"), field=field)


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        # One spelling of a moment, without a "+" that would need escaping in a URL.
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return value.replace("%", "%25").replace(SEPARATOR, "%7E")
    return str(value)


def _value(field: models.Field, text: str) -> Any:
    if field.is_relation:
        field = field.target_field
    if isinstance(field, models.DateTimeField):
        moment = parse_datetime(text)
        if moment is None or moment.tzinfo is None:
            raise ValueError("not a date-time with a time zone")
        return moment.astimezone(UTC)  # OverflowError near the ends of the calendar
    if isinstance(field, models.IntegerField):
        if not _INTEGER.fullmatch(text) or not -_BIGINT <= int(text) < _BIGINT:
            raise ValueError("not an integer")
        return int(text)
    if isinstance(field, models.CharField | models.TextField):
        value = unquote(text, errors="strict")
        if "\x00" in value:
            raise ValueError("PostgreSQL refuses NUL in text")
        return value
    value = field.to_python(text)
    if value is None:
        raise ValueError("empty")
    return value
