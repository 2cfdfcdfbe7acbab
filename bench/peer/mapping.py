"""How one servicedesk ticket becomes one django-helpdesk ticket: pure functions, stdlib only.

The exporter (``export.py``, in our virtual environment) reads our rows and calls
``ticket_record``; the loader (``load.py``, in django-helpdesk's) writes the records as they are.
So every choice of the mapping is made here, once, and tested in ``tests/test_bench_peer.py``.

- Support group -> Queue (by name).
- Priority 1-4 (critical, high, moderate, low) -> helpdesk's 1-4 (critical, high, normal,
  low); helpdesk's 5 ("very low") has no counterpart and is never used.
- State -> status: new, assigned, in progress and the three awaiting states -> Open (1), or
  Reopened (2) once the ticket was reopened; resolved -> Resolved (3); closed and cancelled
  -> Closed (4): helpdesk has no "cancelled", and its Duplicate (5) marks merged tickets.
- The awaiting states (user, vendor, change) also set ``on_hold``: helpdesk's flag for a
  ticket that waits on someone else, as our awaiting states pause the SLA clock.
- Requester -> ``submitter_email``; assignee -> ``assigned_to`` (a staff user); resolution
  notes -> ``resolution``; created / updated -> ``created`` / ``modified``.
- Comments -> FollowUps, public replies public and internal notes private, by their author,
  at their time. Our timeline events (state and group changes) are not carried over.
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

OPEN, REOPENED, RESOLVED, CLOSED = 1, 2, 3, 4
PRIORITY = {1: 1, 2: 2, 3: 3, 4: 4}
WAITING_STATES = frozenset({"awaiting_user", "awaiting_vendor", "awaiting_change"})
WORKING_STATES = frozenset({"new", "assigned", "in_progress"}) | WAITING_STATES
STATUS = {"resolved": RESOLVED, "closed": CLOSED, "cancelled": CLOSED}
TITLE_MAX = 200  # helpdesk's Ticket.title; its save() shortens longer titles the same way
FOLLOWUP_TITLE = "Comment"


def status(state: str, *, reopen_count: int = 0) -> int:
    """helpdesk's status for one of our states."""
    if state in WORKING_STATES:
        return REOPENED if reopen_count > 0 else OPEN
    if state in STATUS:
        return STATUS[state]
    raise ValueError(f"unknown ticket state {state!r}")


def priority(value: int) -> int:
    """helpdesk's priority for one of ours (1 critical .. 4 low)."""
    if value not in PRIORITY:
        raise ValueError(f"priority must be 1 to 4, not {value!r}")
    return PRIORITY[value]


def title(value: str) -> str:
    return value if len(value) <= TITLE_MAX else value[: TITLE_MAX - 3] + "..."


def person(*, username: str, email: str, first_name: str, last_name: str, staff: bool) -> dict:
    """A user helpdesk needs: an assignee (staff) or the author of a follow-up."""
    return {
        "username": username,
        "email": email,
        "first_name": first_name,
        "last_name": last_name,
        "staff": staff,
    }


def _time(value: datetime) -> str:
    if value.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return value.isoformat()


def ticket_record(ticket: Mapping[str, Any], comments: Sequence[Mapping[str, Any]]) -> dict:
    """The JSON line for one ticket.

    ``ticket`` has our ``number``, ``title``, ``description``, ``group`` (its name),
    ``priority``, ``state``, ``reopen_count``, ``created_at``, ``updated_at``,
    ``requester_email``, ``assignee`` (a ``person`` or None) and ``resolution_notes``;
    each comment its ``author`` (a ``person`` or None), ``body``, ``is_public`` and
    ``created_at``, oldest first.
    """
    if not ticket["group"]:
        raise ValueError(f"ticket {ticket['number']} has no group, so no queue")
    return {
        "number": ticket["number"],
        "queue": ticket["group"],
        "title": title(ticket["title"]),
        "description": ticket["description"],
        "priority": priority(ticket["priority"]),
        "status": status(ticket["state"], reopen_count=ticket["reopen_count"]),
        "on_hold": ticket["state"] in WAITING_STATES,
        "created": _time(ticket["created_at"]),
        "modified": _time(ticket["updated_at"]),
        "submitter_email": ticket["requester_email"],
        "assigned_to": ticket["assignee"],
        "resolution": ticket["resolution_notes"] or None,
        "followups": [
            {
                "date": _time(c["created_at"]),
                "title": FOLLOWUP_TITLE,
                "comment": c["body"],
                "public": bool(c["is_public"]),
                "user": c["author"],
            }
            for c in comments
        ],
    }
