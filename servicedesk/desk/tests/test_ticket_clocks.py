"""The ticket page's "Service level" box: each clock in business time, due times in the desk's
time zone, coloured by its level; plain HTML."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin, 08:00 in London


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def ticket(settings, requester_ann, agent_l1_lee, service_desk, time_machine):
    settings.TIME_ZONE = "Europe/London"
    policy_with(calendar=berlin_office(), response="1h", resolution="8h")
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee,
                       assignment_group=service_desk)  # fmt: skip


def box(client, ticket) -> str:
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    found = re.search(r'<section class="card desk-panel desk-clocks" id="sla">(.*?)</section>',
                      page, re.S)  # fmt: skip
    assert found, "no Service level box"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


def badges(client, ticket) -> list[str]:
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    section = page.split('id="sla"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'<span class="badge badge-(\w+)">([^<]+)</span>', section)


def test_running_clocks_say_what_is_left_and_when_it_is_due(
    as_user, agent_l1_lee, ticket, time_machine
):
    time_machine.move_to(at(0.5), tick=False)
    client = as_user(agent_l1_lee)
    text = box(client, ticket)
    assert "First response On track 30m left 30m of 1h used (50%) due 2026-06-01 09:00" in text
    assert "Resolution On track 7h 30m left 30m of 8h used (6%) due 2026-06-01 16:00" in text
    assert "times in Europe/London" in text
    assert badges(client, ticket) == [("teal", "On track"), ("teal", "On track")]


def test_warnings_colour_the_clock(as_user, agent_l1_lee, ticket, time_machine):
    client = as_user(agent_l1_lee)
    time_machine.move_to(at(0.8), tick=False)
    assert badges(client, ticket)[0] == ("amber", "Warning")
    time_machine.move_to(at(0.95), tick=False)
    assert badges(client, ticket)[0] == ("orange", "Critical")


def test_an_overdue_clock(as_user, agent_l1_lee, ticket, time_machine):
    time_machine.move_to(at(1 + 40 / 60), tick=False)
    client = as_user(agent_l1_lee)
    text = box(client, ticket)
    assert "First response Breached overdue by 40m 1h 40m of 1h used (166%)" in text
    assert "was due 2026-06-01 09:00" in text
    assert badges(client, ticket)[0] == ("red", "Breached")


def test_paused_and_met(as_user, agent_l1_lee, ticket, time_machine):
    time_machine.move_to(at(0.5), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Which printer?", is_public=True)
    time_machine.move_to(at(2), tick=False)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    time_machine.move_to(at(50), tick=False)
    client = as_user(agent_l1_lee)
    text = box(client, ticket)
    assert "First response Met met in 30m of 1h 2026-06-01 08:30" in text
    assert "Resolution Paused paused 2h of 8h used (25%)" in text
    assert badges(client, ticket) == [("green", "Met"), ("blue", "Paused")]


def test_a_late_response_stays_breached(as_user, agent_l1_lee, ticket, time_machine):
    time_machine.move_to(at(25), tick=False)  # Tuesday 10:00 in Berlin
    comment_add(ticket=ticket, by=agent_l1_lee, body="Sorry for the wait.", is_public=True)
    text = box(as_user(agent_l1_lee), ticket)
    assert (
        "First response Breached breached : 9h used of 1h breached 2026-06-01 09:00 , "
        "stopped 2026-06-02 09:00"
    ) in text


def test_a_ticket_no_policy_covers(as_user, agent_l1_lee, requester_ann, service_desk):
    bare = make_ticket(requester=requester_ann)
    assert box(as_user(agent_l1_lee), bare) == "Service level No SLA policy applies to this ticket."


def test_the_next_response_clock_says_which_reply_it_answers(
    settings, as_user, requester_ann, agent_l1_lee, service_desk, time_machine
):
    settings.TIME_ZONE = "Europe/London"
    policy_with(calendar=berlin_office(), response="1h", resolution="8h", next_response="2h")
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee,
                         assignment_group=service_desk)  # fmt: skip
    for hours, who in ((0.5, agent_l1_lee), (1, requester_ann), (1.5, agent_l1_lee),
                       (2, requester_ann)):  # fmt: skip
        time_machine.move_to(at(hours), tick=False)
        comment_add(ticket=ticket, by=who, body="...", is_public=True)
    time_machine.move_to(at(2.5), tick=False)
    text = box(as_user(agent_l1_lee), ticket)
    assert (
        "Next response On track 1h 30m left 30m of 2h used (25%) due 2026-06-01 12:00 "
        "to the requester's reply 2; replies answered in time: 1, late: 0"
    ) in text
