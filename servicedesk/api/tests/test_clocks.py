"""GET /api/v1/tickets/{number}/clocks/: where a ticket's SLA clocks stand, for agents only."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.api.tests.helpers import error, url
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def ticket(requester_ann, agent_l1_lee, service_desk, time_machine):
    policy_with(calendar=berlin_office(), response="1h", resolution="8h")
    time_machine.move_to(MONDAY_0900, tick=False)
    return make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee,
                       assignment_group=service_desk)  # fmt: skip


def test_an_agent_reads_the_clocks_in_business_time(client_for, agent_l1_lee, ticket, time_machine):
    time_machine.move_to(at(1.5), tick=False)
    sla_sweep()  # records the response breach at 10:00
    response = client_for(agent_l1_lee).get(url(ticket, "clocks"))
    assert response.status_code == 200, response.json()
    assert response.json() == [
        {
            "metric": "response", "status": "running", "target_seconds": 3600,
            "used_seconds": 5400, "remaining_seconds": -1800,
            "due_at": "2026-06-01T08:00:00Z", "breached_at": "2026-06-01T08:00:00Z",
            "stopped_at": None, "percent_used": 150, "level": "breached",
            "cycle": 1, "cycles_met": 0, "cycles_breached": 0,
        },
        {
            "metric": "resolution", "status": "running", "target_seconds": 28800,
            "used_seconds": 5400, "remaining_seconds": 23400,
            "due_at": "2026-06-01T15:00:00Z", "breached_at": None,
            "stopped_at": None, "percent_used": 18, "level": "ok",
            "cycle": 1, "cycles_met": 0, "cycles_breached": 0,
        },
    ]  # fmt: skip


def test_met_and_paused(client_for, agent_l1_lee, ticket, time_machine):
    time_machine.move_to(at(0.5), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Which floor?", is_public=True)
    time_machine.move_to(at(6.5), tick=False)  # 15:30 in Berlin
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    time_machine.move_to(at(30), tick=False)
    response, resolution = client_for(agent_l1_lee).get(url(ticket, "clocks")).json()
    assert (response["status"], response["level"], response["used_seconds"]) == ("met", "met", 1800)
    assert response["stopped_at"] == "2026-06-01T07:30:00Z"
    assert (resolution["status"], resolution["level"], resolution["due_at"]) == (
        "paused", "paused", None,
    )  # fmt: skip
    assert (resolution["used_seconds"], resolution["percent_used"]) == (6.5 * 3600, 81)


def test_remaining_is_exactly_target_less_used_in_whole_seconds(
    client_for, agent_l1_lee, ticket, time_machine
):
    # 10.5 s used: used shows 10, so remaining shows 3590 (not 3589 from rounding it apart).
    time_machine.move_to(at(0) + timedelta(seconds=10.5), tick=False)
    response, resolution = client_for(agent_l1_lee).get(url(ticket, "clocks")).json()
    for clock in (response, resolution):
        assert clock["used_seconds"] == 10
        assert clock["remaining_seconds"] == clock["target_seconds"] - 10


def test_the_next_response_clock_and_its_cycles(
    client_for, agent_l1_lee, requester_ann, service_desk, time_machine
):
    policy_with(
        calendar=berlin_office(name="Other"), response="1h", resolution="8h", name="Replies",
        next_response="2h", order=1,
    )  # fmt: skip
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, assignee=agent_l1_lee, impact=2, urgency=2,
                         assignment_group=service_desk)  # fmt: skip
    for hours, who in ((0.5, agent_l1_lee), (1, requester_ann), (4, agent_l1_lee),
                       (5, requester_ann)):  # fmt: skip
        time_machine.move_to(at(hours), tick=False)
        comment_add(ticket=ticket, by=who, body="...", is_public=True)
    time_machine.move_to(at(5.5), tick=False)
    clocks = client_for(agent_l1_lee).get(url(ticket, "clocks")).json()
    assert [c["metric"] for c in clocks] == ["response", "next_response", "resolution"]
    reply = clocks[1]
    assert {k: reply[k] for k in ("status", "cycle", "cycles_met", "cycles_breached")} == {
        "status": "running", "cycle": 2, "cycles_met": 0, "cycles_breached": 1,
    }  # fmt: skip
    assert (reply["target_seconds"], reply["used_seconds"], reply["due_at"]) == (
        7200, 1800, "2026-06-01T14:00:00Z",
    )  # fmt: skip


def test_a_ticket_without_a_policy_has_none(client_for, agent_l1_lee, requester_ann):
    bare = make_ticket(requester=requester_ann)
    assert client_for(agent_l1_lee).get(url(bare, "clocks")).json() == []


def test_end_users_get_404_even_on_their_own_ticket(client_for, requester_ann, ticket):
    for number in (ticket.number, "INC9999999"):
        response = client_for(requester_ann).get(url(number, "clocks"))
        assert response.status_code == 404
        found = error(response)
        assert found["code"] == "not_found"
        assert "agents only" in found["message"]


def test_a_ticket_the_agent_may_not_see_is_404(client_for, agent_l2_kim, ticket):
    response = client_for(agent_l2_kim).get(url(ticket, "clocks"))
    assert response.status_code == 404
    assert error(response)["message"] == f"No ticket {ticket.number} that you can see."


def test_read_only(client_for, agent_l1_lee, ticket):
    response = client_for(agent_l1_lee).post(url(ticket, "clocks"), {}, format="json")
    assert response.status_code == 405


def test_the_schema_documents_it(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    path = schema["paths"]["/api/v1/tickets/{ticket_number}/clocks/"]
    assert set(path) == {"get"}
    assert set(path["get"]["responses"]) == {"200", "404"}
    clock = schema["components"]["schemas"]["ClockOutput"]["properties"]
    assert set(clock) == {
        "metric", "status", "target_seconds", "used_seconds", "remaining_seconds", "due_at",
        "breached_at", "stopped_at", "percent_used", "level", "cycle", "cycles_met",
        "cycles_breached",
    }  # fmt: skip
    assert clock["remaining_seconds"]["type"] == "integer"
