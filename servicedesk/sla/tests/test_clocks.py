"""A ticket's clocks follow the ticket: start, pause, stop at the first reply, resume on reopen."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.sla.choices import ClockStatus, Metric
from servicedesk.sla.models import Clock
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

# Mon 2026-06-01 in Berlin (+02:00): 09:00 local is 07:00Z.
MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    """Monday 09:00 Berlin plus ``hours`` of wall-clock time."""
    return MONDAY_0900 + timedelta(hours=hours)


def clocks(ticket) -> dict[str, Clock]:
    return {c.metric: c for c in Clock.objects.filter(ticket=ticket)}


@pytest.fixture
def policy(db):
    return policy_with(calendar=berlin_office(), response="1h", resolution="8h")


@pytest.fixture
def ticket(policy, requester_ann, agent_l1_lee, time_machine):
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)


def test_a_new_ticket_starts_both_clocks_on_the_policy_calendar(ticket):
    found = clocks(ticket)
    assert ticket.priority == 3
    assert found[Metric.RESPONSE].status == ClockStatus.RUNNING
    assert found[Metric.RESPONSE].due_at == at(1)
    assert found[Metric.RESPONSE].next_check_at == at(0.75)  # the 75% warning
    assert found[Metric.RESOLUTION].due_at == at(8)  # 17:00 local: due at closing time


def test_no_policy_no_clocks(requester_ann):
    assert not Clock.objects.filter(ticket=make_ticket(requester=requester_ann)).exists()


def test_an_internal_note_stops_nothing_a_public_reply_meets_the_response(
    ticket, agent_l1_lee, time_machine
):
    time_machine.move_to(at(0.25), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Looking at the logs.", is_public=False)
    assert clocks(ticket)[Metric.RESPONSE].status == ClockStatus.RUNNING
    time_machine.move_to(at(0.5), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="On it, will call you.", is_public=True)
    response = clocks(ticket)[Metric.RESPONSE]
    assert response.status == ClockStatus.MET
    assert response.banked == timedelta(minutes=30)
    assert response.stopped_at == at(0.5)
    assert response.next_check_at is None
    assert clocks(ticket)[Metric.RESOLUTION].status == ClockStatus.RUNNING


def test_awaiting_the_user_pauses_and_the_due_time_moves_by_the_pause(
    ticket, agent_l1_lee, time_machine
):
    time_machine.move_to(at(1), tick=False)
    ticket = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    paused = clocks(ticket)[Metric.RESOLUTION]
    assert (paused.status, paused.banked, paused.due_at) == (
        ClockStatus.PAUSED,
        timedelta(hours=1),
        None,
    )
    time_machine.move_to(at(3), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.IN_PROGRESS})
    # 8h from Mon 09:00 with two hours paused: Tue 11:00 local.
    assert clocks(ticket)[Metric.RESOLUTION].due_at == datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def test_resolve_stops_and_reopen_resumes_without_losing_time(ticket, agent_l1_lee, time_machine):
    time_machine.move_to(at(2), tick=False)
    ticket = ticket_update(
        ticket=ticket, by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )  # fmt: skip
    done = clocks(ticket)[Metric.RESOLUTION]
    assert (done.status, done.banked, done.stopped_at) == (
        ClockStatus.MET,
        timedelta(hours=2),
        at(2),
    )
    time_machine.move_to(at(4), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.IN_PROGRESS})
    again = clocks(ticket)[Metric.RESOLUTION]
    assert again.status == ClockStatus.RUNNING
    assert again.stopped_at is None
    # Six hours left from 13:00 local: 19:00 is past closing, so Tue 11:00 local.
    assert again.due_at == datetime(2026, 6, 2, 9, 0, tzinfo=UTC)


def test_a_priority_change_measures_the_time_used_against_the_new_target(
    policy, ticket, agent_l1_lee, time_machine
):
    time_machine.move_to(at(2), tick=False)
    ticket_update(
        ticket=ticket, by=agent_l1_lee, changes={"impact": 1, "urgency": 2}
    )  # the matrix gives priority 2: 4h
    resolution = clocks(ticket)[Metric.RESOLUTION]
    assert resolution.target == timedelta(hours=4)
    assert resolution.due_at == at(4)


def test_cancelling_counts_the_clock_neither_met_nor_breached(ticket, agent_l1_lee, time_machine):
    time_machine.move_to(at(1), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.CANCELLED})
    assert {c.status for c in clocks(ticket).values()} == {ClockStatus.CANCELLED}


def test_stopping_after_the_target_is_a_breach_at_the_due_time(ticket, agent_l1_lee, time_machine):
    # Tuesday 10:00 local: the response target ran out Monday 10:00 and no sweep ran since.
    time_machine.move_to(at(25), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Sorry for the wait.", is_public=True)
    response = clocks(ticket)[Metric.RESPONSE]
    assert response.status == ClockStatus.BREACHED
    assert response.breached_at == at(1)
    assert response.banked == timedelta(hours=9)  # all of Monday's hours and Tue 09-10 local


def test_sync_twice_changes_nothing(ticket, time_machine):
    from servicedesk.sla.services import clocks_sync

    before = list(Clock.objects.filter(ticket=ticket).values())
    clocks_sync(ticket=ticket, now=at(0.5))
    assert list(Clock.objects.filter(ticket=ticket).values()) == before
