"""Keyset (cursor) pagination: every page costs the same, however deep.

The cursor carries the values of every ordering column of the row it stops at, and the next
page is the rows strictly after that tuple. Unlike DRF's CursorPagination (which keys on the
first column and skips ties with an OFFSET) this stays an index range even when the first
column has few distinct values, such as the priority.
"""

import base64
import binascii
import json
from collections import OrderedDict
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

Ordering = tuple[str, ...]


class KeysetPagination(BasePagination):
    """Views may set ``keyset_ordering`` or define ``get_keyset_ordering(request)``.

    Every ordering column must be non-null and the last one unique (the primary key).
    """

    ordering: Ordering = ("-created_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.request = request
        self.base_url = request.build_absolute_uri()
        self.columns = self._ordering(request, view)
        size = self._page_size(request)
        cursor = self._decode(request.query_params.get(self.cursor_query_param), queryset.model)
        backwards = bool(cursor and cursor[1])
        walk = [(name, desc != backwards) for name, desc in self.columns]
        queryset = queryset.order_by(*[f"-{n}" if d else n for n, d in walk])
        if cursor:
            queryset = queryset.filter(_after(walk, cursor[0]))
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        first, last = (rows[0], rows[-1]) if rows else (None, None)
        if backwards:
            self.next_cursor = self._position(last, False) if last is not None else None
            self.previous_cursor = self._position(first, True) if more else None
        else:
            self.next_cursor = self._position(last, False) if more else None
            self.previous_cursor = (
                self._position(first, True) if cursor and first is not None else None
            )
        return rows

    def get_paginated_response(self, data) -> Response:
        return Response(
            OrderedDict(
                [
                    ("next", self._link(self.next_cursor)),
                    ("previous", self._link(self.previous_cursor)),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The cursor from the previous answer's next or previous link.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, at most {self.max_page_size}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size},
            },
        ]

    def _ordering(self, request: Request, view) -> list[tuple[str, bool]]:
        getter = getattr(view, "get_keyset_ordering", None)
        ordering = getter(request) if getter else getattr(view, "keyset_ordering", self.ordering)
        return [(name.lstrip("-"), name.startswith("-")) for name in ordering]

    def _page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Use a whole number from 1 to {self.max_page_size}."
                    ]
                }
            )
        return int(raw)

    def _position(self, row, backwards: bool) -> str:
        values = [_plain(getattr(row, name)) for name, _ in self.columns]
        raw = json.dumps({"v": values, "b": backwards}, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def _decode(self, raw: str | None, model: type[models.Model]) -> tuple[list, bool] | None:
        if not raw:
            return None
        try:
            data = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
            values, backwards = data["v"], data["b"]
            if not isinstance(values, list) or len(values) != len(self.columns):
                raise ValueError("wrong number of values")
            parsed = [
                _parse(model._meta.get_field(name), value)
                for (name, _), value in zip(self.columns, values, strict=True)
            ]
        except (ValueError, TypeError, KeyError, binascii.Error, UnicodeDecodeError):
            raise ValidationError(
                {self.cursor_query_param: ["This cursor is not valid for this list."]}
            ) from None
        return parsed, bool(backwards)

    def _link(self, position: str | None) -> str | None:
        if position is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, position)


def _after(columns: list[tuple[str, bool]], values: list) -> Q:
    """Rows strictly after ``values`` in the order of ``columns`` (a row-value comparison)."""
    condition = Q()
    equal = Q()
    for (name, desc), value in zip(columns, values, strict=True):
        condition |= equal & Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        equal &= Q(**{name: value})
    return condition


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _parse(field: models.Field, value: Any) -> Any:
    if isinstance(field, models.DateTimeField):
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None or parsed.tzinfo is None:
            raise ValueError("not an aware date-time")
        return parsed
    if isinstance(field, models.IntegerField):
        if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2**63:
            raise ValueError("not an integer")
        return value
    if not isinstance(value, str) or "\x00" in value:
        raise ValueError("not a string")
    return value
