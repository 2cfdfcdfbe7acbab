"""Next-response targets: after each requester reply, a clock for the agent's next public reply,
recorded met or breached per cycle."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.core.models import OutboxMessage
from servicedesk.sla.choices import Action, ClockStatus, Metric
from servicedesk.sla.models import Clock, ClockCycle, Milestone
from servicedesk.sla.selectors import ticket_clocks
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import EventKind, State
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def policy(agent_l1_lee):
    agent_l1_lee.email = "lee@example.org"
    agent_l1_lee.save()
    return policy_with(
        calendar=berlin_office(), response="1h", resolution="8h", next_response="2h",
        actions=[(100, Action.NOTIFY_ASSIGNEE, None)],
    )  # fmt: skip


@pytest.fixture
def ticket(policy, requester_ann, agent_l1_lee, time_machine):
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)


@pytest.fixture
def say(time_machine):
    def say(hours: float, who, text: str = "Any news?", public: bool = True):
        time_machine.move_to(at(hours), tick=False)
        return comment_add(ticket=who_ticket[0], by=who, body=text, is_public=public)

    who_ticket: list = []
    say.on = who_ticket
    return say


def next_response(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=Metric.NEXT_RESPONSE)


def cycles(ticket) -> list[tuple[int, str, timedelta]]:
    return list(
        ClockCycle.objects.filter(clock__ticket=ticket).values_list("cycle", "status", "used")
    )


def test_no_next_response_clock_before_the_first_response(ticket, say, requester_ann):
    say.on.append(ticket)
    say(0.25, requester_ann, "Forgot to say: it is the colour printer.")
    assert not Clock.objects.filter(ticket=ticket, metric=Metric.NEXT_RESPONSE).exists()


def test_each_requester_reply_opens_a_cycle_the_agent_reply_closes(
    ticket, say, requester_ann, agent_l1_lee
):
    say.on.append(ticket)
    say(0.5, agent_l1_lee, "Which floor?")  # the first response
    say(1, requester_ann, "Floor 3.")
    clock = next_response(ticket)
    assert (clock.cycle, clock.status, clock.started_at) == (1, ClockStatus.RUNNING, at(1))
    assert clock.due_at == at(3)
    assert clock.next_check_at == at(2.5)  # 75% of 2h
    say(1.5, requester_ann, "Still jammed.")  # a second reply while waiting: same cycle
    assert next_response(ticket).cycle == 1
    say(2, agent_l1_lee, "Internal: ordered a part.", public=False)  # a note answers nothing
    assert next_response(ticket).status == ClockStatus.RUNNING
    say(2.5, agent_l1_lee, "A technician comes at 14:00.")
    clock = next_response(ticket)
    assert (clock.status, clock.banked, clock.stopped_at) == (
        ClockStatus.MET, timedelta(hours=1.5), at(2.5),
    )  # fmt: skip
    assert cycles(ticket) == [(1, ClockStatus.MET, timedelta(hours=1.5))]
    say(3, requester_ann, "Thanks, 14:00 is fine.")
    clock = next_response(ticket)
    assert (clock.cycle, clock.status, clock.banked, clock.started_at) == (
        2, ClockStatus.RUNNING, timedelta(0), at(3),
    )  # fmt: skip
    assert clock.due_at == at(5)
    # The first response and the resolution clocks go their own way.
    assert Clock.objects.get(ticket=ticket, metric=Metric.RESPONSE).status == ClockStatus.MET
    assert Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION).due_at == at(8)


def test_a_cycle_breached_by_the_sweep_and_the_next_one_are_recorded_apart(
    ticket, say, requester_ann, agent_l1_lee, time_machine
):
    say.on.append(ticket)
    say(0.5, agent_l1_lee, "Which floor?")
    say(1, requester_ann, "Floor 3.")
    time_machine.move_to(at(3.5), tick=False)
    assert sla_sweep().milestones == 3  # 75%, 90%, breach of cycle 1
    say(4, agent_l1_lee, "Sorry, on it now.")
    say(5, requester_ann, "OK.")
    time_machine.move_to(at(7.1), tick=False)
    assert sla_sweep().milestones == 4  # the same thresholds again for cycle 2; resolution 75%
    found = sorted(
        Milestone.objects.filter(clock__metric=Metric.NEXT_RESPONSE).values_list(
            "cycle", "threshold", "reached_at"
        )
    )
    assert found == [
        (1, 75, at(2.5)), (1, 90, at(2.8)), (1, 100, at(3)),
        (2, 75, at(6.5)), (2, 90, at(6.8)), (2, 100, at(7)),
    ]  # fmt: skip
    assert cycles(ticket) == [(1, ClockStatus.BREACHED, timedelta(hours=3))]
    # One breach mail per cycle: the outbox key carries the cycle.
    assert OutboxMessage.objects.filter(subject__contains="Next response SLA breached").count() == 2


def test_waiting_on_the_requester_pauses_the_cycle_and_resolving_answers_it(
    ticket, say, requester_ann, agent_l1_lee, time_machine
):
    say.on.append(ticket)
    say(0.5, agent_l1_lee, "Which floor?")
    say(1, requester_ann, "Floor 3.")
    time_machine.move_to(at(1.5), tick=False)
    ticket = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_VENDOR})
    assert (next_response(ticket).status, next_response(ticket).due_at) == (
        ClockStatus.PAUSED, None,
    )  # fmt: skip
    time_machine.move_to(at(4), tick=False)
    ticket = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.IN_PROGRESS})
    assert next_response(ticket).due_at == at(5.5)
    time_machine.move_to(at(5), tick=False)
    ticket_update(
        ticket=ticket, by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )  # fmt: skip
    assert cycles(ticket) == [(1, ClockStatus.MET, timedelta(hours=1.5))]


def test_a_requester_reply_to_a_resolved_ticket_reopens_it_and_opens_a_cycle(
    ticket, say, requester_ann, agent_l1_lee, time_machine
):
    say.on.append(ticket)
    say(0.5, agent_l1_lee, "Replaced the fuser.")
    time_machine.move_to(at(1), tick=False)
    ticket_update(
        ticket=ticket, by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )  # fmt: skip
    say(2, requester_ann, "It jams again.")
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    clock = next_response(ticket)
    assert (clock.cycle, clock.status, clock.running_since, clock.due_at) == (
        1, ClockStatus.RUNNING, at(2), at(4),
    )  # fmt: skip


def test_a_cycle_answered_after_its_target_unseen_is_breached_with_its_event_and_actions(
    ticket, say, requester_ann, agent_l1_lee
):
    say.on.append(ticket)
    say(0.5, agent_l1_lee, "Which floor?")
    say(1, requester_ann, "Floor 3.")
    say(4, agent_l1_lee, "Sorry for the wait.")  # due at 3, no sweep ran
    clock = next_response(ticket)
    assert (clock.status, clock.breached_at, clock.reached) == (
        ClockStatus.BREACHED, at(3), 100,
    )  # fmt: skip
    assert list(
        Milestone.objects.filter(clock=clock).values_list("cycle", "threshold", "reached_at")
    ) == [(1, 100, at(3))]
    assert list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_BREACHED).values_list(
            "message", flat=True
        )
    ) == ["Next response target of 2h breached."]
    (mail,) = OutboxMessage.objects.filter(key__startswith="sla:")
    assert mail.subject.startswith(f"[{ticket.number}] Next response SLA breached")
    assert sla_sweep().milestones == 0  # nothing left for a sweep to record again


def test_the_desk_view_of_the_clock_shows_the_cycle_and_the_outcomes(
    ticket, say, requester_ann, agent_l1_lee
):
    say.on.append(ticket)
    say(0.5, agent_l1_lee, "Which floor?")
    say(1, requester_ann, "Floor 3.")
    say(2, agent_l1_lee, "On my way.")
    say(3, requester_ann, "Thanks.")
    say(6, agent_l1_lee, "Done.")  # late
    say(6.5, requester_ann, "Still jams.")
    views = ticket_clocks(ticket=ticket, now=at(7))
    assert [v.metric for v in views] == [Metric.RESPONSE, Metric.NEXT_RESPONSE, Metric.RESOLUTION]
    reply = views[1]
    assert (reply.cycle, reply.cycles_met, reply.cycles_breached, reply.used) == (
        3, 1, 1, timedelta(minutes=30),
    )  # fmt: skip
