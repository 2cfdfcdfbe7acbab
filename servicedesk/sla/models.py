"""Business calendars, SLA policies with their targets and actions, and each ticket's clocks."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.models import Organisation, SupportGroup
from servicedesk.sla.calendar import Calendar, CalendarError, calendar_from_dict
from servicedesk.sla.choices import (
    BREACH,
    DEFAULT_PAUSE_STATES,
    DEFAULT_WARNINGS,
    PAUSABLE_STATES,
    STOPPED,
    Action,
    ClockStatus,
    Metric,
)
from servicedesk.tickets.choices import Channel, Kind, Priority
from servicedesk.tickets.models import Category, ConfigurationItem, Ticket

HOURS_HELP = (
    'Working intervals per weekday, local time: {"mon": [["09:00", "12:00"], ["13:00", "17:00"]], '
    '..., "sun": []}. A missing day has no working time; "24:00" ends a day.'
)
HOLIDAYS_HELP = (
    'Dates without working time, ["2026-12-24", ...]; a half day gives its own hours: '
    '{"date": "2026-12-31", "hours": [["09:00", "12:00"]]}.'
)


class BusinessCalendar(models.Model):
    """When the clock runs: a time zone, working hours per weekday, and holidays."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", help_text="An IANA zone name.")
    always_open = models.BooleanField("24x7", default=False, help_text="Every hour of every day.")
    hours = models.JSONField(default=dict, blank=True, help_text=HOURS_HELP)
    holidays = models.JSONField(default=list, blank=True, help_text=HOLIDAYS_HELP)
    country = models.CharField(
        max_length=3, blank=True, help_text="Public holidays of this country (ISO code, e.g. DE)."
    )
    subdivision = models.CharField(
        max_length=10, blank=True, help_text="And of this state or region (e.g. BY)."
    )
    is_default = models.BooleanField(
        default=False, help_text="Used where no policy, organisation or group names a calendar."
    )
    groups = models.ManyToManyField(
        SupportGroup, through="GroupCalendar", blank=True, related_name="+"
    )
    organisations = models.ManyToManyField(
        Organisation, through="OrganisationCalendar", blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="calendar_one_default"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict:
        """The calendar in the JSON shape ``servicedesk sla-calc --calendar`` reads."""
        data: dict = {"timezone": self.timezone, "holidays": self.holidays or []}
        if self.always_open:
            data["preset"] = "24x7"
        else:
            data["hours"] = self.hours or {}
        if self.country:
            data["country_holidays"] = {"country": self.country}
            if self.subdivision:
                data["country_holidays"]["subdivision"] = self.subdivision
        return data

    def calendar(self) -> Calendar:
        """The pure calendar the arithmetic works on (kept per process until the row changes)."""
        key = (self.pk, self.updated_at)
        found = _CALENDARS.get(key)
        if found is None:
            found = _CALENDARS[key] = calendar_from_dict(self.as_dict())
        return found

    def clean(self) -> None:
        errors = self.field_errors()
        if errors:
            raise ValidationError(errors)
        try:
            calendar_from_dict(self.as_dict())
        except CalendarError as error:
            raise ValidationError(_sentence(error)) from None

    def field_errors(self) -> dict[str, str]:
        """What is wrong, field by field: each part is checked on its own, so that the admin
        and the API can show each message beside the field it is about."""
        # Every part is checked inside an otherwise valid calendar: UTC, open around the clock.
        base = {"timezone": "UTC", "preset": "24x7"}
        parts: dict[str, dict] = {}
        if self.timezone:  # an empty one is the field's own "required" error
            parts["timezone"] = {**base, "timezone": self.timezone}
        if not self.always_open:
            parts["hours"] = {"timezone": "UTC", "hours": self.hours or {}}
        parts["holidays"] = {**base, "holidays": self.holidays or []}
        if self.country:
            parts["country"] = {**base, "country_holidays": {"country": self.country}}
        if self.country and self.subdivision:
            place = {"country": self.country, "subdivision": self.subdivision}
            parts["subdivision"] = {**base, "country_holidays": place}
        errors: dict[str, str] = {}
        for name, data in parts.items():
            if name == "subdivision" and "country" in errors:
                continue
            try:
                calendar_from_dict(data)
            except CalendarError as error:
                errors[name] = _sentence(error)
        if self.subdivision and not self.country:
            errors["subdivision"] = "A subdivision needs its country."
        if self.is_default:
            other = BusinessCalendar.objects.filter(is_default=True).exclude(pk=self.pk).first()
            if other is not None:
                errors["is_default"] = f"{other} is the default calendar; untick it there first."
        return errors


def _sentence(error: CalendarError) -> str:
    text = str(error)
    return text[:1].upper() + text[1:]


_CALENDARS: dict[tuple, Calendar] = {}
TIER_RANK = {tier: rank for rank, tier in enumerate(Tier.values, start=1)}


def forget_calendar(pk: int) -> None:
    """Drop this process's kept arithmetic of one calendar (an edit saved at the same instant
    as the last one would otherwise find the old one under the same update time)."""
    for key in [key for key in _CALENDARS if key[0] == pk]:
        del _CALENDARS[key]


def always_open_calendar() -> Calendar:
    """What the clocks run on when no calendar is configured at all: every hour counts."""
    return calendar_from_dict({"timezone": settings.TIME_ZONE, "preset": "24x7"})


class GroupCalendar(models.Model):
    """A support group's own working hours (its internal targets run on them)."""

    group = models.OneToOneField(SupportGroup, on_delete=models.CASCADE, related_name="+")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"{self.group}: {self.calendar}"


class OrganisationCalendar(models.Model):
    """A customer organisation's hours: its tickets' clocks run on them unless a policy says."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE)

    def __str__(self) -> str:
        return f"{self.organisation}: {self.calendar}"


def _percentages(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(p, int) and not isinstance(p, bool) and 0 < p < BREACH for p in value
    ):
        raise ValidationError("A list of whole percentages between 1 and 99, such as [75, 90].")


@deconstructible
class ListOf:
    """Validates a JSON list whose items are all among ``allowed``."""

    def __init__(self, allowed: list):
        self.allowed = list(allowed)

    def __call__(self, value) -> None:
        if not isinstance(value, list) or not set(value) <= set(self.allowed):
            raise ValidationError(f"A list of: {', '.join(str(v) for v in self.allowed)}.")

    def __eq__(self, other) -> bool:
        return isinstance(other, ListOf) and self.allowed == other.allowed


def default_pause_states() -> list[str]:
    return list(DEFAULT_PAUSE_STATES)


def default_warnings() -> list[int]:
    return list(DEFAULT_WARNINGS)


class SLAPolicy(models.Model):
    """Targets for the tickets it matches: the first active policy in order applies.

    Each condition left empty matches every ticket. A policy with an ``internal_group`` is an
    operational-level agreement (OLA): its targets bind that group while it holds the ticket.
    """

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveIntegerField(default=100, help_text="Lower numbers are tried first.")
    is_active = models.BooleanField(default=True)
    kinds = models.JSONField(default=list, blank=True, validators=[ListOf(Kind.values)])
    priorities = models.JSONField(default=list, blank=True, validators=[ListOf(Priority.values)])
    channels = models.JSONField(default=list, blank=True, validators=[ListOf(Channel.values)])
    categories = models.ManyToManyField(Category, blank=True, related_name="+")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="+")
    services = models.ManyToManyField(
        ConfigurationItem, blank=True, related_name="+", help_text="Affected services."
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text="Empty: the organisation's calendar, else the default one.",
    )
    pause_states = models.JSONField(
        default=default_pause_states,
        blank=True,
        validators=[ListOf([str(s) for s in PAUSABLE_STATES])],
        help_text="States that stop the clock.",
    )
    warnings = models.JSONField(
        default=default_warnings,
        blank=True,
        validators=[_percentages],
        help_text="Warn when this share of a target is used, in percent: [75, 90].",
    )
    internal_group = models.ForeignKey(
        SupportGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Makes this an internal (OLA) policy of that group.",
    )
    auto_close_after = models.DurationField(
        null=True,
        blank=True,
        help_text=(
            "Close a resolved ticket the requester does not answer after this long "
            "(empty: SERVICEDESK_AUTO_CLOSE_AFTER, 48 hours by default)."
        ),
    )
    auto_close_in_business_time = models.BooleanField(
        default=False,
        help_text="Count the quiet period in the calendar's working hours, not on the clock.",
    )
    auto_close_reminder = models.DurationField(
        null=True,
        blank=True,
        help_text="Remind the requester this long before the automatic closure (empty: no reminder).",
    )
    # Saving the policy (the admin does, with its targets and actions) tells every process
    # that its kept copy of the policies is stale (sla.policies).
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"

    def __str__(self) -> str:
        return self.name


class SLATarget(models.Model):
    """How much business time a metric may take at one priority under a policy."""

    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="targets")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    priority = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    duration = models.DurationField(help_text="Business time, e.g. 04:00:00 for four hours.")

    class Meta:
        ordering = ["policy", "metric", "priority"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "metric", "priority"], name="sla_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(duration__gt=timedelta(0)), name="sla_target_positive"
            ),
        ]
        verbose_name = "SLA target"

    def __str__(self) -> str:
        return f"{self.policy}: {self.get_metric_display()} P{self.priority} {self.duration}"

    def clean(self) -> None:
        # The database refuses it too (sla_target_positive); this says so beside the field.
        if self.duration is not None and self.duration > timedelta(days=3660):
            raise ValidationError({"duration": "A target is at most ten years of business time."})
        if self.duration is not None and self.duration <= timedelta(0):
            raise ValidationError(
                {"duration": "A target is a positive business time, e.g. 04:00:00 for four hours."}
            )


class SLAAction(models.Model):
    """What the sweeper does when a clock reaches a threshold (a warning or the breach)."""

    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="actions")
    threshold = models.PositiveSmallIntegerField(
        default=BREACH,
        validators=[MinValueValidator(1), MaxValueValidator(BREACH)],
        help_text="Percent of the target: one of the policy's warnings, or 100 for the breach.",
    )
    metric = models.CharField(
        max_length=16, choices=Metric.choices, blank=True, help_text="Empty: every metric."
    )
    action = models.CharField(max_length=24, choices=Action.choices)
    group = models.ForeignKey(
        SupportGroup,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The group to reassign to.",
    )

    class Meta:
        ordering = ["policy", "threshold", "id"]
        verbose_name = "SLA action"

    def __str__(self) -> str:
        return f"{self.threshold}%: {self.get_action_display()}"

    def clean(self) -> None:
        if self.action == Action.REASSIGN and self.group_id is None:
            raise ValidationError({"group": "Name the group to reassign to."})


class Clock(models.Model):
    """One target running for one ticket: business time used, and when the next check is due.

    Business time is banked whenever the clock stops or pauses; while it runs, the time since
    ``running_since`` is added. ``next_check_at`` is the instant the next warning or the breach
    falls due: the sweeper's indexed range query reads it, and it is empty when nothing can.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="clocks")
    metric = models.CharField(max_length=16, choices=Metric.choices)
    policy = models.ForeignKey(SLAPolicy, on_delete=models.PROTECT, related_name="clocks")
    # The group an internal (OLA) clock binds; empty for the customer-facing SLA.
    group = models.ForeignKey(
        SupportGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target = models.DurationField()
    status = models.CharField(max_length=16, choices=ClockStatus.choices)
    # A next-response clock starts again after each requester reply: the cycle counts them (1
    # for every other clock). Its finished cycles are kept as ClockCycle rows.
    cycle = models.PositiveIntegerField(default=1)
    started_at = models.DateTimeField()
    banked = models.DurationField(default=timedelta(0), help_text="Business time used before.")
    running_since = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # The highest threshold (percent of the target) the sweeper has recorded.
    reached = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "metric"], condition=Q(group=None), name="clock_sla_unique"
            ),
            models.UniqueConstraint(fields=["ticket", "metric", "group"], name="clock_ola_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="clock_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
            models.Index(
                fields=["due_at"], name="clock_running_due", condition=Q(status="running")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.metric} {self.status}"

    @property
    def is_stopped(self) -> bool:
        return self.status in STOPPED


class Milestone(models.Model):
    """A warning or breach a clock reached: recorded once per cycle, whatever runs the sweeper."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="milestones")
    cycle = models.PositiveIntegerField(default=1)
    threshold = models.PositiveSmallIntegerField()
    reached_at = models.DateTimeField(help_text="When the share of the target was used up.")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["clock", "cycle", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["clock", "cycle", "threshold"], name="milestone_once_per_cycle"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clock} #{self.cycle} {self.threshold}%"


class ClockCycle(models.Model):
    """One finished cycle of a next-response clock: from a requester reply to the agent's
    answer (or the resolution), met or breached, for the reports to count."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="cycles")
    cycle = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=ClockStatus.choices)
    target = models.DurationField()
    used = models.DurationField(help_text="Business time from the reply to the answer.")
    started_at = models.DateTimeField()
    stopped_at = models.DateTimeField()
    breached_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["clock", "cycle"]
        constraints = [models.UniqueConstraint(fields=["clock", "cycle"], name="cycle_once")]

    def __str__(self) -> str:
        return f"{self.clock_id} #{self.cycle} {self.status}"


