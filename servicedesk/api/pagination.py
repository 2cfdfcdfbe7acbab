"""Keyset (cursor) pagination for the API, over core.keyset: every page costs the same.

The cursor carries the values of every ordering column of the row it stops at, and the next
page is the rows strictly after that tuple. Unlike DRF's CursorPagination (which keys on the
first column and skips ties with an OFFSET) this stays an index range even when the first
column has few distinct values, such as the priority.
"""

from collections import OrderedDict

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from servicedesk.core.errors import ValidationFailed
from servicedesk.core.keyset import SEPARATOR, Keyset, page_size, paginate

Ordering = tuple[str, ...]
# One query parameter carries both the way to walk and where to start: "after~2~17".
DIRECTIONS = ("after", "before")


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
        self.base_url = request.build_absolute_uri()
        getter = getattr(view, "get_keyset_ordering", None)
        ordering = getter(request) if getter else getattr(view, "keyset_ordering", self.ordering)
        raw_size = request.query_params.get(self.page_size_query_param)
        # The API answers a bad query parameter as a validation_error naming that parameter.
        try:
            size = page_size(raw_size, default=self.page_size, maximum=self.max_page_size)
        except ValidationFailed as exc:
            raise ValidationError({self.page_size_query_param: [exc.message]}) from None
        cursor = request.query_params.get(self.cursor_query_param)
        try:
            page = paginate(queryset, Keyset(queryset.model, ordering), **_start(cursor), size=size)
        except ValidationFailed:
            raise ValidationError(
                {self.cursor_query_param: ["This cursor is not valid for this list."]}
            ) from None
        self.next_cursor = _cursor("after", page.next_cursor)
        self.previous_cursor = _cursor("before", page.prev_cursor)
        return page.rows

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

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.base_url, self.cursor_query_param, cursor)


def _start(cursor: str | None) -> dict[str, str]:
    if not cursor:
        return {}
    direction, sep, position = cursor.partition(SEPARATOR)
    if direction not in DIRECTIONS or not sep:
        raise ValidationFailed("Not a cursor.", code="bad_cursor")
    return {direction: position}


def _cursor(direction: str, position: str | None) -> str | None:
    return None if position is None else f"{direction}{SEPARATOR}{position}"
