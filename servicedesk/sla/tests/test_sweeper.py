"""The sweep records each warning and breach once, and acts on it through the services."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.tests.factories import GroupFactory
from servicedesk.core.models import OutboxMessage
from servicedesk.sla.choices import Action, ClockStatus, Metric
from servicedesk.sla.models import Clock, EscalationTarget, Milestone
from servicedesk.sla.sweeper import _check, sla_sweep
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import EventKind, State
from servicedesk.tickets.models import Category, TicketEvent
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def network(network_team, agent_l2_kim):
    return Category.objects.create(name="Network", default_group=network_team)


@pytest.fixture
def ticket(requester_ann, agent_l1_lee, lead_mo, service_desk, network, time_machine):
    policy_with(
        calendar=berlin_office(), response="1h", resolution="8h",
        actions=[
            (75, Action.NOTIFY_ASSIGNEE, None),
            (90, Action.NOTIFY_LEAD, None),
            (100, Action.ESCALATE_TIER, None),
            (100, Action.RAISE_PRIORITY, None),
        ],
    )  # fmt: skip
    agent_l1_lee.email, lead_mo.email = "lee@example.org", "mo@example.org"
    agent_l1_lee.save()
    lead_mo.save()
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(
        requester=requester_ann, impact=2, urgency=2, category=network,
        assignment_group=service_desk, assignee=agent_l1_lee,
    )  # fmt: skip


@pytest.fixture
def sweep_at(time_machine):
    def sweep(hours: float):
        time_machine.move_to(at(hours), tick=False)
        return sla_sweep()

    return sweep


def milestones(ticket) -> list[tuple[str, int]]:
    return sorted(
        Milestone.objects.filter(clock__ticket=ticket).values_list("clock__metric", "threshold")
    )


def test_nothing_is_due_before_the_first_warning(ticket, sweep_at):
    report = sweep_at(0.74)
    assert (report.checked, report.milestones) == (0, 0)


def test_the_warning_is_recorded_once_and_mails_the_assignee_once(ticket, sweep_at):
    for _ in range(3):
        sweep_at(0.8)
    assert milestones(ticket) == [(Metric.RESPONSE, 75)]
    (mail,) = OutboxMessage.objects.filter(key__startswith="sla:")
    assert mail.to == "lee@example.org"
    assert mail.subject == f"[{ticket.number}] First response SLA at 75%: {ticket.title}"
    assert mail.body.startswith(f"{ticket.number} ({ticket.title}): First response SLA at 75%.\n")
    warnings = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_WARNING)
    assert [e.message for e in warnings] == ["First response target: 75% of 1h used."]
    response = Clock.objects.get(ticket=ticket, metric=Metric.RESPONSE)
    assert (response.reached, response.next_check_at) == (75, at(0.9))


def test_the_breach_escalates_to_the_next_tier_and_raises_the_priority(
    ticket, network_team, sweep_at
):
    report = sweep_at(1.5)
    assert report.milestones == 3  # 75, 90 and the breach of the response target, at once
    assert milestones(ticket) == [
        (Metric.RESPONSE, 75),
        (Metric.RESPONSE, 90),
        (Metric.RESPONSE, 100),
    ]
    ticket.refresh_from_db()
    assert ticket.assignment_group == network_team
    assert ticket.assignee is None  # lee is not in the network team
    assert ticket.priority == 2
    assert (
        ticket.priority_override_reason == "First response SLA breached: priority raised one step."
    )
    response = Clock.objects.get(ticket=ticket, metric=Metric.RESPONSE)
    assert response.breached_at == at(1)
    assert response.status == ClockStatus.RUNNING  # still unanswered: it runs on, breached
    assert response.next_check_at is None
    # The resolution clock now runs against priority 2's target: 4h, 75% at 12:00 local.
    resolution = Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION)
    assert resolution.target == timedelta(hours=4)
    assert resolution.next_check_at == at(3)
    assert sorted(OutboxMessage.objects.filter(key__startswith="sla:").values_list("to", flat=True)) == [
        "lee@example.org", "mo@example.org",
    ]  # fmt: skip


def test_two_workers_on_one_clock_record_it_once(ticket):
    clock = Clock.objects.get(ticket=ticket, metric=Metric.RESPONSE)
    seen = clock.next_check_at
    from servicedesk.sla.sweeper import SweepReport

    first, second = SweepReport(), SweepReport()
    _check(clock.pk, seen, at(0.8), first)
    _check(clock.pk, seen, at(0.8), second)  # read the same next check before the first wrote
    assert (first.milestones, second.milestones, second.skipped) == (1, 0, 1)
    assert Milestone.objects.filter(clock=clock).count() == 1


def test_a_paused_clock_is_not_swept(ticket, agent_l1_lee, time_machine, sweep_at):
    time_machine.move_to(at(0.5), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    assert sweep_at(30).milestones == 0


def test_a_clock_stopped_after_its_target_ran_out_unseen_is_breached_and_acted_on_once(
    ticket, network_team, agent_l1_lee, time_machine, sweep_at
):
    # The response target (1h) ran out at 10:00 local; no sweep ran until the reply at 11:30.
    time_machine.move_to(at(2.5), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Sorry for the wait.", is_public=True)
    response = Clock.objects.get(ticket=ticket, metric=Metric.RESPONSE)
    assert (response.status, response.breached_at, response.reached) == (
        ClockStatus.BREACHED, at(1), 100,
    )  # fmt: skip
    # Only the breach: the warnings it passed unseen are not recorded after the fact.
    assert milestones(ticket) == [(Metric.RESPONSE, 100)]
    breaches = TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_BREACHED)
    assert [e.message for e in breaches] == ["First response target of 1h breached."]
    ticket.refresh_from_db()
    assert (ticket.assignment_group, ticket.priority) == (network_team, 2)
    # The sweep that comes later finds the breach recorded; the resolution clock's own
    # warning (75% of the 4h target priority 2 now has) is all it adds.
    report = sweep_at(3.1)
    assert milestones(ticket) == [(Metric.RESOLUTION, 75), (Metric.RESPONSE, 100)]
    assert report.milestones == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.SLA_BREACHED).count() == 1
    escalations = TicketEvent.objects.filter(ticket=ticket, message__contains="escalated to")
    assert escalations.count() == 1


def test_a_clock_paused_after_its_target_ran_out_unseen_is_breached_too(
    ticket, agent_l1_lee, time_machine
):
    time_machine.move_to(at(2 + 24), tick=False)  # Tuesday 11:00 local: 10h used of 8h
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    resolution = Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION)
    assert resolution.status == ClockStatus.PAUSED
    assert resolution.breached_at == at(8)  # Monday 17:00 local
    assert (Metric.RESOLUTION, 100) in milestones(ticket)


def test_the_groups_escalation_target_comes_before_the_category(
    ticket, network_team, sweep_at, time_machine
):
    wifi = GroupFactory(name="Wi-Fi Team", tier=Tier.L2)
    EscalationTarget.objects.create(group=ticket.assignment_group, escalate_to=wifi)
    sweep_at(1.5)
    ticket.refresh_from_db()
    assert ticket.assignment_group == wifi  # not the category's network team
    moved = TicketEvent.objects.get(ticket=ticket, message__contains="escalated to")
    assert moved.message == "First response SLA breached: escalated to Wi-Fi Team."


def test_an_inactive_escalation_target_falls_back_to_the_category(ticket, network_team, sweep_at):
    wifi = GroupFactory(name="Wi-Fi Team", tier=Tier.L2, is_active=False)
    EscalationTarget.objects.create(group=ticket.assignment_group, escalate_to=wifi)
    sweep_at(1.5)
    ticket.refresh_from_db()
    assert ticket.assignment_group == network_team


@pytest.mark.parametrize("active", [True, False])
def test_a_breach_reassigns_to_the_named_group_only_while_it_is_active(
    requester_ann, service_desk, network_team, time_machine, sweep_at, active
):
    # Moved breaching tickets into a deactivated group, whose queue nobody works.
    policy_with(
        calendar=berlin_office(), response="1h", resolution="8h",
        actions=[(100, Action.REASSIGN, network_team)],
    )  # fmt: skip
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(
        requester=requester_ann, impact=2, urgency=2, assignment_group=service_desk
    )
    network_team.is_active = active
    network_team.save()
    report = sweep_at(20)
    ticket.refresh_from_db()
    if active:
        assert ticket.assignment_group == network_team
        assert report.notes == []
    else:
        assert ticket.assignment_group == service_desk
        assert report.notes == [f"{ticket.number}: the group to reassign to is not active"] * 2
