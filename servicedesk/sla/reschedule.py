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
from types import SimpleNamespace

from django.db import connection
from django.db.models import Q, QuerySet

from servicedesk.sla import policies
from servicedesk.sla.calendar import Calendar
from servicedesk.sla.choices import STOPPED, ClockStatus
from servicedesk.sla.models import (
    BusinessCalendar,
    Clock,
    GroupCalendar,
    OrganisationCalendar,
    SLAPolicy,
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


# What a batch reads of each clock, and what the arithmetic (services.used, schedule) reads of it.
_READ = (
    "pk", "metric", "policy_id", "status", "target", "banked", "running_since", "due_at",
    "next_check_at", "breached_at", "reached", "ticket__priority", "ticket__organisation_id",
)  # fmt: skip


class _Row(SimpleNamespace):
    """A clock as a batch holds it: plain values, none of a model instance's cost (a hundred
    thousand of them are read per edit)."""


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

    def _batches(self, clocks: QuerySet[Clock]) -> Iterator[list[_Row]]:
        ids = list(clocks.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            batch = Clock.objects.filter(pk__in=ids[start : start + BATCH]).exclude(
                status__in=STOPPED
            )
            if connection.features.has_select_for_update:
                # A sweep or a ticket change between the read and the write must wait.
                batch = batch.select_for_update(of=("self",))
            yield [_Row(**dict(zip(_READ, row, strict=True))) for row in batch.values_list(*_READ)]

    def _rules_of(self, kept: dict[int, Rules], row: _Row) -> Rules:
        found = kept.get(row.policy_id)
        if found is None:  # a policy switched off: its clocks still run out as they were set
            found = kept[row.policy_id] = policy_rules(SLAPolicy.objects.get(pk=row.policy_id))
        return found

    def begin(self) -> None:
        """Bank the time used so far on the calendars as they are (still unsaved edits)."""
        kept, calendars = _rules(), _Calendars()
        running = self._scope().filter(status=ClockStatus.RUNNING)
        # A clock whose next check has come is left to the sweep: it records the thresholds
        # passed at the instants they were passed.
        running = running.filter(Q(next_check_at=None) | Q(next_check_at__gt=self.now))
        for batch in self._batches(running):
            for row in batch:
                calendar = calendars(self._rules_of(kept, row), row.ticket__organisation_id)
                row.banked = used(row, calendar, self.now)
                row.running_since = self.now
            _write(batch, ("banked", "running_since"))

    def finish(self) -> int:
        """Due times, next checks and targets from the saved calendars and policies; how many
        clocks moved."""
        policies.forget()  # read the policies again, whatever their update times say
        if self.calendar is not None:
            forget_calendar(self.calendar)
        kept, calendars = _rules(), _Calendars()
        for batch in self._batches(self._scope()):
            changed = []
            for row in batch:
                rules = self._rules_of(kept, row)
                before = (row.target, row.due_at, row.next_check_at)
                row.target = rules.target(row.metric, row.ticket__priority) or row.target
                schedule(row, calendars(rules, row.ticket__organisation_id), rules.thresholds)
                if (row.target, row.due_at, row.next_check_at) != before:
                    changed.append(row)
            _write(changed, ("target", "due_at", "next_check_at"))
            self.moved += len(changed)
        return self.moved


def _rules() -> dict[int, Rules]:
    return {r.policy.pk: r for r in policies.active_rules()}


def _write(rows: list[_Row], names: tuple[str, ...]) -> None:
    """One UPDATE by primary key, sent for every row at once (executemany): Django's
    bulk_update builds a CASE per field and row, which costs more than the arithmetic."""
    if not rows:
        return
    fields = [Clock._meta.get_field(name) for name in names]
    table = connection.ops.quote_name(Clock._meta.db_table)
    sets = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    values = [
        [f.get_db_prep_value(getattr(row, f.name), connection) for f in fields] + [row.pk]
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", values)
