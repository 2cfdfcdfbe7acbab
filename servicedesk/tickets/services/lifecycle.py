"""Changing a ticket: fields, state transitions, reopen, and the requester's verdict."""

from typing import Any

from django.db import transaction

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.core.errors import (
    EditConflict,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from servicedesk.tickets.choices import FINAL_STATES, TRANSITIONS, Channel, EventKind, State
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.tickets.models.ticket import new_access_token
from servicedesk.tickets.services._common import display, event_append, matrix_priority
from servicedesk.tickets.services.validation import Problems, check_custom_fields, check_fields

# What agents may change through ticket_update; everything else follows from these.
EDITABLE_FIELDS = frozenset(
    {
        "title", "description", "kind", "state", "impact", "urgency", "priority",
        "priority_override_reason", "category", "subcategory", "affected_service",
        "configuration_item", "assignment_group", "assignee", "requester",
        "resolution_code", "resolution_notes", "custom_fields",
    }
)  # fmt: skip
_WORKING_STATES = TRANSITIONS[State.RESOLVED] - {State.CLOSED}
# Derived or secret values that the event of a change does not list on their own.
_NOT_RECORDED = frozenset(
    {"organisation_id", "resolved_by", "priority_override_reason", "access_token", "custom_fields"}
)


def _allowed_from(state: str) -> str:
    allowed = [State(s).label.lower() for s in State.values if s in TRANSITIONS[state]]
    if not allowed:
        return f"A {State(state).label.lower()} ticket cannot change state."
    return f"From {State(state).label.lower()} a ticket can go to: {', '.join(allowed)}."


def _derive(current: Ticket, new: dict[str, Any], by: User, now) -> None:
    """Add to ``new`` what follows from it: timestamps, counters, priority, organisation."""
    state = new.get("state")
    if state is not None:
        if state not in TRANSITIONS[current.state]:
            raise TransitionNotAllowed(
                f"{current.number} cannot go from {current.get_state_display().lower()} "
                f"to {State(state).label.lower()}.",
                fields={"state": [_allowed_from(current.state)]},
            )
        if state == State.RESOLVED:
            if not (new.get("resolution_code") or current.resolution_code):
                raise ValidationFailed(
                    "A resolution code is needed to resolve a ticket.",
                    fields={"resolution_code": ["Required when resolving."]},
                )
            new["resolved_at"] = now
            new["resolved_by"] = by
        elif current.state == State.RESOLVED and state in _WORKING_STATES:
            new["reopen_count"] = current.reopen_count + 1
            new["resolved_at"] = None
            new["resolved_by"] = None
        if state == State.CLOSED:
            new["closed_at"] = now

    if "assignment_group" in new and current.assignment_group_id is not None:
        new["reassignment_count"] = current.reassignment_count + 1
        group = new["assignment_group"]
        keeps_assignee = (
            group is not None
            and current.assignee_id
            and group.members.filter(pk=current.assignee_id).exists()
        )
        if "assignee" not in new and current.assignee_id and not keeps_assignee:
            new["assignee"] = None
    if new.get("assignee") is not None and current.state == State.NEW and "state" not in new:
        new["state"] = State.ASSIGNED

    # A subcategory belongs to its category: a new category drops one that does not fit.
    if "category" in new and "subcategory" not in new and current.subcategory_id:
        category = new["category"]
        if category is None or current.subcategory.parent_id != category.pk:
            new["subcategory"] = None

    if "requester" in new:
        new["organisation_id"] = new["requester"].organisation_id
        new["access_token"] = new_access_token()

    impact = new.get("impact", current.impact)
    urgency = new.get("urgency", current.urgency)
    computed = matrix_priority(impact, urgency)
    if "priority" in new and new["priority"] != computed:
        if not (new.get("priority_override_reason") or "").strip():
            raise ValidationFailed(
                "A priority other than the matrix's needs a reason.",
                fields={"priority_override_reason": ["Required to override the priority."]},
            )
    elif "priority" in new or "impact" in new or "urgency" in new:
        new["priority"] = computed
        new["priority_override_reason"] = ""


def apply_changes(
    *,
    ticket: Ticket,
    by: User | None,
    changes: dict[str, Any],
    channel: str,
    expected_version: int | None = None,
    event_kind: str = EventKind.UPDATED,
    message: str = "",
    touch_only: bool = False,
) -> Ticket:
    """Save ``changes`` with a compare-and-set on the version and append one event.

    Must run inside a transaction. A save from a stale read raises EditConflict instead of
    silently overwriting what someone else saved in between.
    """
    now = clock.now()
    if touch_only:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=now)
        return Ticket.objects.get(pk=ticket.pk)
    current = Ticket.objects.select_related(
        "assignment_group", "assignee", "category", "subcategory"
    ).get(pk=ticket.pk)
    if expected_version is not None and current.version != expected_version:
        raise EditConflict(
            f"{current.number} was changed by someone else since you opened it "
            f"(version {expected_version}, now {current.version}). Reload it and apply your change again.",
        )
    new = {field: value for field, value in changes.items() if getattr(current, field) != value}
    _derive(current, new, by, now)
    if not new:
        return current
    diff = {
        field: [display(getattr(current, field)), display(value)]
        for field, value in new.items()
        if field not in _NOT_RECORDED
    }
    if "custom_fields" in new:
        before, after = current.custom_fields, new["custom_fields"]
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                diff[f"custom_fields.{key}"] = [before.get(key), after.get(key)]
    updated = Ticket.objects.filter(pk=current.pk, version=current.version).update(
        **new, version=current.version + 1, updated_at=now
    )
    if updated == 0:
        raise EditConflict(
            f"{current.number} was changed by someone else at the same moment. Try again."
        )
    message = message or new.get("priority_override_reason", "")
    event_append(
        ticket=current, kind=event_kind, actor=by, channel=channel, changes=diff, message=message
    )
    return Ticket.objects.get(pk=current.pk)


