"""Keeping a ticket's clocks in step with the ticket.

``clocks_sync`` runs after every change to a ticket (the tickets services call it through
``tickets.observers``). It reads what the ticket is now (state, priority, first response) and
moves each clock to match: start, pause, resume, stop, or a new target. It is idempotent:
running it twice for the same ticket and instant changes nothing the second time.
"""

from datetime import datetime, timedelta

from servicedesk.sla.autoclose import close_timer_sync
from servicedesk.sla.calendar import Calendar
from servicedesk.sla.choices import BREACH, ClockStatus, Metric
from servicedesk.sla.clock import due_at, elapsed
from servicedesk.sla.models import Clock
from servicedesk.sla.policies import (
    Rules,
    active_rules,
    calendar_for,
    internal_rules_for,
    policies_exist,
    policy_rules,
    rules_for,
    rules_of,
)
from servicedesk.tickets.choices import EventKind, State
from servicedesk.tickets.models import Ticket, TicketEvent

_DONE = frozenset({State.RESOLVED, State.CLOSED})
JUST_AFTER = timedelta(microseconds=1)


def _wanted(
    ticket: Ticket, clock: Clock, rules: Rules, now: datetime
) -> tuple[str, datetime | None]:
    """The status the clock should have, and the instant it stopped if it should be stopped."""
    if clock.group_id is not None and clock.group_id != ticket.assignment_group_id:
        # An internal (OLA) clock measures its group's share: it stops when the group hands on.
        return ClockStatus.MET, now
    if clock.metric == Metric.RESPONSE and ticket.first_response_at is not None:
        return ClockStatus.MET, max(ticket.first_response_at, clock.started_at)
    if ticket.state == State.CANCELLED:
        return ClockStatus.CANCELLED, ticket.closed_at or now
    if ticket.state in _DONE:
        # A resolution is an answer too: a ticket resolved unanswered stops its response clock.
        return ClockStatus.MET, ticket.resolved_at or ticket.closed_at or now
    if ticket.state in rules.pause_states:
        return ClockStatus.PAUSED, None
    return ClockStatus.RUNNING, None


def used(clock: Clock, calendar: Calendar, now: datetime) -> timedelta:
    """Business time the clock has used up to ``now``."""
    if clock.running_since is None or now <= clock.running_since:
        return clock.banked
    return clock.banked + elapsed(calendar=calendar, start=clock.running_since, end=now)


def threshold_instant(clock: Clock, calendar: Calendar, percent: int) -> datetime:
    """When a running clock uses ``percent`` of its target (in the past if it already has)."""
    share = clock.target * percent / BREACH
    if share <= clock.banked:
        return clock.running_since
    return due_at(calendar=calendar, start=clock.running_since, target=share - clock.banked)


def schedule(clock: Clock, calendar: Calendar, thresholds: tuple[int, ...]) -> None:
    """Set the due time and the next check of a running clock; clear them otherwise."""
    if clock.status != ClockStatus.RUNNING:
        clock.next_check_at = None
        if clock.status == ClockStatus.PAUSED:
            clock.due_at = None
        return
    clock.due_at = clock.breached_at or threshold_instant(clock, calendar, BREACH)
    later = [t for t in thresholds if t > clock.reached]
    if not later:
        clock.next_check_at = None
        return
    clock.next_check_at = threshold_instant(clock, calendar, later[0])
    if later[0] == BREACH:
        # A target used up at the very instant the clock stops is met: the breach is checked
        # just after the due time, never at it.
        clock.next_check_at += JUST_AFTER


