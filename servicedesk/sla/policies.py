"""Which policy a ticket runs under, on which calendar, with which targets.

The active policies are read once per process and kept until one of them changes: every
ticket write asks for its policy, and the check that the kept copy is current is the
configuration token core.config reads once per request, instead of the policies, their
targets, actions and conditions.
"""

from dataclasses import dataclass
from datetime import timedelta

from servicedesk.core import config
from servicedesk.sla.calendar import Calendar
from servicedesk.sla.choices import BREACH
from servicedesk.sla.models import (
    BusinessCalendar,
    GroupCalendar,
    OrganisationCalendar,
    SLAPolicy,
    always_open_calendar,
)
from servicedesk.tickets.models import Ticket


@dataclass(frozen=True)
class Rules:
    """One policy as the clocks use it: plain values, no further queries."""

    policy: SLAPolicy
    kinds: frozenset[str]
    priorities: frozenset[int]
    channels: frozenset[str]
    categories: frozenset[int]
    organisations: frozenset[int]
    services: frozenset[int]
    targets: dict[tuple[str, int], timedelta]
    thresholds: tuple[int, ...]  # the warnings, then the breach, ascending
    pause_states: frozenset[str]
    actions: tuple  # the policy's SLAAction rows

    def matches(self, ticket: Ticket) -> bool:
        def fits(allowed: frozenset, value) -> bool:
            return not allowed or value in allowed

        return (
            fits(self.kinds, ticket.kind)
            and fits(self.priorities, ticket.priority)
            and fits(self.channels, ticket.channel)
            and fits(self.categories, ticket.category_id)
            and fits(self.organisations, ticket.organisation_id)
            and fits(self.services, ticket.affected_service_id)
        )

    def target(self, metric: str, priority: int) -> timedelta | None:
        return self.targets.get((metric, priority))


KEY = "sla.policies"


def forget() -> None:
    """Drop the kept policies (tests do, between databases)."""
    config.drop(KEY)


@dataclass(frozen=True)
class _Kept:
    rules: tuple[Rules, ...]
    exist: bool  # any policy, active or not


_last: list[_Kept] = []  # what the last active_rules() call found (policies_exist reads it)


def active_rules() -> tuple[Rules, ...]:
    """The active policies in order (customer-facing and internal), ready to match and measure;
    read again only after a configuration change (core.config: saving or deleting a policy,
    its targets, actions or a calendar marks it)."""
    kept = config.kept(KEY, _load)
    _last[:] = [kept]
    return kept.rules


def _load() -> _Kept:
    policies = (
        SLAPolicy.objects.filter(is_active=True)
        .select_related("calendar")
        .prefetch_related("categories", "organisations", "services", "targets", "actions")
    )
    rules = tuple(policy_rules(policy) for policy in policies)
    return _Kept(rules=rules, exist=bool(rules) or SLAPolicy.objects.exists())


def policy_rules(policy: SLAPolicy) -> Rules:
    return Rules(
        policy=policy,
        kinds=frozenset(policy.kinds),
        priorities=frozenset(int(p) for p in policy.priorities),
        channels=frozenset(policy.channels),
        categories=frozenset(c.pk for c in policy.categories.all()),
        organisations=frozenset(o.pk for o in policy.organisations.all()),
        services=frozenset(s.pk for s in policy.services.all()),
        targets={(t.metric, t.priority): t.duration for t in policy.targets.all()},
        thresholds=tuple(sorted({*policy.warnings, BREACH})),
        pause_states=frozenset(policy.pause_states),
        actions=tuple(policy.actions.all()),
    )


def policies_exist() -> bool:
    """Whether any policy exists, active or not (none: no ticket can have a clock), as of the
    last ``active_rules()`` call, which the caller has just made."""
    return not _last or _last[0].exist


def rules_for(ticket: Ticket, every: tuple[Rules, ...] | None = None) -> Rules | None:
    """The first active customer-facing policy in order whose conditions the ticket meets
    (among ``every``, the result of ``active_rules()``, when the caller has it)."""
    every = active_rules() if every is None else every
    found = (r for r in every if r.policy.internal_group_id is None and r.matches(ticket))
    return next(found, None)


def internal_rules_for(ticket: Ticket, every: tuple[Rules, ...] | None = None) -> Rules | None:
    """The first active internal (OLA) policy of the ticket's group that the ticket meets."""
    group = ticket.assignment_group_id
    if group is None:
        return None
    every = active_rules() if every is None else every
    found = (r for r in every if r.policy.internal_group_id == group and r.matches(ticket))
    return next(found, None)


def rules_of(policy_id: int) -> Rules | None:
    return next((r for r in active_rules() if r.policy.pk == policy_id), None)


def calendar_for(rules: Rules | None, ticket: Ticket) -> Calendar:
    """The policy's calendar; else the group's for an internal policy, the organisation's for
    a customer-facing one; else the default calendar; else every hour of every day."""
    if rules is not None and rules.policy.calendar is not None:
        return rules.policy.calendar.calendar()
    if rules is not None and rules.policy.internal_group_id is not None:
        own = (
            GroupCalendar.objects.filter(group_id=rules.policy.internal_group_id)
            .select_related("calendar")
            .first()
        )
        if own is not None:
            return own.calendar.calendar()
    elif ticket.organisation_id is not None:
        own = (
            OrganisationCalendar.objects.filter(organisation_id=ticket.organisation_id)
            .select_related("calendar")
            .first()
        )
        if own is not None:
            return own.calendar.calendar()
    default = BusinessCalendar.objects.filter(is_default=True).first()
    return default.calendar() if default else always_open_calendar()