@transaction.atomic
def ticket_update(
    *,
    ticket: Ticket,
    by: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
    channel: str = Channel.DESK,
    message: str = "",
) -> Ticket:
    """An agent changes fields of a ticket; state moves follow the transition table."""
    if not by.is_agent:
        raise PermissionDenied("Only agents can change a ticket's fields.")
    state_now = Ticket.objects.values_list("state", flat=True).get(pk=ticket.pk)
    if state_now in FINAL_STATES:
        state = State(state_now).label.lower()
        raise TransitionNotAllowed(
            f"{ticket.number} is {state}; a {state} ticket cannot be changed.",
            fields={field: [f"A {state} ticket cannot be changed."] for field in changes},
        )
    resolved = changes.get("state", state_now) == State.RESOLVED
    if "resolution_code" in changes and not changes["resolution_code"] and resolved:
        raise ValidationFailed(
            "A resolved ticket keeps its resolution code.",
            fields={"resolution_code": ["Required while the ticket is resolved."]},
        )
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"These fields cannot be changed: {', '.join(unknown)}.",
            fields={name: ["Not an editable field."] for name in unknown},
        )
    problems = Problems()
    context = dict(changes)
    # Cross-field checks see the ticket's current value of what is not being changed.
    if "subcategory" in changes and "category" not in changes:
        context["category"] = ticket.category
    if "assignee" in changes and "assignment_group" not in changes:
        context["assignment_group"] = ticket.assignment_group
    check_fields(problems, context)
    if "custom_fields" in changes:
        check_custom_fields(
            problems, changes["custom_fields"], kind=changes.get("kind", ticket.kind)
        )
    problems.raise_if_any()
    if "custom_fields" in changes:
        # A merge patch (RFC 7386): named keys are set, keys set to null are removed, the rest stay.
        current = Ticket.objects.values_list("custom_fields", flat=True).get(pk=ticket.pk)
        merged = {**current, **changes["custom_fields"]}
        changes = {**changes, "custom_fields": {k: v for k, v in merged.items() if v is not None}}
    if "title" in changes:
        changes = {**changes, "title": changes["title"].strip()}
    return apply_changes(
        ticket=ticket,
        by=by,
        changes=changes,
        channel=channel,
        expected_version=expected_version,
        message=message,
    )


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, by: User, reason: str, channel: str = Channel.DESK) -> Ticket:
    """An agent brings a resolved ticket back to work; the reason is kept on the timeline.

    Requesters do not reopen: they reject the resolution (``ticket_reject_resolution``).
    """
    if not by.is_agent:
        raise PermissionDenied("Only agents reopen tickets; a requester rejects the resolution.")
    ticket = Ticket.objects.get(pk=ticket.pk)
    if ticket.state != State.RESOLVED:
        raise TransitionNotAllowed(f"{ticket.number} is not resolved, so it cannot be reopened.")
    if not reason.strip():
        raise ValidationFailed(
            "A reason is needed to reopen a ticket.", fields={"reason": ["Required."]}
        )
    target = State.IN_PROGRESS if ticket.assignee_id else State.ASSIGNED
    return apply_changes(
        ticket=ticket, by=by, changes={"state": target}, channel=channel, message=reason.strip()
    )


