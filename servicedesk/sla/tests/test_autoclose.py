"""Resolved tickets close themselves after the quiet period; a reply or a verdict stops it."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.core.models import OutboxMessage
from servicedesk.sla.autoclose import auto_close_sweep
from servicedesk.sla.models import CloseTimer
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import EventKind, State
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.services import (
    comment_add,
    ticket_accept_resolution,
    ticket_update,
)
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

# Fri 2026-03-20 10:00 in Berlin (+01:00); DST begins on Sunday 2026-03-29.
FRIDAY_1000 = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def resolve(requester_ann, agent_l1_lee, time_machine):
    def resolved_at(when: datetime):
        time_machine.move_to(when - timedelta(hours=1), tick=False)
        ticket = make_ticket(requester=requester_ann, assignee=agent_l1_lee)
        time_machine.move_to(when, tick=False)
        return ticket_update(
            ticket=ticket, by=agent_l1_lee,
            changes={"state": State.RESOLVED, "resolution_code": "solved"},
        )  # fmt: skip

    return resolved_at


def sweep_at(time_machine, when: datetime) -> tuple[int, int]:
    time_machine.move_to(when, tick=False)
    return auto_close_sweep()


def test_quiet_for_two_weeks_closes_at_the_same_local_time_after_dst(resolve, time_machine):
    policy = policy_with(calendar=berlin_office(), response="1h", resolution="8h")
    policy.auto_close_after = timedelta(weeks=2)
    policy.save()
    ticket = resolve(FRIDAY_1000)
    timer = CloseTimer.objects.get(ticket=ticket)
    # 10:00 local on Fri 2026-04-03 is 08:00Z (+02:00), not 09:00Z.
    assert timer.close_at == datetime(2026, 4, 3, 8, 0, tzinfo=UTC)
    assert sweep_at(time_machine, timer.close_at - timedelta(seconds=1)) == (0, 0)
    assert sweep_at(time_machine, timer.close_at) == (0, 1)
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    assert ticket.closed_at == timer.close_at
    event = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.UPDATED).last()
    assert event.channel == "system"
    assert event.changes["state"] == ["resolved", "closed"]
    assert event.message == (
        "Closed automatically: the requester did not answer the resolution within 14 days."
    )
    assert not CloseTimer.objects.filter(ticket=ticket).exists()


def test_without_a_policy_the_desk_default_of_48_hours_applies(resolve, time_machine):
    ticket = resolve(FRIDAY_1000)
    assert CloseTimer.objects.get(ticket=ticket).close_at == FRIDAY_1000 + timedelta(hours=48)


def test_the_default_can_be_switched_off(resolve, settings):
    settings.SERVICEDESK_AUTO_CLOSE_AFTER = "0"
    assert not CloseTimer.objects.filter(ticket=resolve(FRIDAY_1000)).exists()


def test_a_reply_from_the_requester_reopens_and_stops_the_timer(
    resolve, requester_ann, time_machine
):
    ticket = resolve(FRIDAY_1000)
    time_machine.move_to(FRIDAY_1000 + timedelta(hours=3), tick=False)
    comment_add(ticket=ticket, by=requester_ann, body="Still broken after lunch.", is_public=True)
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    assert not CloseTimer.objects.filter(ticket=ticket).exists()
    assert sweep_at(time_machine, FRIDAY_1000 + timedelta(days=5)) == (0, 0)


def test_accepting_the_resolution_closes_now_and_leaves_no_timer(resolve, requester_ann):
    ticket = resolve(FRIDAY_1000)
    ticket_accept_resolution(ticket=ticket, by=requester_ann)
    assert not CloseTimer.objects.filter(ticket=ticket).exists()


def test_a_timer_of_an_earlier_resolution_closes_nothing(resolve, agent_l1_lee, time_machine):
    ticket = resolve(FRIDAY_1000)
    stale = CloseTimer.objects.get(ticket=ticket)
    time_machine.move_to(FRIDAY_1000 + timedelta(hours=1), tick=False)
    ticket = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.IN_PROGRESS})
    time_machine.move_to(FRIDAY_1000 + timedelta(hours=2), tick=False)
    ticket_update(
        ticket=ticket, by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )  # fmt: skip
    fresh = CloseTimer.objects.get(ticket=ticket)
    assert fresh.close_at == stale.close_at + timedelta(hours=2)
    assert sweep_at(time_machine, stale.close_at + timedelta(minutes=1)) == (0, 0)


def test_business_time_and_a_reminder_once(resolve, requester_ann, time_machine):
    requester_ann.email = "ann@example.org"
    requester_ann.save()
    policy = policy_with(calendar=berlin_office(), response="1h", resolution="8h")
    policy.auto_close_after = timedelta(hours=16)  # two working days
    policy.auto_close_in_business_time = True
    policy.auto_close_reminder = timedelta(hours=4)
    policy.save()
    ticket = resolve(FRIDAY_1000)
    timer = CloseTimer.objects.get(ticket=ticket)
    # Fri 10-17 (7h), Mon 09-17 (8h), Tue 09-10 (1h): Tue 2026-03-24 10:00 local.
    assert timer.close_at == datetime(2026, 3, 24, 9, 0, tzinfo=UTC)
    assert timer.remind_at == datetime(2026, 3, 24, 5, 0, tzinfo=UTC)
    assert sweep_at(time_machine, timer.remind_at) == (1, 0)
    assert sweep_at(time_machine, timer.remind_at + timedelta(minutes=1)) == (0, 0)
    (mail,) = OutboxMessage.objects.filter(key__startswith="autoclose-")
    assert mail.to == "ann@example.org"
    assert mail.subject.startswith(f"[{ticket.number}] Is your issue solved?")
    assert sweep_at(time_machine, timer.close_at) == (0, 1)
    assert (
        TicketEvent.objects.filter(ticket=ticket)
        .last()
        .message.endswith("within 16 hours of business time.")
    )