class EscalationTarget(models.Model):
    """Where "escalate to the next tier" sends a group's tickets: L1 -> an L2 group, L2 -> an
    L3 group. Without one the action falls back to the category's group of that tier, then to
    the only active group of that tier."""

    group = models.OneToOneField(
        SupportGroup, on_delete=models.CASCADE, related_name="+", help_text="Escalating from."
    )
    escalate_to = models.ForeignKey(
        SupportGroup, on_delete=models.CASCADE, related_name="+", help_text="Escalating to."
    )

    class Meta:
        ordering = ["group__tier", "group__name"]

    def __str__(self) -> str:
        return f"{self.group} -> {self.escalate_to}"

    def clean(self) -> None:
        if self.group_id is None or self.escalate_to_id is None:
            return
        group, target = self.group, self.escalate_to
        if group.pk == target.pk:
            raise ValidationError({"escalate_to": "A group cannot escalate to itself."})
        if TIER_RANK.get(target.tier, 0) <= TIER_RANK.get(group.tier, 0):
            raise ValidationError(
                {
                    "escalate_to": f"{target} is {target.get_tier_display()}; a group of "
                    f"{group.get_tier_display()} escalates to a higher tier."
                }
            )
        if not target.is_active:
            raise ValidationError({"escalate_to": f"{target} is not active."})


class CloseTimer(models.Model):
    """When a resolved ticket closes itself if its requester stays quiet, and when to remind.

    Set when the ticket is resolved, removed when it leaves that state; ``resolved_at`` ties
    the timer to one resolution, so a timer read before a reopen and a new resolution closes
    nothing.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="close_timer")
    resolved_at = models.DateTimeField()
    close_at = models.DateTimeField()
    remind_at = models.DateTimeField(null=True, blank=True)
    quiet_period = models.DurationField()
    in_business_time = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["close_at"], name="close_timer_due"),
            models.Index(
                fields=["remind_at"],
                name="close_timer_remind",
                condition=Q(remind_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} closes at {self.close_at:%Y-%m-%d %H:%M}"
