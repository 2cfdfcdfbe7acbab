"""Enumerations of the SLA domain."""

from django.db import models

from servicedesk.tickets.choices import State


class Metric(models.TextChoices):
    RESPONSE = "response", "First response"
    # After each requester reply once the first response is given: until the next agent reply.
    NEXT_RESPONSE = "next_response", "Next response"
    RESOLUTION = "resolution", "Resolution"


# Metrics that stop for good at an agent's reply: the next requester reply opens a new cycle of
# a next-response clock; a first-response clock never runs again.
ANSWERED_BY_REPLY = frozenset({Metric.RESPONSE, Metric.NEXT_RESPONSE})


class ClockStatus(models.TextChoices):
    RUNNING = "running", "Running"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    BREACHED = "breached", "Breached"
    # The ticket was cancelled before the target was met or missed: counted neither way.
    CANCELLED = "cancelled", "Cancelled"


STOPPED = frozenset({ClockStatus.MET, ClockStatus.BREACHED, ClockStatus.CANCELLED})


class Action(models.TextChoices):
    NOTIFY_ASSIGNEE = "notify_assignee", "Notify the assignee"
    NOTIFY_LEAD = "notify_lead", "Notify the group lead"
    ESCALATE_TIER = "escalate_tier", "Escalate to the next tier's group"
    RAISE_PRIORITY = "raise_priority", "Raise the priority one step"
    REASSIGN = "reassign", "Reassign to a named group"


BREACH = 100  # the threshold, in percent of the target, at which a clock is breached
DEFAULT_WARNINGS = [75, 90]
DEFAULT_PAUSE_STATES = [State.AWAITING_USER.value, State.AWAITING_VENDOR.value]
PAUSABLE_STATES = [
    State.NEW,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.AWAITING_USER,
    State.AWAITING_VENDOR,
    State.AWAITING_CHANGE,
]

# Badge colours beside the labels: how far a clock has gone.
STATUS_BADGE = {
    ClockStatus.RUNNING: "teal",
    ClockStatus.PAUSED: "amber",
    ClockStatus.MET: "green",
    ClockStatus.BREACHED: "red",
    ClockStatus.CANCELLED: "grey",
}


class Level(models.TextChoices):
    """How a clock stands, as the desk colours it: by the policy's warnings, or its status."""

    OK = "ok", "On track"
    WARNING = "warning", "Warning"  # at or past the first warning
    CRITICAL = "critical", "Critical"  # at or past the last of two or more warnings
    BREACHED = "breached", "Breached"
    PAUSED = "paused", "Paused"
    MET = "met", "Met"
    CANCELLED = "cancelled", "Cancelled"


LEVEL_BADGE = {
    Level.OK: "teal",
    Level.WARNING: "amber",
    Level.CRITICAL: "orange",
    Level.BREACHED: "red",
    Level.PAUSED: "blue",
    Level.MET: "green",
    Level.CANCELLED: "grey",
}
