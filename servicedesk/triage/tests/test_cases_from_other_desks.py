"""The issue's "Cases from bugs that other desks shipped", as the issue words them."""

from datetime import date

import pytest
import time_machine

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.tests.factories import AgentFactory, GroupFactory, UserFactory
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import Category, Ticket, TicketEvent
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import Source, Strategy
from servicedesk.triage.models import Decision
from servicedesk.triage.tests.factories import make_rule, route


def rules_that_fired(ticket: Ticket) -> list[str]:
    messages = TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.UPDATED, message__startswith="Triage rule"
    ).values_list("message", flat=True)
    return [m.split('"')[1] for m in messages]


@pytest.fixture
def r10_r20_r90(db):
    network_team = GroupFactory(name="Network Team", tier=Tier.L2)
    hq_support = GroupFactory(name="HQ Support", tier=Tier.L1)
    service_desk = GroupFactory(name="Service Desk", tier=Tier.L1)
    ana = AgentFactory(username="ana")
    network_team.members.add(ana)
    network = Category.objects.create(name="Network")
    printer = Category.objects.create(name="Printer")
    make_rule(
        "R10", 10, (F.CATEGORY, Op.IS, "Network"),
        set_group=network_team, set_agent=ana, stop=True,
    )  # fmt: skip
    make_rule("R20", 20, (F.LOCATION, Op.IS, "HQ"), set_group=hq_support)
    make_rule("R90", 90, (F.GROUP, Op.IS_EMPTY, ""), set_group=service_desk)
    return {
        "network": network, "printer": printer, "ana": ana, "network_team": network_team,
        "hq_support": hq_support, "service_desk": service_desk,
        "hq_user": UserFactory(username="hana", location="HQ"),
        "branch_user": UserFactory(username="bert", location="Branch Leeds"),
    }  # fmt: skip


def test_a_network_ticket_from_hq_goes_to_network_team_and_ana_by_r10_alone(r10_r20_r90):
    c = r10_r20_r90
    ticket = make_ticket(requester=c["hq_user"], title="VPN drops", category=c["network"])
    assert ticket.assignment_group == c["network_team"]
    assert ticket.assignee == c["ana"]
    assert rules_that_fired(ticket) == ["R10"]
    assert set(Decision.objects.filter(ticket=ticket).values_list("rule_name", flat=True)) == {
        "R10"
    }


def test_a_printer_ticket_from_hq_goes_to_hq_support_by_r20_alone(r10_r20_r90):
    c = r10_r20_r90
    ticket = make_ticket(requester=c["hq_user"], title="Toner empty", category=c["printer"])
    assert ticket.assignment_group == c["hq_support"]
    assert ticket.assignee is None
    assert rules_that_fired(ticket) == ["R20"]


def test_a_printer_ticket_from_a_branch_goes_to_service_desk_by_r90_alone(r10_r20_r90):
    c = r10_r20_r90
    ticket = make_ticket(requester=c["branch_user"], title="Toner empty", category=c["printer"])
    assert ticket.assignment_group == c["service_desk"]
    assert rules_that_fired(ticket) == ["R90"]
    decision = Decision.objects.get(ticket=ticket)
    assert (decision.field, decision.source, decision.rule_name) == (
        "assignment_group", Source.RULE, "R90",
    )  # fmt: skip


@pytest.fixture
def four_agents(db):
    team = GroupFactory(name="Desk Team", tier=Tier.L1)
    a1, a2, a3, a4 = (AgentFactory(username=f"a{n}") for n in range(1, 5))
    team.members.add(a1, a2, a3, a4)
    a2.out_of_office_from, a2.out_of_office_until = date(2026, 8, 3), date(2026, 8, 7)
    a2.save()
    a4.is_active = False
    a4.save()
    route(team, Strategy.ROUND_ROBIN)
    return team, UserFactory(username="rita")


def test_round_robin_skips_the_agent_out_of_office_and_the_deactivated_one(four_agents):
    team, requester = four_agents
    with time_machine.travel("2026-08-04 10:00 +00:00", tick=False):  # Tuesday
        tuesday = [
            make_ticket(requester=requester, title=f"Tue {n}", assignment_group=team).assignee
            for n in range(6)
        ]
    with time_machine.travel("2026-08-10 10:00 +00:00", tick=False):  # Monday after
        monday = [
            make_ticket(requester=requester, title=f"Mon {n}", assignment_group=team).assignee
            for n in range(2)
        ]
    assert [a.username for a in tuesday] == ["a1", "a3", "a1", "a3", "a1", "a3"]
    assert [a.username for a in monday] == ["a1", "a2"]


def test_a_group_whose_members_are_all_away_leaves_the_ticket_unassigned_and_says_so(db):
    team = GroupFactory(name="Away Team")
    gone = AgentFactory(username="gone", out_of_office_from=date(2026, 8, 1))
    off = AgentFactory(username="off", is_active=False)
    team.members.add(gone, off)
    route(team, Strategy.ROUND_ROBIN)
    with time_machine.travel("2026-08-04 10:00 +00:00", tick=False):
        ticket = make_ticket(requester=UserFactory(), assignment_group=team)
    assert ticket.assignment_group == team
    assert ticket.assignee is None
    note = TicketEvent.objects.get(ticket=ticket, kind=EventKind.UPDATED)
    assert note.message.startswith("No eligible agent in Away Team")
    assert Decision.objects.get(ticket=ticket).source == Source.NO_AGENT