def clocks_sync(
    *, ticket: Ticket, now: datetime, new: bool = False, every: tuple[Rules, ...] | None = None
) -> None:
    """Bring the ticket's clocks in line with the ticket as it is now: the customer-facing
    SLA's, and the internal (OLA) ones of the groups that held it.

    ``new``: the ticket was created just now, so it has no clocks to read.
    """
    every = active_rules() if every is None else every  # the observer has just read them
    customer = rules_for(ticket, every)
    internal = internal_rules_for(ticket, every)
    if customer is None and internal is None and (new or not policies_exist()):
        return  # no clock to start, and none that could exist
    clocks: dict[tuple[int | None, str], Clock] = {}
    if not new:
        clocks = {(c.group_id, c.metric): c for c in Clock.objects.filter(ticket_id=ticket.pk)}
    group = ticket.assignment_group_id
    for clock in clocks.values():
        if clock.group_id is not None and clock.group_id != group:  # handed on: it stops
            rules = rules_of(clock.policy_id) or policy_rules(clock.policy)
            _step(clock, ticket, rules, clock.target, now)
    owners = [(None, customer)] + ([(group, internal)] if group is not None else [])
    for owner, matching in owners:
        for metric in Metric.values:
            clock = clocks.get((owner, metric))
            rules = matching if clock is None else (matching or rules_of(clock.policy_id))
            if rules is None:
                continue  # no policy applies, and none ever did
            target = rules.target(metric, ticket.priority)
            if clock is None:
                if target is None:
                    continue
                clock = Clock(
                    ticket=ticket, metric=metric, policy=rules.policy, group_id=owner,
                    target=target, status=ClockStatus.PAUSED, started_at=now,
                )  # fmt: skip
            _step(clock, ticket, rules, target or clock.target, now)


def _step(clock: Clock, ticket: Ticket, rules: Rules, target: timedelta, now: datetime) -> None:
    calendar = calendar_for(rules, ticket)
    before = _snapshot(clock)
    status, stopped_at = _wanted(ticket, clock, rules, now)
    if clock.is_stopped and (clock.metric == Metric.RESPONSE or status != ClockStatus.RUNNING):
        # A stopped clock only restarts when a resolved ticket is reopened, or when the
        # ticket comes back to the group an internal clock measures.
        return
    if clock.status == ClockStatus.RUNNING and status != ClockStatus.RUNNING:
        end = stopped_at or now
        if clock.breached_at is None and used(clock, calendar, end) > clock.target:
            # Stopped late, before any sweep saw it: the breach fell when the target ran out.
            clock.breached_at = threshold_instant(clock, calendar, BREACH)
        clock.banked = used(clock, calendar, end)
        clock.running_since = None
    if status == ClockStatus.RUNNING and clock.status != ClockStatus.RUNNING:
        clock.running_since = now
        clock.stopped_at = None
    clock.policy = rules.policy
    clock.target = target
    clock.status = status
    if clock.is_stopped:
        clock.stopped_at = stopped_at
        if status != ClockStatus.CANCELLED and (clock.breached_at or clock.banked > target):
            clock.status = ClockStatus.BREACHED
    schedule(clock, calendar, rules.thresholds)
    if clock._state.adding or _snapshot(clock) != before:
        clock.save()


def _snapshot(clock: Clock) -> tuple:
    return (
        clock.policy_id, clock.target, clock.status, clock.banked, clock.running_since,
        clock.due_at, clock.next_check_at, clock.breached_at, clock.stopped_at,
    )  # fmt: skip


# What in an event can move a clock: its state, its priority, the conditions policies match
# on, the group (internal clocks), and the first response. Links, watchers and files cannot.
_MOVES_CLOCKS = frozenset(
    {
        "state", "priority", "kind", "channel", "category", "affected_service", "requester",
        "assignment_group", "first_response_at",
    }
)  # fmt: skip


def ticket_event_observed(event: TicketEvent) -> None:
    """The tickets services' observer (tickets.observers): sync after a change that matters."""
    created = event.kind == EventKind.CREATED
    if not created and not _MOVES_CLOCKS & set(event.changes):
        return
    state = event.changes.get("state") or [None, None]
    # Entering or leaving "resolved" sets or removes the automatic closure's timer.
    resolution_moved = not created and State.RESOLVED in state
    every = active_rules()  # one small query: is the kept copy of the policies current?
    if not policies_exist() and not resolution_moved:
        return  # no policy at all: no clock to start or move
    ticket = Ticket.objects.get(pk=event.ticket_id)
    clocks_sync(ticket=ticket, now=event.created_at, new=created, every=every)
    if resolution_moved:
        close_timer_sync(ticket=ticket, every=every)
