"""Ticket states and steps in plain words for end users."""

from django import template

from servicedesk.tickets.choices import STATE_BADGE, State

register = template.Library()

# What each state means to the person waiting on the ticket: a short title and one sentence.
PLAIN_STATES: dict[str, tuple[str, str]] = {
    State.NEW: ("Received", "We have your ticket and will pick it up soon."),
    State.ASSIGNED: ("With our support team", "A support team has it and will start on it soon."),
    State.IN_PROGRESS: ("Being worked on", "Someone is working on it right now."),
    State.AWAITING_USER: (
        "Waiting for your answer",
        "We need something from you: please read the latest message and reply.",
    ),
    State.AWAITING_VENDOR: ("Waiting for a supplier", "We are waiting on an outside supplier."),
    State.AWAITING_CHANGE: (
        "Waiting for a planned change",
        "The fix depends on a planned change to our systems.",
    ),
    State.RESOLVED: (
        "Solved: please confirm",
        "We think this is solved. Please tell us whether it works for you.",
    ),
    State.CLOSED: ("Closed", "This ticket is finished."),
    State.CANCELLED: ("Cancelled", "This ticket was cancelled."),
}


@register.filter
def state_title(state: str) -> str:
    return PLAIN_STATES.get(state, (str(state), ""))[0]


@register.filter
def state_help(state: str) -> str:
    return PLAIN_STATES.get(state, ("", ""))[1]


@register.filter
def state_badge(state: str) -> str:
    return STATE_BADGE.get(state, "grey")


@register.filter
def needs_you(state: str) -> bool:
    return state in (State.AWAITING_USER, State.RESOLVED)


@register.filter
def is_viewer(actor, user) -> bool:
    """Whether ``actor`` is the signed-in person looking at the page (shown as "You")."""
    return bool(actor and user.is_authenticated and actor.pk == user.pk)
