"""Keyset pagination for ticket lists: a page starts after (or before) a row's sort key and id.

No OFFSET and no COUNT: page 200 reads what page 1 reads, a page's worth of index entries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.db.models import Q, QuerySet

from servicedesk.tickets.filters import ORDERING
from servicedesk.tickets.models import Ticket

DEFAULT_SORT = "-updated"
PAGE_SIZE = 50
# Sorts offered as column headers; ORDERING (shared with the API) names their columns.
SORT_KEYS = ("number", "priority", "created", "updated")


class PageError(ValueError):
    """A sort or page link that cannot be read; the message is shown to the agent."""


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def column(self) -> str:
        return ORDERING[self.key][0]

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    def toggled(self, key: str) -> str:
        """The sort parameter a column header links to: flip this column, or start another."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        # Priority starts with the most urgent (1); the others with the newest.
        return key if key == "priority" else f"-{key}"


def parse_sort(value: str) -> Sort:
    value = (value or DEFAULT_SORT).strip()
    key = value.removeprefix("-")
    if key not in SORT_KEYS:
        raise PageError(f"Cannot sort by {key!r}; use one of: {', '.join(SORT_KEYS)}.")
    return Sort(key=key, descending=value.startswith("-"))


def _encode(sort: Sort, row: Ticket) -> str:
    value = getattr(row, sort.column)
    text = value.isoformat() if isinstance(value, datetime) else str(value)
    return f"{text}~{row.pk}"


def _decode(sort: Sort, cursor: str) -> tuple[object, int]:
    invalid = PageError("That page link is not valid any more; start again from the first page.")
    text, sep, pk = cursor.rpartition("~")
    if not sep or not pk.isdigit():
        raise invalid
    field = Ticket._meta.get_field(sort.column)
    try:
        if isinstance(field, models.DateTimeField):
            value: object = datetime.fromisoformat(text)
            if value.tzinfo is None:
                raise ValueError("naive")
        elif isinstance(field, models.IntegerField):
            value = int(text)
        else:
            value = text
    except ValueError:
        raise invalid from None
    return value, int(pk)


def _beyond(sort: Sort, cursor: str, *, forward: bool) -> Q:
    """Rows strictly after (forward) or before the cursor in the sort order."""
    value, pk = _decode(sort, cursor)
    lt = sort.descending == forward
    op, op_eq = ("lt", "lte") if lt else ("gt", "gte")
    col = sort.column
    # The leading range on the sort column lets the database walk its index from the cursor.
    return Q(**{f"{col}__{op_eq}": value}) & (Q(**{f"{col}__{op}": value}) | Q(**{f"pk__{op}": pk}))


def _order(sort: Sort, *, reverse: bool) -> list[str]:
    desc = sort.descending != reverse
    sign = "-" if desc else ""
    return [f"{sign}{sort.column}", f"{sign}id"]


@dataclass(frozen=True)
class Page:
    rows: list[Ticket]
    next_cursor: str | None
    prev_cursor: str | None


def paginate(
    qs: QuerySet[Ticket], *, sort: Sort, after: str = "", before: str = "", size: int = 0
) -> Page:
    size = size or PAGE_SIZE
    if after and before:
        raise PageError("A page link cannot go both forward and back; start again.")
    if before:
        found = list(
            qs.filter(_beyond(sort, before, forward=False)).order_by(*_order(sort, reverse=True))[
                : size + 1
            ]
        )
        rows = list(reversed(found[:size]))
        if not rows:
            return Page(rows=[], next_cursor=None, prev_cursor=None)
        return Page(
            rows=rows,
            next_cursor=_encode(sort, rows[-1]),
            prev_cursor=_encode(sort, rows[0]) if len(found) > size else None,
        )
    if after:
        qs = qs.filter(_beyond(sort, after, forward=True))
    found = list(qs.order_by(*_order(sort, reverse=False))[: size + 1])
    rows = found[:size]
    if not rows:
        return Page(rows=[], next_cursor=None, prev_cursor=None)
    return Page(
        rows=rows,
        next_cursor=_encode(sort, rows[-1]) if len(found) > size else None,
        prev_cursor=_encode(sort, rows[0]) if after else None,
    )
