"""What a clock reaching a threshold leads to: the milestone, the timeline event, the actions.

Shared by the sweep (a running clock reaches a warning or its breach) and by ``clocks_sync`` (a
clock stopped or paused after its target ran out, before any sweep saw it). The milestone is
unique per clock, cycle and threshold: whoever records it first runs the actions; anyone else
finds it recorded and does nothing.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.models import SupportGroup
from servicedesk.core.outbox import outbox_queue
from servicedesk.sla.choices import BREACH, Action, Metric
from servicedesk.sla.models import Clock, EscalationTarget, Milestone, SLAAction
from servicedesk.sla.policies import Rules
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_system_note, ticket_system_update

NEXT_TIER = {Tier.L1: Tier.L2, Tier.L2: Tier.L3}


def milestone_record(*, clock: Clock, threshold: int, reached_at: datetime, now: datetime) -> bool:
    """Record the milestone and its timeline event; False when it was recorded before (then
    nothing else happens)."""
    try:
        with transaction.atomic():
            Milestone.objects.create(
                clock=clock, cycle=clock.cycle, threshold=threshold, reached_at=reached_at,
                recorded_at=now,
            )  # fmt: skip
    except IntegrityError:
        return False
    metric = Metric(clock.metric).label
    if clock.group_id is not None:
        metric = f"{clock.group}'s internal {metric.lower()}"
    if threshold == BREACH:
        kind, text = EventKind.SLA_BREACHED, f"{metric} target of {_hours(clock.target)} breached."
    else:
        kind = EventKind.SLA_WARNING
        text = f"{metric} target: {threshold}% of {_hours(clock.target)} used."
    ticket_system_note(ticket=clock.ticket, kind=kind, message=text)
    return True


def milestone_act(*, clock: Clock, rules: Rules, threshold: int) -> tuple[int, list[str]]:
    """Run the policy's actions for ``threshold`` through the ticket services: how many ran,
    and a note for each that found nothing to do."""
    done, notes = 0, []
    for action in rules.actions:
        if action.threshold != threshold or action.metric not in ("", clock.metric):
            continue
        ticket = Ticket.objects.select_related("assignee", "assignment_group__lead").get(
            pk=clock.ticket_id
        )
        note = _ACTIONS[action.action](ticket, clock, action, threshold)
        if note:
            notes.append(f"{ticket.number}: {note}")
        done += 1
    return done, notes


def _why(clock: Clock, threshold: int) -> str:
    what = "breached" if threshold == BREACH else f"at {threshold}%"
    return f"{Metric(clock.metric).label} SLA {what}"


def _notify(ticket: Ticket, clock: Clock, threshold: int, person, role: str) -> str:
    if person is None or not person.email:
        return f"no {role} with an address to notify"
    due = clock.due_at.isoformat() if clock.due_at else "now"
    outbox_queue(
        key=f"sla:{clock.pk}:{clock.cycle}:{threshold}:{role}:{person.pk}",
        to=person.email,
        subject=f"[{ticket.number}] {_why(clock, threshold)}: {ticket.title}",
        body=(
            f"{ticket.number} ({ticket.title}): {_why(clock, threshold)}.\n"
            f"Target: {_hours(clock.target)} of business time; due {due}.\n"
        ),
    )
    return ""


def _notify_assignee(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    return _notify(ticket, clock, threshold, ticket.assignee, "assignee")


def _notify_lead(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    group = ticket.assignment_group
    return _notify(ticket, clock, threshold, group.lead if group else None, "group lead")


def escalation_group(ticket: Ticket, action: SLAAction | None = None) -> SupportGroup | None:
    """The group of the tier above: the action's; else the escalation target set for the
    ticket's group; else the category's group of that tier; else the only active one there."""
    if action is not None and action.group_id is not None:
        return action.group
    current = ticket.assignment_group
    if current is not None:
        target = (
            EscalationTarget.objects.filter(group=current, escalate_to__is_active=True)
            .select_related("escalate_to")
            .first()
        )
        if target is not None:
            return target.escalate_to
    tier = NEXT_TIER.get(current.tier) if current else Tier.L2
    if tier is None:
        return None
    category = ticket.category
    if category and category.default_group and category.default_group.tier == tier:
        return category.default_group
    candidates = list(SupportGroup.objects.filter(tier=tier, is_active=True)[:2])
    return candidates[0] if len(candidates) == 1 else None


def _move(ticket: Ticket, clock: Clock, threshold: int, changes: dict, message: str) -> None:
    ticket_system_update(
        ticket=ticket, changes=changes, message=f"{_why(clock, threshold)}: {message}"
    )


def _escalate(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    group = escalation_group(ticket, action)
    if group is None or group.pk == ticket.assignment_group_id:
        return "no group of the next tier to escalate to"
    _move(ticket, clock, threshold, {"assignment_group": group}, f"escalated to {group}.")
    return ""


def _raise_priority(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    if ticket.priority <= 1:
        return "already at the highest priority"
    reason = f"{_why(clock, threshold)}: priority raised one step."
    _move(
        ticket, clock, threshold,
        {"priority": ticket.priority - 1, "priority_override_reason": reason},
        "priority raised one step.",
    )  # fmt: skip
    return ""


def _reassign(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    if action.group_id == ticket.assignment_group_id:
        return ""
    # Read now, not from the policy's kept rules: a group deactivated since the policy was
    # saved must not receive breaching tickets that nobody works any more.
    group = SupportGroup.objects.filter(pk=action.group_id, is_active=True).first()
    if group is None:
        return "the group to reassign to is not active"
    _move(ticket, clock, threshold, {"assignment_group": group}, f"reassigned to {group}.")
    return ""


_ACTIONS = {
    Action.NOTIFY_ASSIGNEE: _notify_assignee,
    Action.NOTIFY_LEAD: _notify_lead,
    Action.ESCALATE_TIER: _escalate,
    Action.RAISE_PRIORITY: _raise_priority,
    Action.REASSIGN: _reassign,
}


def _hours(duration: timedelta) -> str:
    minutes = round(duration.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"
