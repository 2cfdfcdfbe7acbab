"""The ticket timeline: events and comments in one stream, with readable labels for changes."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone

from servicedesk.tickets.choices import (
    Channel,
    EventKind,
    Impact,
    Kind,
    LinkKind,
    Priority,
    ResolutionCode,
    State,
)
from servicedesk.tickets.models import Comment, Ticket, TicketEvent

FIELD_LABELS = {
    "assignment_group": "Group",
    "configuration_item": "Configuration item",
    "priority_override_reason": "Override reason",
    "first_response_at": "First response",
    "resolved_at": "Resolved",
    "closed_at": "Closed",
    "reassignment_count": "Reassignments",
    "reopen_count": "Reopens",
    "comment": "Comment",
    "attachment": "Attachment",
    "watcher": "Watcher",
    **{kind.value: kind.label for kind in LinkKind},
    # The other end of a link, as the linked-to ticket sees it.
    f"{LinkKind.CHILD_OF}_from": "Parent of",
    f"{LinkKind.DUPLICATE_OF}_from": "Duplicated by",
    f"{LinkKind.CAUSED_BY}_from": "Causes",
    f"{LinkKind.RELATED}_from": "Related to",
}
VALUE_LABELS: dict[str, type] = {
    "state": State,
    "kind": Kind,
    "channel": Channel,
    "impact": Impact,
    "urgency": Impact,
    "priority": Priority,
    "resolution_code": ResolutionCode,
}
COMMENT_LABELS = {"public": "public reply", "internal": "internal note"}
TIME_FIELDS = frozenset({"first_response_at", "resolved_at", "closed_at"})


def field_label(name: str) -> str:
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    try:
        return str(Ticket._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name.replace("_", " ").capitalize()


def value_label(name: str, value: Any) -> str:
    if value is None or value == "":
        return "—"
    choices = VALUE_LABELS.get(name)
    if choices is not None:
        try:
            return str(choices(value).label)
        except ValueError:
            return str(value)
    if name in TIME_FIELDS and isinstance(value, str):
        try:
            moment = timezone.localtime(datetime.fromisoformat(value))
        except ValueError:
            return value
        return formats.date_format(moment, "Y-m-d H:i")
    if name == "comment":
        return COMMENT_LABELS.get(value, str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# Events that add something (a ticket, a file, a link, a watcher) have no "from" worth showing.
ADDING_EVENTS = frozenset(
    {EventKind.CREATED, EventKind.ATTACHED, EventKind.LINKED, EventKind.WATCHER_ADDED}
)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str
    show_old: bool


def event_changes(event: TicketEvent) -> list[Change]:
    return [
        Change(
            label=field_label(name),
            old=value_label(name, pair[0]),
            new=value_label(name, pair[1]),
            show_old=pair[0] not in (None, "") or event.kind not in ADDING_EVENTS,
        )
        for name, pair in (event.changes or {}).items()
        if isinstance(pair, list | tuple) and len(pair) == 2
    ]


@dataclass(frozen=True)
class Entry:
    at: datetime
    comment: Comment | None = None
    event: TicketEvent | None = None
    changes: tuple[Change, ...] = ()
    # Read once here rather than looked up by the template for each of a few hundred entries.
    who: str = ""
    what: str = ""
    channel: str = ""


# What get_kind_display() and get_channel_display() would say, without their per-call lookups.
_KIND_LABELS = {value: str(label) for value, label in EventKind.choices}
_CHANNEL_LABELS = {value: str(label) for value, label in Channel.choices}


def _comment_entry(comment: Comment) -> Entry:
    return Entry(
        at=comment.created_at,
        comment=comment,
        who=(comment.author.name if comment.author else "") or "Someone",
        channel=_CHANNEL_LABELS.get(comment.channel, comment.channel),
    )


def _event_entry(event: TicketEvent) -> Entry:
    return Entry(
        at=event.created_at,
        event=event,
        changes=tuple(event_changes(event)),
        who=(event.actor.name if event.actor else "") or "System",
        what=_KIND_LABELS.get(event.kind, event.kind),
        channel=_CHANNEL_LABELS.get(event.channel, event.channel),
    )


# A long timeline shows its newest entries; the rest is one link away. Rendering an entry is
# most of the ticket page's time (250 of them took 60-100 ms), and the newest are what an agent
# picking the ticket up reads; the whole history stays on the page's "show all" link.
SHOWN = 50


@dataclass(frozen=True)
class Timeline:
    entries: list[Entry]
    # Older entries left out of ``entries`` (0: the timeline is whole).
    hidden: int


def timeline(
    *,
    events: list[TicketEvent],
    comments: list[Comment],
    newest: int | None = None,
    unread: int = 0,
) -> Timeline:
    """Oldest first; with ``newest``, only that many of the newest entries. A comment is shown
    in full, so its "commented" event is left out. ``unread``: older entries the caller did not
    read (counted among the hidden)."""
    items: list[tuple[datetime, bool, Comment | TicketEvent]] = [
        (c.created_at, False, c) for c in comments
    ]
    items += [(e.created_at, True, e) for e in events if e.kind != EventKind.COMMENTED]
    # Comments sort before events of the same instant: a note's attachments follow the note.
    items.sort(key=lambda item: item[:2])
    cut = 0 if newest is None else max(0, len(items) - newest)
    entries = [
        _event_entry(item) if is_event else _comment_entry(item)
        for _, is_event, item in items[cut:]
    ]
    return Timeline(entries=entries, hidden=cut + unread)
