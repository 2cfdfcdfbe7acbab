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
from datetime import datetime

from django.db import transaction

from servicedesk.core import clock as wall
from servicedesk.sla.actions import milestone_act, milestone_record
from servicedesk.sla.choices import BREACH, ClockStatus
from servicedesk.sla.models import Clock
from servicedesk.sla.policies import calendar_for, policy_rules, rules_of
from servicedesk.sla.services import schedule, threshold_instant

BATCH = 500


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
        claimed = Clock.objects.filter(pk=pk, next_check_at=seen, cycle=clock.cycle).update(
            reached=clock.reached, breached_at=clock.breached_at,
            due_at=clock.due_at, next_check_at=clock.next_check_at,
        )  # fmt: skip
        if not claimed:
            report.skipped += 1
            return
        for threshold, reached_at in sorted(passed.items()):
            if milestone_record(clock=clock, threshold=threshold, reached_at=reached_at, now=now):
                report.milestones += 1
                done, notes = milestone_act(clock=clock, rules=rules, threshold=threshold)
                report.actions += done
                report.notes.extend(notes)
