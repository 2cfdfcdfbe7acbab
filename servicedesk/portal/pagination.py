"""Portal lists page newest first, by keyset (core.keyset): no OFFSET and no COUNT."""

from dataclasses import dataclass

from django.db.models import QuerySet

from servicedesk.core.keyset import Keyset, paginate

NEWEST_FIRST = ("-created_at", "-id")


@dataclass(frozen=True)
class Page:
    rows: list
    older: str | None  # cursor for the next page (older rows)
    newer: str | None  # cursor for the previous page (newer rows)


def keyset_page(qs: QuerySet, *, after: str = "", before: str = "", size: int = 25) -> Page:
    """One page of ``qs``, newest first, after or before a cursor; a bad one is ``bad_cursor``."""
    page = paginate(
        qs,
        Keyset(qs.model, NEWEST_FIRST),
        after=after or None,
        before=before or None,
        size=size,
    )
    return Page(rows=page.rows, older=page.next_cursor, newer=page.prev_cursor)
