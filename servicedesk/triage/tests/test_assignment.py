"""Choosing the agent: least open tickets, skills, the per-agent cap, the group's hours."""

import threading

import pytest
import time_machine
from django.db import connection

from servicedesk.accounts.tests.factories import AgentFactory, GroupFactory, UserFactory
from servicedesk.sla.models import GroupCalendar
from servicedesk.sla.tests.factories import berlin_office
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import Category, Ticket, TicketEvent
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import Strategy
from servicedesk.triage.models import GroupRouting
from servicedesk.triage.tests.factories import make_rule, route

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(db):
    group = GroupFactory(name="Field Team")
    group.members.add(*(AgentFactory(username=name) for name in ("fay", "gil", "hal")))
    return group


def agents(tickets) -> list[str]:
    return [t.assignee.username if t.assignee else None for t in tickets]


def test_least_open_tickets_goes_to_whoever_holds_fewest(team, requester_ann):
    route(team, Strategy.LEAST_OPEN)
    fay, gil, hal = (team.members.get(username=n) for n in ("fay", "gil", "hal"))
    for agent, n in ((fay, 2), (gil, 1)):
        for i in range(n):
            make_ticket(requester=requester_ann, title=f"held {i}", assignment_group=team,
                        assignee=agent)  # fmt: skip
    made = [make_ticket(requester=requester_ann, title=f"new {i}", assignment_group=team)
            for i in range(4)]  # fmt: skip
    # hal 0 -> hal; then gil 1 and hal 1 tie: by name gil; then hal; then fay, gil, hal all 2.
    assert agents(made) == ["hal", "gil", "hal", "fay"]


def test_skills_match_the_rule_tags_and_the_category(team, requester_ann):
    route(team, Strategy.SKILLS)
    team.members.filter(username="gil").update(skills=["Printers"])
    team.members.filter(username="hal").update(skills=["vpn", "network"])
    network = Category.objects.create(name="Network")
    make_rule("vpn", 10, (F.TEXT, Op.CONTAINS, "vpn"), add_tags="vpn", set_category=network,
              set_group=team)  # fmt: skip
    make_rule("printers", 20, (F.TEXT, Op.CONTAINS, "printer"), add_tags="printers",
              set_group=team)  # fmt: skip
    vpn = make_ticket(requester=requester_ann, title="vpn down")
    printer = make_ticket(requester=requester_ann, title="printer jam")
    assert agents([vpn, printer]) == ["hal", "gil"]
    note = TicketEvent.objects.filter(ticket=vpn, kind=EventKind.UPDATED).last().message
    assert note == "Skills match in Field Team: Hal (skills network, vpn)."


def test_an_agent_at_their_cap_gets_no_more(team, requester_ann):
    route(team, Strategy.ROUND_ROBIN)
    team.members.filter(username__in=["fay", "gil"]).update(max_open_tickets=1)
    made = [make_ticket(requester=requester_ann, title=f"t{i}", assignment_group=team)
            for i in range(5)]  # fmt: skip
    assert agents(made) == ["fay", "gil", "hal", "hal", "hal"]
    # A ticket resolved frees the place.
    ticket_update(ticket=made[0], by=made[0].assignee,
                  changes={"state": "resolved", "resolution_code": "solved"})  # fmt: skip
    assert agents([make_ticket(requester=requester_ann, title="t5", assignment_group=team)]) == [
        "fay"
    ]


def test_outside_the_groups_working_hours_nobody_takes_it(team, requester_ann):
    route(team, Strategy.ROUND_ROBIN)
    GroupCalendar.objects.create(group=team, calendar=berlin_office())
    with time_machine.travel("2026-08-04 06:00 +00:00", tick=False):  # 08:00 Berlin, Tuesday
        early = make_ticket(requester=requester_ann, title="early", assignment_group=team)
    with time_machine.travel("2026-08-04 08:00 +00:00", tick=False):  # 10:00 Berlin
        later = make_ticket(requester=requester_ann, title="later", assignment_group=team)
    assert agents([early, later]) == [None, "fay"]
    note = TicketEvent.objects.get(ticket=early, kind=EventKind.UPDATED).message
    assert (
        note == "No eligible agent in Field Team: outside its working hours; it waits unassigned."
    )


def test_a_group_without_a_strategy_keeps_tickets_in_its_queue_quietly(team, requester_ann):
    ticket = make_ticket(requester=requester_ann, title="queue", assignment_group=team)
    assert ticket.assignee is None
    assert not TicketEvent.objects.filter(ticket=ticket, kind=EventKind.UPDATED).exists()


def test_nothing_is_assigned_to_an_end_user_or_an_inactive_agent(team, requester_ann):
    route(team, Strategy.LEAST_OPEN)
    team.members.add(UserFactory(username="aaron"))  # an end user, first by name
    team.members.filter(username="fay").update(is_active=False)
    made = [make_ticket(requester=requester_ann, title=f"t{i}", assignment_group=team)
            for i in range(4)]  # fmt: skip
    assert agents(made) == ["gil", "hal", "gil", "hal"]


def test_an_agents_reassignment_after_triage_counts_and_triage_itself_does_not(
    team, requester_ann, network_team, agent_l2_kim
):
    route(team, Strategy.ROUND_ROBIN)
    make_rule("field", 10, (F.TITLE, Op.CONTAINS, "cable"), set_group=team)
    ticket = make_ticket(requester=requester_ann, title="cable cut")
    assert (ticket.assignment_group, ticket.reassignment_count) == (team, 0)
    moved = ticket_update(
        ticket=ticket, by=agent_l2_kim, changes={"assignment_group": network_team}
    )
    assert moved.reassignment_count == 1
    assert moved.assignee is None  # fay is not in the Network Team


@pytest.mark.django_db(transaction=True)
def test_round_robin_gives_concurrent_creates_different_turns(team, requester_ann):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time (BEGIN IMMEDIATE): no race to test")
    route(team, Strategy.ROUND_ROBIN)
    start = threading.Barrier(6)
    errors: list[BaseException] = []

    def create(i: int) -> None:
        try:
            start.wait()
            make_ticket(requester=requester_ann, title=f"race {i}", assignment_group=team)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    counts = sorted(
        Ticket.objects.filter(title__startswith="race").values_list("assignee__username", flat=True)
    )
    assert counts == ["fay", "fay", "gil", "gil", "hal", "hal"]
    assert GroupRouting.objects.get(group=team).last_agent is not None
