"""Internal (OLA) targets bind a group while it holds the ticket, on the group's calendar."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.core import config
from servicedesk.sla.choices import ClockStatus, Metric
from servicedesk.sla.models import BusinessCalendar, Clock, GroupCalendar, SLATarget
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def network_ola(network_team):
    policy = policy_with(
        calendar=None, response="1h", resolution="8h", name="Network OLA",
        internal_group=network_team,
    )  # fmt: skip
    SLATarget.objects.filter(policy=policy, metric=Metric.RESPONSE).delete()
    SLATarget.objects.filter(policy=policy, metric=Metric.RESOLUTION, priority=3).update(
        duration=timedelta(hours=2)
    )
    config.changed()  # update() sends no signal (core.config)
    always = BusinessCalendar.objects.create(name="Around the clock", always_open=True)
    GroupCalendar.objects.create(group=network_team, calendar=always)
    return policy


@pytest.fixture
def ticket(network_ola, requester_ann, service_desk, agent_l1_lee, time_machine):
    policy_with(calendar=berlin_office(), response="1h", resolution="8h")
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(requester=requester_ann, impact=2, urgency=2, assignment_group=service_desk)


def internal(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, group__isnull=False)


def move(ticket, group, hours, by, time_machine):
    time_machine.move_to(at(hours), tick=False)
    return ticket_update(ticket=ticket, by=by, changes={"assignment_group": group})


def test_the_group_clock_runs_only_while_the_group_holds_the_ticket(
    ticket, network_team, service_desk, agent_l1_lee, time_machine
):
    assert not Clock.objects.filter(ticket=ticket, group__isnull=False).exists()
    ticket = move(ticket, network_team, 1, agent_l1_lee, time_machine)
    clock = internal(ticket)
    assert (clock.group, clock.metric, clock.status) == (network_team, "resolution", "running")
    assert clock.due_at == at(3)  # 2h on the network team's round-the-clock calendar
    ticket = move(ticket, service_desk, 2, agent_l1_lee, time_machine)
    clock = internal(ticket)
    assert (clock.status, clock.banked, clock.stopped_at) == (
        ClockStatus.MET,
        timedelta(hours=1),
        at(2),
    )
    # Back to the network team: its clock resumes with the hour it already used.
    move(ticket, network_team, 2.5, agent_l1_lee, time_machine)
    clock = internal(ticket)
    assert clock.status == ClockStatus.RUNNING
    assert clock.due_at == at(3.5)
    # The customer-facing clocks ran on regardless.
    customer = Clock.objects.get(ticket=ticket, group=None, metric=Metric.RESOLUTION)
    assert customer.status == ClockStatus.RUNNING
    assert customer.due_at == at(8)


def test_an_internal_breach_is_recorded_in_the_groups_name(
    ticket, network_team, agent_l1_lee, time_machine
):
    ticket = move(ticket, network_team, 1, agent_l1_lee, time_machine)
    time_machine.move_to(at(3.5), tick=False)
    sla_sweep()
    clock = internal(ticket)
    assert clock.breached_at == at(3)
    breached = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_BREACHED)
    # The customer's response target (1h) ran out too, at 10:00.
    assert sorted(e.message for e in breached) == [
        "First response target of 1h breached.",
        "Network Team's internal resolution target of 2h breached.",
    ]
