"""Keeping a ticket's clocks in step with the ticket.

``clocks_sync`` runs after every change to a ticket (the tickets services call it through
``tickets.observers``). It reads what the ticket is now (state, priority, first response) and
moves each clock to match: start, pause, resume, stop, or a new target. It is idempotent:
running it twice for the same ticket and instant changes nothing the second time.
"""

from datetime import datetime, timedelta

from servicedesk.sla.actions import milestone_act, milestone_record
from servicedesk.sla.autoclose import close_timer_sync
from servicedesk.sla.calendar import Calendar
from servicedesk.sla.choices import ANSWERED_BY_REPLY, BREACH, STOPPED, ClockStatus, Metric
from servicedesk.sla.clock import due_at, elapsed
from servicedesk.sla.models import Clock, ClockCycle
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
# Who wrote a public reply (clocks_sync's ``reply``): the requester's side, or an agent's answer.
CUSTOMER, AGENT = "customer", "agent"


def _wanted(
    ticket: Ticket, clock: Clock, rules: Rules, now: datetime, answered: datetime | None
) -> tuple[str, datetime | None]:
    """The status the clock should have, and the instant it stopped if it should be stopped.

    ``answered``: an agent's public reply at that instant (it ends a next-response cycle).
    """
    if clock.group_id is not None and clock.group_id != ticket.assignment_group_id:
        # An internal (OLA) clock measures its group's share: it stops when the group hands on.
        return ClockStatus.MET, now
    if clock.metric == Metric.RESPONSE and ticket.first_response_at is not None:
        return ClockStatus.MET, max(ticket.first_response_at, clock.started_at)
    if clock.metric == Metric.NEXT_RESPONSE and answered is not None:
        return ClockStatus.MET, max(answered, clock.started_at)
    if ticket.state == State.CANCELLED:
        return ClockStatus.CANCELLED, ticket.closed_at or now
    if ticket.state in _DONE:
        # A resolution is an answer too: a ticket resolved unanswered stops its response clocks.
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
    *,
    ticket: Ticket,
    now: datetime,
    new: bool = False,
    every: tuple[Rules, ...] | None = None,
    reply: str | None = None,
) -> None:
    """Bring the ticket's clocks in line with the ticket as it is now: the customer-facing
    SLA's, and the internal (OLA) ones of the groups that held it.

    ``new``: the ticket was created just now, so it has no clocks to read. ``reply``: the change
    is a public reply, ``CUSTOMER``'s (it opens a next-response cycle once the first response
    is given) or ``AGENT``'s (it answers the open cycle).

    A clock that stops or pauses after its target ran out, before any sweep saw it, is breached
    when the target ran out; its breach is recorded and acted on here, once, as the sweep would.
    """
    every = active_rules() if every is None else every  # the observer has just read them
    customer = rules_for(ticket, every)
    internal = internal_rules_for(ticket, every)
    if customer is None and internal is None and (new or not policies_exist()):
        return  # no clock to start, and none that could exist
    clocks: dict[tuple[int | None, str], Clock] = {}
    if not new:
        clocks = {(c.group_id, c.metric): c for c in Clock.objects.filter(ticket_id=ticket.pk)}
    late: list[tuple[Clock, Rules]] = []
    group = ticket.assignment_group_id
    answered = now if reply == AGENT else None
    for clock in clocks.values():
        if clock.group_id is not None and clock.group_id != group:  # handed on: it stops
            rules = rules_of(clock.policy_id) or policy_rules(clock.policy)
            if _step(clock, ticket, rules, clock.target, now, answered):
                late.append((clock, rules))
    owners = [(None, customer)] + ([(group, internal)] if group is not None else [])
    started: list[Clock] = []  # a new ticket's clocks, written together
    for owner, matching in owners:
        for metric in Metric.values:
            clock = clocks.get((owner, metric))
            rules = matching if clock is None else (matching or rules_of(clock.policy_id))
            if rules is None:
                continue  # no policy applies, and none ever did
            target = rules.target(metric, ticket.priority)
            opening = (
                metric == Metric.NEXT_RESPONSE
                and reply == CUSTOMER
                and ticket.first_response_at is not None
                and target is not None
                and (clock is None or clock.is_stopped)
            )
            if clock is None:
                if target is None or (metric == Metric.NEXT_RESPONSE and not opening):
                    continue
                clock = Clock(
                    ticket=ticket, metric=metric, policy=rules.policy, group_id=owner,
                    target=target, status=ClockStatus.PAUSED, started_at=now,
                )  # fmt: skip
            elif opening:
                _cycle_open(clock, target, now)
            if _step(
                clock, ticket, rules, target or clock.target, now, answered, opening,
                started if new else None,
            ):  # fmt: skip
                late.append((clock, rules))
    Clock.objects.bulk_create(started)
    for clock, rules in late:
        _late_breach(clock, ticket, rules, now)


