"""Desk queue pages: the column headers' sorts, walked in keyset pages (core.keyset)."""

from dataclasses import dataclass

from django.db.models import QuerySet

from servicedesk.core.errors import ValidationFailed
from servicedesk.core.keyset import Keyset, Page
from servicedesk.core.keyset import paginate as keyset_paginate
from servicedesk.sla.selectors import SLA_DUE, SLA_DUE_FIELD
from servicedesk.tickets.filters import ORDERING
from servicedesk.tickets.models import Ticket

DEFAULT_SORT = "-updated"
PAGE_SIZE = 50
# Sorts offered as column headers; ORDERING (shared with the API) names their columns.
SORT_KEYS = ("number", "priority", "created", "updated")
# The SLA queues' own sort: the due time their queryset annotates (sla.selectors).
DUE = "due"
_COLUMNS = {**{key: ORDERING[key][0] for key in SORT_KEYS}, DUE: SLA_DUE}
# Sorts that start with the most pressing ticket (priority 1, the earliest due) rather than
# the newest.
_ASCENDING_FIRST = frozenset({"priority", DUE})


class PageError(ValueError):
    """A sort or page link that cannot be read; the message is shown to the agent."""


@dataclass(frozen=True)
class Sort:
    key: str
    descending: bool

    @property
    def column(self) -> str:
        return _COLUMNS[self.key]

    @property
    def param(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    @property
    def ordering(self) -> tuple[str, str]:
        # The id breaks ties, so a page link reads "value~id" whatever the column.
        sign = "-" if self.descending else ""
        return f"{sign}{self.column}", f"{sign}id"

    def toggled(self, key: str) -> str:
        """The sort parameter a column header links to: flip this column, or start another."""
        if key == self.key:
            return key if self.descending else f"-{key}"
        return key if key in _ASCENDING_FIRST else f"-{key}"


def parse_sort(
    value: str, *, keys: tuple[str, ...] = SORT_KEYS, default: str = DEFAULT_SORT
) -> Sort:
    """A sort among ``keys`` (a queue's), ``default`` when none is asked for."""
    value = (value or default).strip()
    key = value.removeprefix("-")
    if key not in keys:
        raise PageError(f"Cannot sort by {key!r}; use one of: {', '.join(keys)}.")
    return Sort(key=key, descending=value.startswith("-"))


def paginate(
    qs: QuerySet[Ticket], *, sort: Sort, after: str = "", before: str = "", size: int = 0
) -> Page[Ticket]:
    try:
        return keyset_paginate(
            qs,
            Keyset(Ticket, sort.ordering, annotations={SLA_DUE: SLA_DUE_FIELD}),
            after=after or None,
            before=before or None,
            size=size or PAGE_SIZE,
        )
    except ValidationFailed:
        raise PageError(
            "That page link is not valid any more; start again from the first page."
        ) from None
