"""/api/v1/reports/: the list, a report, errors in the API's format, who sees which agents."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.api.tests.helpers import error
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports/"


@pytest.fixture
def tickets(time_machine, requester_ann, agent_l1_lee, agent_l2_kim, service_desk, network_team):
    time_machine.move_to(datetime(2026, 3, 10, 10, tzinfo=UTC), tick=False)
    for _ in range(2):
        make_ticket(requester=requester_ann, assignment_group=service_desk, assignee=agent_l1_lee)
    for _ in range(3):
        make_ticket(requester=requester_ann, assignment_group=network_team, assignee=agent_l2_kim)
    time_machine.move_to(datetime(2026, 3, 12, 10, tzinfo=UTC), tick=False)


def test_the_list_names_every_report(client_for, agent_l1_lee):
    response = client_for(agent_l1_lee).get(REPORTS)
    assert response.status_code == 200
    names = [r["name"] for r in response.json()]
    assert names[:2] == ["volume", "backlog"] and "sla" in names


def test_a_report_by_group_with_its_drilldown(tickets, client_for, admin_ada, service_desk):
    response = client_for(admin_ada).get(f"{REPORTS}volume/", {"by": "group", "from": "2026-03-01",
                                                             "to": "2026-03-31"})  # fmt: skip
    assert response.status_code == 200, response.json()
    body = response.json()
    assert [(r["group"], r["created"]) for r in body["rows"]] == [
        ("Network Team", 3), ("Service Desk", 2),
    ]  # fmt: skip
    assert body["drilldown"][1] == {
        "group": str(service_desk.pk),
        "created_after": "2026-03-01T00:00:00+00:00",
        "created_before": "2026-04-01T00:00:00+00:00",
    }
    assert body["columns"][2] == {"key": "created", "label": "Created", "unit": "count"}


def test_an_agent_sees_the_agents_of_their_groups_a_lead_every_agent(
    tickets, client_for, agent_l1_lee, lead_mo, admin_ada
):
    def agents(user):
        response = client_for(user).get(f"{REPORTS}agents/")
        assert response.status_code == 200
        return {r["agent"]: r["assigned"] for r in response.json()["rows"]}

    assert agents(agent_l1_lee) == {"Lee Agent": 2}
    assert agents(lead_mo) == {"Lee Agent": 2}  # the lead sees the tickets of their group only
    assert agents(admin_ada) == {"Kim Agent": 3, "Lee Agent": 2}


@pytest.mark.parametrize("path,params,status,says", [
    ("nope/", {}, 404, "There is no report 'nope'"),
    ("volume/", {"from": "03/01/2026"}, 400, "from must be a date as YYYY-MM-DD"),
    ("volume/", {"by": "colour"}, 400, "Unknown field 'colour'"),
    ("backlog/", {"by": "group"}, 400, "cannot be cut by 'group'"),
    ("volume/", {"priority": "7"}, 400, "Unknown priority '7'"),
    ("volume/", {"colour": "red"}, 400, "Unknown parameter 'colour'"),
    ("volume/", {"interval": "hour"}, 400, "interval must be one of"),
])  # fmt: skip
def test_bad_input_is_a_4xx_in_the_error_format(client_for, lead_mo, path, params, status, says):
    response = client_for(lead_mo).get(REPORTS + path, params)
    assert response.status_code == status
    assert says in error(response)["message"]


def test_end_users_get_a_403(client_for, requester_ann):
    for path in ("", "volume/"):
        response = client_for(requester_ann).get(REPORTS + path)
        assert response.status_code == 403
        assert error(response)["code"] == "permission_denied"


def test_an_empty_range_is_zeros(client_for, lead_mo):
    response = client_for(lead_mo).get(f"{REPORTS}reopens/", {"from": "2020-01-01",
                                                              "to": "2020-01-31"})  # fmt: skip
    assert response.status_code == 200
    assert response.json()["rows"] == [{"resolved": 0, "reopened": 0, "reopen_rate": None}]


@pytest.mark.parametrize("name,params,expected", [
    ("volume", {"by": "group"}, 4),  # three counts, the group names
    ("groups", {}, 6),  # counts, medians, clocks, made_sla, open load, names
])  # fmt: skip
def test_query_counts_are_pinned(tickets, client_for, agent_l1_lee, name, params, expected):
    client = client_for(agent_l1_lee)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{REPORTS}{name}/", params)
    assert response.status_code == 200
    assert len(queries) == expected, " | ".join(q["sql"][:90] for q in queries)