def _cycle_open(clock: Clock, target: timedelta, now: datetime) -> None:
    """Start the next cycle of a stopped next-response clock: nothing used yet."""
    clock.cycle += 1
    clock.target = target
    clock.status = ClockStatus.PAUSED  # _step sets it running unless the ticket waits
    clock.started_at = now
    clock.banked = timedelta(0)
    clock.reached = 0
    clock.running_since = clock.due_at = clock.next_check_at = None
    clock.breached_at = clock.stopped_at = None


def _step(
    clock: Clock,
    ticket: Ticket,
    rules: Rules,
    target: timedelta,
    now: datetime,
    answered: datetime | None = None,
    opening: bool = False,
    started: list[Clock] | None = None,
) -> bool:
    """Move one clock; True when it just stopped or paused past its target unseen by a sweep
    (a breach for the caller to record once the clocks are saved). A new clock goes to
    ``started`` when given, for the caller to write, instead of being saved here."""
    calendar = calendar_for(rules, ticket)
    before = _snapshot(clock)
    status, stopped_at = _wanted(ticket, clock, rules, now, answered)
    if opening and status in STOPPED:
        # The requester's reply reopens a resolved ticket right after it is recorded: the
        # cycle waits for that change (the next event) to start running.
        status, stopped_at = ClockStatus.PAUSED, None
    if clock.is_stopped and (clock.metric in ANSWERED_BY_REPLY or status != ClockStatus.RUNNING):
        # A stopped clock only restarts when a resolved ticket is reopened, or when the
        # ticket comes back to the group an internal clock measures; a next-response clock
        # starts its next cycle at the next requester reply (_cycle_open).
        return False
    was_stopped = clock.is_stopped
    late = False
    if clock.status == ClockStatus.RUNNING and status != ClockStatus.RUNNING:
        end = stopped_at or now
        if clock.breached_at is None and used(clock, calendar, end) > clock.target:
            # Stopped late, before any sweep saw it: the breach fell when the target ran out.
            clock.breached_at = threshold_instant(clock, calendar, BREACH)
            late = clock.reached < BREACH
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
    if clock._state.adding and started is not None:
        started.append(clock)  # the caller writes them in one statement
    elif clock._state.adding or _snapshot(clock) != before:
        clock.save()
    if clock.metric == Metric.NEXT_RESPONSE and clock.is_stopped and not was_stopped:
        ClockCycle.objects.create(
            clock=clock, cycle=clock.cycle, status=clock.status, target=clock.target,
            used=clock.banked, started_at=clock.started_at, stopped_at=clock.stopped_at,
            breached_at=clock.breached_at,
        )  # fmt: skip
    return late


def _late_breach(clock: Clock, ticket: Ticket, rules: Rules, now: datetime) -> None:
    """Record the breach of a clock that ran out unseen, and run the policy's breach actions.

    The warnings it passed unseen are not recorded: their time is gone, and what they would
    notify is now the breach. The clock is saved first, so the ticket changes the actions
    make (each syncs the clocks again) find it recorded.
    """
    clock.reached = BREACH
    Clock.objects.filter(pk=clock.pk).update(reached=BREACH)
    clock.ticket = ticket
    if milestone_record(clock=clock, threshold=BREACH, reached_at=clock.breached_at, now=now):
        milestone_act(clock=clock, rules=rules, threshold=BREACH)


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


def _reply(event: TicketEvent, ticket: Ticket) -> str | None:
    """Whose public reply the event records, if it records one: an agent answering (not the
    requester themself), or the requester's side (the requester, or another end user)."""
    if event.kind != EventKind.COMMENTED or event.is_internal or event.actor_id is None:
        return None
    if event.actor_id == ticket.requester_id or not event.actor.is_agent:
        return CUSTOMER
    return AGENT


def ticket_event_observed(event: TicketEvent) -> None:
    """The tickets services' observer (tickets.observers): sync after a change that matters."""
    created = event.kind == EventKind.CREATED
    public_reply = event.kind == EventKind.COMMENTED and not event.is_internal
    if not created and not public_reply and not _MOVES_CLOCKS & set(event.changes):
        return
    state = event.changes.get("state") or [None, None]
    # Entering or leaving "resolved" sets or removes the automatic closure's timer.
    resolution_moved = not created and State.RESOLVED in state
    every = active_rules()  # one small query: is the kept copy of the policies current?
    if not policies_exist() and not resolution_moved:
        return  # no policy at all: no clock to start or move
    if created and TicketEvent.ticket.is_cached(event):
        ticket = event.ticket  # written a moment ago by ticket_create: nothing to re-read
    else:
        ticket = Ticket.objects.get(pk=event.ticket_id)
    reply = _reply(event, ticket)
    clocks_sync(ticket=ticket, now=event.created_at, new=created, every=every, reply=reply)
    if resolution_moved:
        close_timer_sync(ticket=ticket, every=every)
