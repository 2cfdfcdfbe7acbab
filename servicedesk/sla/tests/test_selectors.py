"""Where a ticket's clocks stand, as the desk and the API show them: business time used and
left, due times, and a level by the policy's warnings."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.sla.choices import ClockStatus, Level, Metric
from servicedesk.sla.models import OrganisationCalendar
from servicedesk.sla.selectors import ClockView, ticket_clocks
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
H = timedelta(hours=1)
M = timedelta(minutes=1)


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def office(db):
    return berlin_office()


@pytest.fixture
def ticket(office, requester_ann, agent_l1_lee, time_machine):
    policy_with(calendar=office, response="1h", resolution="8h")
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)


def views(ticket, hours: float) -> dict[str, ClockView]:
    found = ticket_clocks(ticket=ticket, now=at(hours))
    assert [v.metric for v in found] == [Metric.RESPONSE, Metric.RESOLUTION]
    return {v.metric: v for v in found}


def test_running_clocks_count_business_time_used_and_left(ticket):
    response, resolution = views(ticket, 0.5).values()
    assert (response.status, response.target, response.used) == (ClockStatus.RUNNING, H, 30 * M)
    assert (response.remaining, response.percent_used, response.level) == (30 * M, 50, Level.OK)
    assert response.due_at == at(1)
    assert (response.breached_at, response.stopped_at) == (None, None)
    assert (response.metric_label, response.level_label, response.badge) == (
        "First response", "On track", "teal",
    )  # fmt: skip
    assert (resolution.used, resolution.remaining, resolution.percent_used) == (30 * M, 7.5 * H, 6)
    assert resolution.due_at == at(8)  # 17:00 in Berlin


def test_evenings_and_nights_do_not_count(ticket):
    # Monday 20:00 in Berlin: the office closed at 17:00.
    resolution = views(ticket, 11)[Metric.RESOLUTION]
    assert resolution.used == 8 * H
    assert resolution.remaining == timedelta(0)
    assert resolution.level == Level.BREACHED  # used up at closing time


@pytest.mark.parametrize(
    ("hours", "level"),
    [(0.74, Level.OK), (0.75, Level.WARNING), (0.89, Level.WARNING), (0.9, Level.CRITICAL),
     (0.99, Level.CRITICAL), (1, Level.BREACHED)],
)  # fmt: skip
def test_the_level_follows_the_policys_warnings(ticket, hours, level):
    assert views(ticket, hours)[Metric.RESPONSE].level == level


def test_a_single_warning_is_never_critical(office, requester_ann, time_machine):
    policy_with(calendar=office, response="1h", resolution="8h", warnings=[80])
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2)
    assert views(ticket, 0.79)[Metric.RESPONSE].level == Level.OK
    assert views(ticket, 0.95)[Metric.RESPONSE].level == Level.WARNING


def test_overdue_before_and_after_the_sweep_records_it(ticket, time_machine):
    late = views(ticket, 1 + 1 / 3)[Metric.RESPONSE]
    assert (late.status, late.level) == (ClockStatus.RUNNING, Level.BREACHED)
    assert late.breached_at is None
    assert (late.remaining, late.overdue_by, late.percent_used) == (-20 * M, 20 * M, 133)
    assert late.is_overdue and late.due_at == at(1)

    time_machine.move_to(at(1.5), tick=False)
    sla_sweep()
    swept = views(ticket, 1.5)[Metric.RESPONSE]
    assert (swept.status, swept.level, swept.breached_at) == (
        ClockStatus.RUNNING, Level.BREACHED, at(1),
    )  # fmt: skip
    assert (swept.remaining, swept.due_at) == (-30 * M, at(1))


def test_a_paused_clock_has_no_due_time(ticket, agent_l1_lee, time_machine):
    time_machine.move_to(at(0.5), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Which printer?", is_public=True)
    time_machine.move_to(at(2), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})

    response, resolution = views(ticket, 5).values()
    assert (response.status, response.level, response.used) == (ClockStatus.MET, Level.MET, 30 * M)
    assert response.stopped_at == at(0.5)
    assert (resolution.status, resolution.level) == (ClockStatus.PAUSED, Level.PAUSED)
    assert (resolution.used, resolution.remaining, resolution.due_at) == (2 * H, 6 * H, None)


def test_a_late_answer_is_breached_for_good(ticket, agent_l1_lee, time_machine):
    time_machine.move_to(at(25), tick=False)  # Tuesday 10:00 in Berlin
    comment_add(ticket=ticket, by=agent_l1_lee, body="Sorry for the wait.", is_public=True)
    response = views(ticket, 30)[Metric.RESPONSE]
    assert (response.status, response.level) == (ClockStatus.BREACHED, Level.BREACHED)
    assert (response.used, response.remaining) == (9 * H, -8 * H)
    assert (response.breached_at, response.stopped_at) == (at(1), at(25))


def test_cancelled(ticket, agent_l1_lee, time_machine):
    time_machine.move_to(at(2), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.CANCELLED})
    assert {v.level for v in views(ticket, 3).values()} == {Level.CANCELLED}
    assert views(ticket, 3)[Metric.RESOLUTION].used == 2 * H


def test_no_policy_no_clocks(requester_ann, django_assert_num_queries):
    ticket = make_ticket(requester=requester_ann)
    with django_assert_num_queries(1):
        assert ticket_clocks(ticket=ticket, now=at(0)) == []


def test_internal_clocks_are_not_shown(ticket, office, service_desk, agent_l1_lee, time_machine):
    policy_with(calendar=office, response="30m", resolution="4h", name="Service desk OLA",
                internal_group=service_desk)  # fmt: skip
    time_machine.move_to(at(0.1), tick=False)
    ticket = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.IN_PROGRESS})
    assert ticket.clocks.exclude(group=None).count() == 2
    assert len(views(ticket, 0.5)) == 2


def test_one_query_with_the_policys_calendar(ticket, django_assert_num_queries):
    with django_assert_num_queries(1):
        ticket_clocks(ticket=ticket, now=at(1))


def test_without_a_policy_calendar_the_organisations_then_the_default(
    requester_ann, time_machine, django_assert_num_queries
):
    policy_with(calendar=None, response="1h", resolution="8h")
    berlin_office(name="Default", is_default=True)  # 09:00-17:00
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2)
    # The clocks and the calendars the policy leaves to the organisation or the default.
    with django_assert_num_queries(2):
        resolution = views(ticket, 10)[Metric.RESOLUTION]
    assert resolution.used == 8 * H

    early = berlin_office(name="Acme", hours={"mon": [["07:00", "19:00"]]})
    OrganisationCalendar.objects.create(organisation=requester_ann.organisation, calendar=early)
    with django_assert_num_queries(2):
        assert views(ticket, 10)[Metric.RESOLUTION].used == 10 * H  # 09:00-19:00


def test_with_no_calendar_at_all_every_hour_counts(requester_ann, time_machine):
    policy_with(calendar=None, response="1h", resolution="8h")
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2)
    assert views(ticket, 10)[Metric.RESOLUTION].used == 10 * H
