"""/api/v1/dashboard/: the desk dashboard's figures, for agents only."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from servicedesk.accounts.services import api_token_create
from servicedesk.api.tests.helpers import error
from servicedesk.desk.tests.dashboard_board import (
    NETWORK_OPEN,
    SERVICE_DESK_OPEN,
    build_board,
    empty_states,
    per_day,
)
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

DASHBOARD = "/api/v1/dashboard/"


@pytest.fixture
def people(agent_l1_lee, lead_mo, agent_l2_kim, requester_ann, requester_bob, service_desk,
           network_team):  # fmt: skip
    return {"lee": agent_l1_lee, "mo": lead_mo, "kim": agent_l2_kim, "ann": requester_ann,
            "bob": requester_bob, "sd": service_desk, "net": network_team}  # fmt: skip


@pytest.fixture
def board(people, time_machine):
    return build_board(time_machine=time_machine, people=people)


def by_state(rows: list[dict]) -> dict[str, int]:
    return {row["state"]: row["count"] for row in rows}


def test_an_agents_figures(board, client_for, agent_l1_lee):
    response = client_for(agent_l1_lee).get(DASHBOARD)
    assert response.status_code == 200
    body = response.json()
    assert body["generated_at"] == "2026-03-20T10:00:00Z"
    assert body["time_zone"] == "UTC" and body["scope"] == "groups"
    assert body["mine"]["open"] == 3
    assert by_state(body["mine"]["by_state"]) == {
        **empty_states(), "in_progress": 2, "awaiting_user": 1,
    }  # fmt: skip
    team = body["team"]
    assert team["open"] == 6
    assert [r["state"] for r in team["by_state"]] == list(empty_states())
    assert by_state(team["by_state"]) == {
        **empty_states(), "new": 1, "in_progress": 2, "awaiting_user": 1,
        "awaiting_vendor": 1, "awaiting_change": 1,
    }  # fmt: skip
    assert team["by_priority"] == [
        {"priority": 1, "count": 1}, {"priority": 2, "count": 1},
        {"priority": 3, "count": 1}, {"priority": 4, "count": 3},
    ]  # fmt: skip
    assert team["waiting"] == {"user": 1, "vendor": 1, "change": 1}
    assert (team["unassigned"], team["reopened"]) == (2, 1)
    assert body["sla"] == {
        "breaching_soon": 0,
        "mine_breaching_soon": 0,
        "breached": 0,
        "soon_hours": 4,
    }  # no policy; fmt: skip
    assert body["groups"] is None
    days = body["days"]
    assert len(days) == 14
    assert days[0] == {
        "date": "2026-03-07", "start": "2026-03-07T00:00:00Z", "end": "2026-03-08T00:00:00Z",
        "created": 0, "resolved": 0,
    }  # fmt: skip
    assert [d["created"] for d in days] == per_day({10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 20: 1})
    assert [d["resolved"] for d in days] == per_day({18: 1, 19: 1})
    oldest = body["oldest"]
    assert [t["number"] for t in oldest] == [
        board[k].number
        for k in ("old", "reopened", "wait_user", "wait_vendor", "wait_change", "fresh")
    ]
    assert oldest[0] == {
        "number": board["old"].number, "title": "Old P1 Lee works", "state": "in_progress",
        "priority": 1, "assignment_group": {"id": board["old"].assignment_group_id,
                                            "name": "Service Desk"},
        "assignee": {"id": agent_l1_lee.pk, "name": "Lee Agent"},
        "created_at": "2026-01-02T09:00:00Z", "age_seconds": 77 * 86400 + 3600,
    }  # fmt: skip
    assert oldest[-1]["assignee"] is None


def test_another_groups_agent_sees_none_of_the_service_desk(board, client_for, agent_l2_kim):
    body = client_for(agent_l2_kim).get(DASHBOARD).json()
    assert body["mine"]["open"] == 1
    assert body["team"]["open"] == 2
    assert (body["team"]["unassigned"], body["team"]["reopened"]) == (1, 0)
    assert body["team"]["waiting"] == {"user": 0, "vendor": 0, "change": 0}
    assert [d["created"] for d in body["days"]] == per_day({15: 1})
    assert [d["resolved"] for d in body["days"]] == per_day({})
    assert [t["number"] for t in body["oldest"]] == [board[k].number for k in NETWORK_OPEN]
    text = str(body)
    for key in (*SERVICE_DESK_OPEN, "resolved", "closed", "cancelled"):
        assert board[key].number not in text, key


def test_a_lead_and_a_see_all_agent_get_the_groups(board, client_for, lead_mo, admin_ada,
                                                   service_desk, network_team):  # fmt: skip
    lead = client_for(lead_mo).get(DASHBOARD).json()
    assert lead["scope"] == "groups"
    assert lead["groups"] == [{
        "group": {"id": service_desk.pk, "name": "Service Desk"}, "open": 6,
        "oldest_created_at": "2026-01-02T09:00:00Z", "oldest_age_seconds": 77 * 86400 + 3600,
    }]  # fmt: skip

    admin = client_for(admin_ada).get(DASHBOARD).json()
    assert admin["scope"] == "all"
    assert admin["team"]["open"] == 8 and admin["mine"]["open"] == 0
    assert [(g["group"]["name"], g["open"]) for g in admin["groups"]] == [
        ("Service Desk", 6), ("Network Team", 2),
    ]  # fmt: skip
    assert admin["groups"][1]["oldest_created_at"] == "2025-12-01T09:00:00Z"
    assert admin["oldest"][0]["number"] == board["net_old"].number


def test_no_data(client_for, agent_l1_lee):
    body = client_for(agent_l1_lee).get(DASHBOARD).json()
    assert body["mine"] == {
        "open": 0, "by_state": [{"state": s, "count": 0} for s in empty_states()],
    }  # fmt: skip
    assert body["team"]["open"] == body["team"]["unassigned"] == body["team"]["reopened"] == 0
    assert [(d["created"], d["resolved"]) for d in body["days"]] == [(0, 0)] * 14
    assert body["oldest"] == [] and body["groups"] is None


def test_an_end_user_is_refused(client_for, requester_ann, db):
    response = client_for(requester_ann).get(DASHBOARD)
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"


def test_a_stranger_must_authenticate(db):
    response = APIClient().get(DASHBOARD)
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


def test_only_get(client_for, agent_l1_lee):
    response = client_for(agent_l1_lee).post(DASHBOARD, {}, format="json")
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"


def test_with_a_token_the_queries_do_not_grow_with_tickets(board, people, lead_mo):
    _, key = api_token_create(user=lead_mo, name="dashboard")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get(DASHBOARD)  # the token's first use stamps last_used_at
    counts = []
    for rounds in (0, 15):
        for i in range(rounds):
            make_ticket(requester=people["ann"], title=f"More {i}",
                        assignment_group=people["sd"], impact=1 + i % 3)  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        counts.append(len(queries))
    # The token with its user, then the lead's seven figure queries.
    assert counts == [8, 8]


def test_the_schema_documents_it(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"][DASHBOARD]["get"]
    assert set(operation["responses"]) == {"200", "403"}
    output = schema["components"]["schemas"]["DashboardOutput"]
    assert {"mine", "team", "sla", "days", "groups", "oldest", "scope", "time_zone"} <= set(
        output["properties"]
    )
