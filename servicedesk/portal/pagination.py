"""Keyset pagination for portal lists: newest first, every page costs the same however deep.

A cursor names the last row seen (its creation time and id); no OFFSET and no COUNT is run.
"""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from servicedesk.core.errors import ValidationFailed


@dataclass
class Page:
    rows: list
    older: str | None  # cursor for the next page (older rows)
    newer: str | None  # cursor for the previous page (newer rows)


def _encode(row) -> str:
    raw = f"{row.created_at.isoformat()}|{row.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        at = datetime.fromisoformat(stamp)
        if at.tzinfo is None:
            raise ValueError("naive time")
        return at, int(pk)
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise ValidationFailed(
            "This page link is broken; start again from the first page.", code="bad_cursor"
        ) from error


def keyset_page(qs: QuerySet, *, after: str = "", before: str = "", size: int = 25) -> Page:
    """One page of ``qs`` ordered by (-created_at, -id), after or before a cursor."""
    if before:
        at, pk = _decode(before)
        newer = qs.filter(Q(created_at__gt=at) | Q(created_at=at, pk__gt=pk))
        rows = list(newer.order_by("created_at", "id")[: size + 1])
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        return Page(
            rows=rows,
            older=_encode(rows[-1]) if rows else None,
            newer=_encode(rows[0]) if rows and has_newer else None,
        )
    ordered = qs.order_by("-created_at", "-id")
    if after:
        at, pk = _decode(after)
        ordered = ordered.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(ordered[: size + 1])
    has_older = len(rows) > size
    rows = rows[:size]
    return Page(
        rows=rows,
        older=_encode(rows[-1]) if rows and has_older else None,
        newer=_encode(rows[0]) if rows and after else None,
    )
