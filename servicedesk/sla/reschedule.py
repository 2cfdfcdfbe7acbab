"""Running clocks follow an edit of their calendar or their policy.

A clock stores its due time and next check (the sweep's indexed columns), worked out on the
calendar and against the target it had. Editing a calendar or a policy's targets moves them:
``ClockReschedule`` banks the business time each running clock has used up to the edit on
the calendar as it was (the time already used stays counted as it was), and after the save
works out the due times and next checks from there on the calendar and targets as they are
now. Both steps read and write the clocks in batches (two queries per batch, not one per clock),
inside the caller's transaction.

What is in scope is a little wider than what the edit changes: a calendar edit takes every clock
of a policy with that calendar and every clock of a policy without one (those run on the
organisation's, the group's or the default calendar). Working a clock out again on unchanged
rules gives the same times, so the wider scope costs time, never correctness.
"""

from collections.abc import Iterator
from datetime import datetime

from django.db import connection
from django.db.models import F, Q, QuerySet

from servicedesk.sla import policies
from servicedesk.sla.calendar import Calendar
from servicedesk.sla.choices import STOPPED, ClockStatus
from servicedesk.sla.models import (
    BusinessCalendar,
    Clock,
    GroupCalendar,
    OrganisationCalendar,
    always_open_calendar,
    forget_calendar,
)
from servicedesk.sla.policies import Rules, policy_rules
from servicedesk.sla.services import schedule, used

BATCH = 1000


class _Calendars:
    """``policies.calendar_for`` for many clocks: the group, organisation and default
    calendars read once, not once per clock."""

    def __init__(self) -> None:
        self.groups = {
            row.group_id: row.calendar for row in GroupCalendar.objects.select_related("calendar")
        }
        self.organisations = {
            row.organisation_id: row.calendar
            for row in OrganisationCalendar.objects.select_related("calendar")
        }
        self.default = BusinessCalendar.objects.filter(is_default=True).first()

    def __call__(self, rules: Rules, organisation_id: int | None) -> Calendar:
        policy = rules.policy
        if policy.calendar is not None:
            return policy.calendar.calendar()
        if policy.internal_group_id is not None:
            own = self.groups.get(policy.internal_group_id)
        else:
            own = self.organisations.get(organisation_id)
        if own is not None:
            return own.calendar()
        return self.default.calendar() if self.default else always_open_calendar()


class ClockReschedule:
    """``begin()`` before saving the edit, ``finish()`` after it (and after its targets and
    actions, in the admin), in the same transaction."""

    def __init__(
        self, *, calendar: int | None = None, policy: int | None = None, now: datetime
    ) -> None:
        self.calendar, self.policy, self.now = calendar, policy, now
        self.moved = 0

    def _scope(self) -> QuerySet[Clock]:
        clocks = Clock.objects.exclude(status__in=STOPPED)
        if self.calendar is not None:
            clocks = clocks.filter(Q(policy__calendar_id=self.calendar) | Q(policy__calendar=None))
        if self.policy is not None:
            clocks = clocks.filter(policy_id=self.policy)
        return clocks

    def _batches(self, clocks: QuerySet[Clock]) -> Iterator[list[Clock]]:
        ids = list(clocks.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = Clock.objects.filter(pk__in=ids[start : start + BATCH]).exclude(
                status__in=STOPPED
            )
            if connection.features.has_select_for_update:
                # A sweep or a ticket change between the read and the write must wait.
                batch = batch.select_for_update(of=("self",))
            yield list(
                batch.select_related("policy").annotate(
                    ticket_priority=F("ticket__priority"),
                    ticket_organisation=F("ticket__organisation_id"),
                )
            )

    def _rules(self) -> "dict[int, Rules]":
        return {r.policy.pk: r for r in policies.active_rules()}

    def _rules_of(self, kept: dict[int, Rules], clock: Clock) -> Rules:
        found = kept.get(clock.policy_id)
        if found is None:  # a policy switched off: its clocks still run out as they were set
            found = kept[clock.policy_id] = policy_rules(clock.policy)
        return found

    def begin(self) -> None:
        """Bank the time used so far on the calendars as they are (still unsaved edits)."""
        kept, calendars = self._rules(), _Calendars()
        running = self._scope().filter(status=ClockStatus.RUNNING)
        # A clock whose next check has come is left to the sweep: it records the thresholds
        # passed at the instants they were passed.
        running = running.filter(Q(next_check_at=None) | Q(next_check_at__gt=self.now))
        for batch in self._batches(running):
            for clock in batch:
                calendar = calendars(self._rules_of(kept, clock), clock.ticket_organisation)
                clock.banked = used(clock, calendar, self.now)
                clock.running_since = self.now
            Clock.objects.bulk_update(batch, ["banked", "running_since"], batch_size=BATCH)

    def finish(self) -> int:
        """Due times, next checks and targets from the saved calendars and policies; how many
        clocks moved."""
        policies.forget()  # read the policies again, whatever their update times say
        if self.calendar is not None:
            forget_calendar(self.calendar)
        kept, calendars = self._rules(), _Calendars()
        for batch in self._batches(self._scope()):
            changed = []
            for clock in batch:
                rules = self._rules_of(kept, clock)
                before = (clock.target, clock.due_at, clock.next_check_at)
                clock.target = rules.target(clock.metric, clock.ticket_priority) or clock.target
                schedule(clock, calendars(rules, clock.ticket_organisation), rules.thresholds)
                if (clock.target, clock.due_at, clock.next_check_at) != before:
                    changed.append(clock)
            Clock.objects.bulk_update(
                changed, ["target", "due_at", "next_check_at"], batch_size=BATCH
            )
            self.moved += len(changed)
        return self.moved