def _check_requester_verdict(ticket: Ticket, by: User) -> Ticket:
    current = Ticket.objects.get(pk=ticket.pk)
    if by.pk != current.requester_id and not by.is_agent:
        raise PermissionDenied("Only the requester can accept or reject the resolution.")
    if current.state != State.RESOLVED:
        raise TransitionNotAllowed(f"{current.number} is not waiting for your confirmation.")
    return current


@transaction.atomic
def ticket_accept_resolution(
    *, ticket: Ticket, by: User, channel: str = Channel.PORTAL, comment: str = ""
) -> Ticket:
    """The requester confirms the fix: the ticket closes."""
    current = _check_requester_verdict(ticket, by)
    return apply_changes(
        ticket=current, by=by, changes={"state": State.CLOSED}, channel=channel,
        event_kind=EventKind.RESOLUTION_ACCEPTED, message=comment.strip(),
    )  # fmt: skip


@transaction.atomic
def ticket_reject_resolution(
    *, ticket: Ticket, by: User, reason: str, channel: str = Channel.PORTAL
) -> Ticket:
    """The requester says it is not fixed: the ticket reopens with their reason."""
    if not reason.strip():
        raise ValidationFailed("Tell us what is still wrong.", fields={"reason": ["Required."]})
    current = _check_requester_verdict(ticket, by)
    target = State.IN_PROGRESS if current.assignee_id else State.ASSIGNED
    return apply_changes(
        ticket=current, by=by, changes={"state": target}, channel=channel,
        event_kind=EventKind.RESOLUTION_REJECTED, message=reason.strip(),
    )  # fmt: skip


@transaction.atomic
def ticket_system_update(*, ticket: Ticket, changes: dict[str, Any], message: str) -> Ticket:
    """A change the desk makes on its own (an SLA escalation, say): no person, channel system.

    The same derivations and events as an agent's change; the message says why.
    """
    return apply_changes(
        ticket=ticket, by=None, changes=changes, channel=Channel.SYSTEM, message=message
    )


def ticket_system_note(
    *, ticket: Ticket, kind: str, message: str, is_internal: bool = False
) -> TicketEvent:
    """Record on the timeline something the desk noticed (an SLA warning, a triage decision,
    an automatic reply). ``is_internal`` keeps it to agents, as an internal note is.
    """
    return event_append(
        ticket=ticket,
        kind=kind,
        actor=None,
        channel=Channel.SYSTEM,
        message=message,
        is_internal=is_internal,
    )
