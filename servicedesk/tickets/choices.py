"""Enumerations of the ticket domain and the one table of allowed state transitions."""

from django.db import models


class Kind(models.TextChoices):
    INCIDENT = "incident", "Incident"
    REQUEST = "request", "Service request"
    PROBLEM = "problem", "Problem"
    CHANGE = "change", "Change"


NUMBER_PREFIX = {Kind.INCIDENT: "INC", Kind.REQUEST: "REQ", Kind.PROBLEM: "PRB", Kind.CHANGE: "CHG"}
NUMBER_DIGITS = 7


class State(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    IN_PROGRESS = "in_progress", "In progress"
    AWAITING_USER = "awaiting_user", "Awaiting user"
    AWAITING_VENDOR = "awaiting_vendor", "Awaiting vendor"
    AWAITING_CHANGE = "awaiting_change", "Awaiting change"
    RESOLVED = "resolved", "Resolved"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATES = frozenset(
    {
        State.NEW,
        State.ASSIGNED,
        State.IN_PROGRESS,
        State.AWAITING_USER,
        State.AWAITING_VENDOR,
        State.AWAITING_CHANGE,
    }
)
# The open states in one fixed order, as the queries over open tickets and the partial indexes
# that serve them spell them (Ticket.IsOpen).
OPEN_STATE_LIST = tuple(s for s in State if s in OPEN_STATES)
FINAL_STATES = frozenset({State.CLOSED, State.CANCELLED})
_WORKING = OPEN_STATES - {State.NEW}

# The one table of allowed transitions: from-state -> states it may move to.
# resolved -> any working state is a reopen; closed and cancelled are final.
TRANSITIONS: dict[str, frozenset[str]] = {
    State.NEW: frozenset(_WORKING | {State.RESOLVED, State.CANCELLED}),
    **{
        s: frozenset((_WORKING - {s}) | {State.NEW, State.RESOLVED, State.CANCELLED})
        for s in _WORKING
    },
    State.RESOLVED: frozenset(_WORKING | {State.CLOSED}),
    State.CLOSED: frozenset(),
    State.CANCELLED: frozenset(),
}

# Badge colours live beside the labels, not on the models.
STATE_BADGE = {
    State.NEW: "blue",
    State.ASSIGNED: "blue",
    State.IN_PROGRESS: "teal",
    State.AWAITING_USER: "amber",
    State.AWAITING_VENDOR: "amber",
    State.AWAITING_CHANGE: "amber",
    State.RESOLVED: "green",
    State.CLOSED: "grey",
    State.CANCELLED: "grey",
}


class Channel(models.TextChoices):
    PORTAL = "portal", "Portal"
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    MONITORING = "monitoring", "Monitoring"
    API = "api", "API"
    IMPORT = "import", "Import"
    DESK = "desk", "Desk"
    SYSTEM = "system", "System"


# Channels a ticket can be raised through (desk and system only ever act on existing tickets).
INTAKE_CHANNELS = [c for c in Channel if c not in (Channel.DESK, Channel.SYSTEM)]


class Impact(models.IntegerChoices):
    HIGH = 1, "1 - High"
    MEDIUM = 2, "2 - Medium"
    LOW = 3, "3 - Low"


Urgency = Impact


class Priority(models.IntegerChoices):
    CRITICAL = 1, "1 - Critical"
    HIGH = 2, "2 - High"
    MODERATE = 3, "3 - Moderate"
    LOW = 4, "4 - Low"


PRIORITY_BADGE = {1: "red", 2: "orange", 3: "blue", 4: "grey"}

# Impact x urgency -> priority as the ServiceNow log shows it; admins may edit the matrix.
DEFAULT_PRIORITY_MATRIX: dict[tuple[int, int], int] = {
    (1, 1): 1, (1, 2): 2, (1, 3): 3,
    (2, 1): 2, (2, 2): 3, (2, 3): 4,
    (3, 1): 3, (3, 2): 4, (3, 3): 4,
}  # fmt: skip


class ResolutionCode(models.TextChoices):
    SOLVED = "solved", "Solved (permanently)"
    WORKAROUND = "workaround", "Solved (work around)"
    REMOTE = "remote", "Solved remotely"
    NOT_SOLVED = "not_solved", "Not solved (not reproducible)"
    NOT_SOLVED_COSTLY = "not_solved_costly", "Not solved (too costly)"
    DUPLICATE = "duplicate", "Duplicate"
    USER_ERROR = "user_error", "User error"
    CLOSED_BY_CALLER = "closed_by_caller", "Closed/resolved by caller"
    KNOWN_ERROR = "known_error", "Known error"
    OTHER = "other", "Other"


class LinkKind(models.TextChoices):
    CHILD_OF = "child_of", "Child of"
    DUPLICATE_OF = "duplicate_of", "Duplicate of"
    CAUSED_BY = "caused_by", "Caused by"
    RELATED = "related", "Related to"


class EventKind(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    COMMENTED = "commented", "Commented"
    ATTACHED = "attached", "Attachment added"
    LINKED = "linked", "Linked"
    UNLINKED = "unlinked", "Link removed"
    WATCHER_ADDED = "watcher_added", "Watcher added"
    WATCHER_REMOVED = "watcher_removed", "Watcher removed"
    RESOLUTION_ACCEPTED = "resolution_accepted", "Resolution accepted"
    RESOLUTION_REJECTED = "resolution_rejected", "Resolution rejected"
    IMPORTED = "imported", "Imported update"
    SLA_WARNING = "sla_warning", "SLA warning"
    SLA_BREACHED = "sla_breached", "SLA breached"


class CustomFieldType(models.TextChoices):
    TEXT = "text", "Text"
    NUMBER = "number", "Number"
    DATE = "date", "Date (YYYY-MM-DD)"
    CHOICE = "choice", "Choice"
    BOOLEAN = "boolean", "Yes / no"


class CIKind(models.TextChoices):
    SERVICE = "service", "Business service"
    CI = "ci", "Configuration item"
