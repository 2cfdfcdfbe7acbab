"""Resolved tickets close themselves when the requester stays quiet.

When a ticket is resolved, a CloseTimer says when it closes (the quiet period of its SLA policy,
else SERVICEDESK_AUTO_CLOSE_AFTER) and, if the policy asks, when to remind the requester. The
requester accepting (closed) or rejecting or replying (reopened) removes the timer. The SLA
sweep closes what has come due, through the ticket services, with an event saying why.

A quiet period on the clock is counted in the calendar's local time, as people read "two
weeks": resolved Friday 10:00 closes Friday 10:00 two weeks later, whatever DST did in between.
In business time it is counted in the calendar's working hours.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction

from servicedesk.core import clock as wall
from servicedesk.core.outbox import outbox_queue
from servicedesk.sla.calendar import Calendar
from servicedesk.sla.clock import due_at
from servicedesk.sla.durations import parse_duration
from servicedesk.sla.models import CloseTimer
from servicedesk.sla.policies import Rules, calendar_for, rules_for
from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_system_update

BATCH = 500


def default_quiet_period() -> timedelta | None:
    """SERVICEDESK_AUTO_CLOSE_AFTER: a duration such as 48h; empty or 0 switches it off."""
    text = settings.SERVICEDESK_AUTO_CLOSE_AFTER.strip()
    if text in ("", "0"):
        return None
    return parse_duration(text)


def on_the_clock(start: datetime, period: timedelta, calendar: Calendar) -> datetime:
    """``start`` plus ``period`` of local wall-clock time in the calendar's zone."""
    local = start.astimezone(calendar.zone).replace(tzinfo=None) + period
    return local.replace(tzinfo=calendar.zone).astimezone(UTC)


def close_timer_sync(*, ticket: Ticket, every: tuple[Rules, ...] | None = None) -> None:
    """Set, keep or remove the ticket's timer to match its state (idempotent)."""
    if ticket.state != State.RESOLVED or ticket.resolved_at is None:
        CloseTimer.objects.filter(ticket_id=ticket.pk).delete()
        return
    timer = CloseTimer.objects.filter(ticket_id=ticket.pk).first()
    if timer is not None and timer.resolved_at == ticket.resolved_at:
        return
    rules = rules_for(ticket, every)
    policy = rules.policy if rules else None
    period = policy.auto_close_after if policy and policy.auto_close_after else None
    period = period or default_quiet_period()
    if period is None:
        CloseTimer.objects.filter(ticket_id=ticket.pk).delete()
        return
    calendar = calendar_for(rules, ticket)
    start = ticket.resolved_at
    if policy and policy.auto_close_in_business_time:  # noqa: SIM108
        close_at = due_at(calendar=calendar, start=start, target=period)
    else:
        close_at = on_the_clock(start, period, calendar)
    business = bool(policy and policy.auto_close_in_business_time)
    remind_at = None
    if policy and policy.auto_close_reminder and close_at - policy.auto_close_reminder > start:
        remind_at = close_at - policy.auto_close_reminder
    CloseTimer.objects.update_or_create(
        ticket_id=ticket.pk,
        defaults={
            "resolved_at": start,
            "close_at": close_at,
            "remind_at": remind_at,
            "quiet_period": period,
            "in_business_time": business,
        },  # fmt: skip
    )


def auto_close_sweep(*, now: datetime | None = None, limit: int = BATCH) -> tuple[int, int]:
    """Send the reminders and close the tickets that have come due: (reminded, closed)."""
    now = now or wall.now()
    reminded = sum(_remind(pk, now) for pk in _due("remind_at", now, limit))
    closed = sum(_close(pk, now) for pk in _due("close_at", now, limit))
    return reminded, closed


def _due(column: str, now: datetime, limit: int) -> list[int]:
    found = CloseTimer.objects.filter(**{f"{column}__lte": now}).order_by(column)
    return list(found.values_list("pk", flat=True)[:limit])


def _remind(pk: int, now: datetime) -> int:
    with transaction.atomic():
        timer = CloseTimer.objects.select_related("ticket__requester").filter(pk=pk).first()
        # The claim: only the worker that clears the reminder sends it.
        if timer is None or not CloseTimer.objects.filter(pk=pk, remind_at__lte=now).update(
            remind_at=None
        ):
            return 0
        ticket = timer.ticket
        outbox_queue(
            key=f"autoclose-reminder:{ticket.pk}:{timer.resolved_at.isoformat()}",
            to=ticket.requester.email,
            subject=f"[{ticket.number}] Is your issue solved? It closes soon: {ticket.title}",
            body=(
                f"We resolved {ticket.number} ({ticket.title}).\n"
                f"If the problem is still there, reply to reopen it; otherwise it closes "
                f"automatically at {timer.close_at.isoformat()}.\n"
            ),
        )
        return 1


def _close(pk: int, now: datetime) -> int:
    with transaction.atomic():
        timer = CloseTimer.objects.select_related("ticket").filter(pk=pk).first()
        if timer is None or timer.close_at > now:
            return 0
        ticket = timer.ticket
        # Closed by a worker that read the timer of an earlier resolution: nothing to do.
        if ticket.state != State.RESOLVED or ticket.resolved_at != timer.resolved_at:
            timer.delete()
            return 0
        quiet = _quiet_for(timer)
        ticket_system_update(
            ticket=ticket,
            changes={"state": State.CLOSED},
            message=f"Closed automatically: the requester did not answer the resolution within {quiet}.",
        )
        CloseTimer.objects.filter(pk=pk).delete()
        return 1


def _quiet_for(timer: CloseTimer) -> str:
    hours = round(timer.quiet_period.total_seconds() / 3600)
    text = f"{hours // 24} days" if hours % 24 == 0 and hours >= 48 else f"{hours} hours"
    return f"{text} of business time" if timer.in_business_time else text
