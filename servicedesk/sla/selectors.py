"""Reads of the SLA domain: calendars and policies as the API lists them; where a ticket's
clocks stand, and which tickets are about to breach or have breached (the desk's SLA queues).

The clock reads take only the customer-facing clocks (``group`` empty): they are the targets
the requester was promised; an internal (OLA) clock is a group's own business.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DateTimeField, Exists, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from servicedesk.sla.calendar import Calendar
from servicedesk.sla.choices import BREACH, LEVEL_BADGE, ClockStatus, Level, Metric
from servicedesk.sla.models import (
    BusinessCalendar,
    Clock,
    ClockCycle,
    EscalationTarget,
    OrganisationCalendar,
    SLAPolicy,
    always_open_calendar,
)
from servicedesk.sla.services import used
from servicedesk.tickets.models import Ticket

# The annotation the SLA queues sort by: the earliest due time of the clocks that put the
# ticket in the queue.
SLA_DUE = "sla_due"
SLA_DUE_FIELD = DateTimeField()
_METRIC_ORDER = {metric: i for i, metric in enumerate(Metric.values)}


def calendar_list() -> QuerySet[BusinessCalendar]:
    """Every business calendar, by name."""
    return BusinessCalendar.objects.order_by("name")


def escalation_target_list() -> QuerySet[EscalationTarget]:
    """Every group's escalation target, by the escalating group's tier and name."""
    return EscalationTarget.objects.select_related("group", "escalate_to")


def policy_list() -> QuerySet[SLAPolicy]:
    """Every SLA policy in the order they are tried, with its conditions, targets and actions."""
    return SLAPolicy.objects.order_by("order", "id").prefetch_related(
        "categories", "organisations", "services", "targets", "actions"
    )


@dataclass(frozen=True)
class ClockView:
    """One clock as an agent reads it at ``now``: business time used and left, and its level."""

    metric: str
    status: str
    target: timedelta
    used: timedelta
    due_at: datetime | None  # None while paused: a paused clock falls due at no fixed time
    breached_at: datetime | None
    stopped_at: datetime | None
    level: str
    # A next-response clock: the cycle shown (one per requester reply), and how the finished
    # ones ended. Every other clock has one cycle and counts nothing here.
    cycle: int = 1
    cycles_met: int = 0
    cycles_breached: int = 0

    @property
    def remaining(self) -> timedelta:
        """Business time left; negative once the target is overrun."""
        return self.target - self.used

    @property
    def percent_used(self) -> int:
        """The share of the target used, in whole percent (rounded down; past 100 when late)."""
        return self.used * 100 // self.target

    @property
    def is_overdue(self) -> bool:
        return self.used > self.target

    @property
    def overdue_by(self) -> timedelta:
        return max(self.used - self.target, timedelta(0))

    @property
    def metric_label(self) -> str:
        return Metric(self.metric).label

    @property
    def status_label(self) -> str:
        return ClockStatus(self.status).label

    @property
    def level_label(self) -> str:
        return Level(self.level).label

    @property
    def badge(self) -> str:
        return LEVEL_BADGE[self.level]


def clock_level(clock: Clock, spent: timedelta, warnings: list[int]) -> str:
    """The clock's level: its status once stopped or paused, else how far through its target.

    A clock past its target is breached whether or not the sweep has recorded it yet. With two
    or more warnings the last one marks "critical"; a single warning only "warning".
    """
    if clock.status == ClockStatus.CANCELLED:
        return Level.CANCELLED
    if clock.status == ClockStatus.MET:
        return Level.MET
    if clock.status == ClockStatus.BREACHED or clock.breached_at or spent >= clock.target:
        return Level.BREACHED
    if clock.status == ClockStatus.PAUSED:
        return Level.PAUSED
    steps = sorted({w for w in warnings if 0 < w < BREACH})

    def reached(percent: int) -> bool:
        return spent * BREACH >= clock.target * percent

    if len(steps) > 1 and reached(steps[-1]):
        return Level.CRITICAL
    if steps and reached(steps[0]):
        return Level.WARNING
    return Level.OK


def ticket_clocks(*, ticket: Ticket, now: datetime) -> list[ClockView]:
    """The ticket's customer-facing clocks at ``now``: first response, next response, resolution.

    One query for the clocks with their policies and calendars, one more only when a policy
    names no calendar (the organisation's and the default one, read together), and one for
    the finished cycles only when there is a next-response clock; the calendars' arithmetic is
    kept per process (``BusinessCalendar.calendar``).
    """
    clocks = sorted(
        Clock.objects.filter(ticket_id=ticket.pk, group=None).select_related("policy__calendar"),
        key=lambda c: _METRIC_ORDER.get(c.metric, len(_METRIC_ORDER)),
    )
    outcomes: dict[tuple[int, str], int] = {}
    replies = [c.pk for c in clocks if c.metric == Metric.NEXT_RESPONSE]
    if replies:
        counted = (
            ClockCycle.objects.filter(clock_id__in=replies)
            .values("clock_id", "status")
            .annotate(n=Count("id"))
        )
        outcomes = {(row["clock_id"], row["status"]): row["n"] for row in counted}
    fallback: Calendar | None = None
    views = []
    for clock in clocks:
        own = clock.policy.calendar
        if own is not None:
            calendar = own.calendar()
        else:
            fallback = fallback or _fallback_calendar(ticket)
            calendar = fallback
        spent = used(clock, calendar, now)
        views.append(
            ClockView(
                metric=clock.metric,
                status=clock.status,
                target=clock.target,
                used=spent,
                due_at=None if clock.status == ClockStatus.PAUSED else clock.due_at,
                breached_at=clock.breached_at,
                stopped_at=clock.stopped_at,
                level=clock_level(clock, spent, clock.policy.warnings or []),
                cycle=clock.cycle,
                cycles_met=outcomes.get((clock.pk, ClockStatus.MET), 0),
                cycles_breached=outcomes.get((clock.pk, ClockStatus.BREACHED), 0),
            )
        )
    return views


def _fallback_calendar(ticket: Ticket) -> Calendar:
    """As ``policies.calendar_for`` without a policy calendar: the organisation's, else the
    default, else every hour; in one query."""
    found = Q(is_default=True)
    if ticket.organisation_id is not None:
        found |= Q(
            pk__in=OrganisationCalendar.objects.filter(
                organisation_id=ticket.organisation_id
            ).values("calendar_id")
        )
    # The organisation's before the default.
    candidates = sorted(BusinessCalendar.objects.filter(found), key=lambda c: c.is_default)
    return candidates[0].calendar() if candidates else always_open_calendar()


# --- the SLA queues --------------------------------------------------------------------------


def _customer_clocks() -> QuerySet[Clock]:
    # Correlated on the ticket: each probe reads one ticket's few clocks through the clocks'
    # ticket index, however many clocks the desk holds (test_queue_plans shows the plans).
    return Clock.objects.filter(ticket_id=OuterRef("pk"), group=None)


def _running_due_by(by: datetime) -> QuerySet[Clock]:
    return _customer_clocks().filter(status=ClockStatus.RUNNING, due_at__lte=by)


def _breached() -> QuerySet[Clock]:
    return _customer_clocks().filter(
        Q(status=ClockStatus.BREACHED)
        | Q(breached_at__isnull=False, status__in=(ClockStatus.RUNNING, ClockStatus.PAUSED))
    )


def breaching_by(by: datetime) -> Exists:
    """A ticket condition: a clock runs that falls due by ``by`` (or is overdue already)."""
    return Exists(_running_due_by(by))


def breached() -> Exists:
    """A ticket condition: a clock breached, stopped since or not (a late first response
    counts while the ticket is open)."""
    return Exists(_breached())


def _earliest(clocks: QuerySet[Clock], when) -> Subquery:
    # MIN over the ticket's clocks (grouped by the one ticket they share), not ORDER BY ...
    # LIMIT 1: no sort for each row of the page.
    first = clocks.order_by().values("ticket_id").annotate(first=Min(when)).values("first")
    return Subquery(first, output_field=SLA_DUE_FIELD)


def tickets_breaching_by(tickets: QuerySet[Ticket], *, by: datetime) -> QuerySet[Ticket]:
    """Those of ``tickets`` with a running clock due by ``by``, overdue ones included, each
    annotated ``sla_due``: the earliest such due time."""
    return tickets.filter(breaching_by(by)).annotate(
        **{SLA_DUE: _earliest(_running_due_by(by), "due_at")}
    )


def tickets_breached(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Those of ``tickets`` with a breached clock, each annotated ``sla_due``: when the first of
    those clocks fell due (its breach; a breach the sweep never timed counts from its due time
    or, failing that, its start)."""
    fell_due = Coalesce("breached_at", "due_at", "started_at")
    return tickets.filter(breached()).annotate(**{SLA_DUE: _earliest(_breached(), fell_due)})
