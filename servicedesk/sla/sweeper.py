"""The SLA sweep: record each warning and breach once, and act on it.

A periodic job (config/queue.py) runs ``sla_sweep``. It reads the clocks whose next check has
come with a range query on ``Clock.next_check_at`` (a partial index), and handles each in its
own transaction: claim it with a conditional UPDATE on the ``next_check_at`` it read, record
the thresholds passed as Milestones (unique per clock and threshold), append the ticket's
events, run the policy's actions through the ticket services and queue their mail in the
outbox. A crash rolls all of it back and the next sweep does it again; a second worker that
read the same clock finds its claim refused and does nothing.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.models import SupportGroup
from servicedesk.core import clock as wall
from servicedesk.core.outbox import outbox_queue
from servicedesk.sla.choices import BREACH, Action, ClockStatus, Metric
from servicedesk.sla.models import Clock, Milestone, SLAAction
from servicedesk.sla.policies import Rules, calendar_for, policy_rules, rules_of
from servicedesk.sla.services import schedule, threshold_instant
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_system_note, ticket_system_update

BATCH = 500
NEXT_TIER = {Tier.L1: Tier.L2, Tier.L2: Tier.L3}


@dataclass
class SweepReport:
    checked: int = 0
    milestones: int = 0
    actions: int = 0
    skipped: int = 0  # claimed by another worker first
    notes: list[str] = field(default_factory=list)


def sla_sweep(*, now: datetime | None = None, limit: int = BATCH) -> SweepReport:
    """Handle every clock whose next warning or breach has come (up to ``limit``)."""
    now = now or wall.now()
    report = SweepReport()
    due = (
        Clock.objects.filter(next_check_at__lte=now)
        .order_by("next_check_at")
        .values_list("pk", "next_check_at")[:limit]
    )
    for pk, seen in list(due):
        report.checked += 1
        _check(pk, seen, now, report)
    return report


def _check(pk: int, seen: datetime, now: datetime, report: SweepReport) -> None:
    with transaction.atomic():
        clock = Clock.objects.select_related("ticket", "policy", "group").filter(pk=pk).first()
        if clock is None or clock.next_check_at != seen or clock.status != ClockStatus.RUNNING:
            report.skipped += 1
            return
        # A policy switched off after its clocks started: they still run out as they were set.
        rules = rules_of(clock.policy_id) or policy_rules(clock.policy)
        calendar = calendar_for(rules, clock.ticket)
        passed = {
            t: threshold_instant(clock, calendar, t) for t in rules.thresholds if t > clock.reached
        }
        # A warning falls at its instant; the breach only after it: a target used up exactly
        # when the clock stops is met (as clocks_sync judges a stopped clock).
        passed = {t: at for t, at in passed.items() if at < now or (at == now and t != BREACH)}
        if passed:
            clock.reached = max(passed)
        if BREACH in passed:
            clock.breached_at = passed[BREACH]
        schedule(clock, calendar, rules.thresholds)
        claimed = Clock.objects.filter(pk=pk, next_check_at=seen).update(
            reached=clock.reached, breached_at=clock.breached_at,
            due_at=clock.due_at, next_check_at=clock.next_check_at,
        )  # fmt: skip
        if not claimed:
            report.skipped += 1
            return
        for threshold, reached_at in sorted(passed.items()):
            if _record(clock, threshold, reached_at, now):
                report.milestones += 1
                report.actions += _act(clock, rules, threshold, report)


def _record(clock: Clock, threshold: int, reached_at: datetime, now: datetime) -> bool:
    """Record the milestone; False when it was recorded before (then nothing else happens)."""
    try:
        with transaction.atomic():
            Milestone.objects.create(
                clock=clock, threshold=threshold, reached_at=reached_at, recorded_at=now
            )
    except IntegrityError:
        return False
    metric = Metric(clock.metric).label
    if clock.group is not None:
        metric = f"{clock.group}'s internal {metric.lower()}"
    if threshold == BREACH:
        kind, text = EventKind.SLA_BREACHED, f"{metric} target of {_hours(clock.target)} breached."
    else:
        kind = EventKind.SLA_WARNING
        text = f"{metric} target: {threshold}% of {_hours(clock.target)} used."
    ticket_system_note(ticket=clock.ticket, kind=kind, message=text)
    return True


def _act(clock: Clock, rules: Rules, threshold: int, report: SweepReport) -> int:
    done = 0
    for action in rules.actions:
        if action.threshold != threshold or action.metric not in ("", clock.metric):
            continue
        ticket = Ticket.objects.select_related("assignee", "assignment_group__lead").get(
            pk=clock.ticket_id
        )
        note = _ACTIONS[action.action](ticket, clock, action, threshold)
        if note:
            report.notes.append(f"{ticket.number}: {note}")
        done += 1
    return done


def _why(clock: Clock, threshold: int) -> str:
    what = "breached" if threshold == BREACH else f"at {threshold}%"
    return f"{Metric(clock.metric).label} SLA {what}"


def _notify(ticket: Ticket, clock: Clock, threshold: int, person, role: str) -> str:
    if person is None or not person.email:
        return f"no {role} with an address to notify"
    due = clock.due_at.isoformat() if clock.due_at else "now"
    outbox_queue(
        key=f"sla:{clock.pk}:{threshold}:{role}:{person.pk}",
        to=person.email,
        subject=f"[{ticket.number}] {_why(clock, threshold)}: {ticket.title}",
        body=(
            f"{ticket.number} ({ticket.title}) is {_why(clock, threshold)}.\n"
            f"Target: {_hours(clock.target)} of business time; due {due}.\n"
        ),
    )
    return ""


def _notify_assignee(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    return _notify(ticket, clock, threshold, ticket.assignee, "assignee")


def _notify_lead(ticket: Ticket, clock: Clock, action: SLAAction, threshold: int) -> str:
    group = ticket.assignment_group
    return _notify(ticket, clock, threshold, group.lead if group else None, "group lead")


def _escalation_group(ticket: Ticket, action: SLAAction) -> SupportGroup | None:
    """The group of the tier above: the action's, the category's, or the only one there is."""
    if action.group_id is not None:
        return action.group
    current = ticket.assignment_group
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
    group = _escalation_group(ticket, action)
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
    _move(
        ticket,
        clock,
        threshold,
        {"assignment_group": action.group},
        f"reassigned to {action.group}.",
    )
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
