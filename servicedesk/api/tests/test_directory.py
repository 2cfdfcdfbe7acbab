"""Users, groups and categories."""

import pytest

from servicedesk.api.tests.helpers import error
from servicedesk.tickets.models import Category

pytestmark = pytest.mark.django_db

USERS = "/api/v1/users/"


def _usernames(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [u["username"] for u in response.json()["results"]]


def test_agents_search_people_by_name_email_and_phone(
    client_for, agent_l1_lee, requester_ann, requester_bob
):
    requester_bob.phone = "+44 (0)20 7946-0018"
    requester_bob.save()
    client = client_for(agent_l1_lee)
    assert _usernames(client.get(USERS, {"q": "ann bob"})) == []
    assert _usernames(client.get(USERS, {"q": "Requester"})) == ["ann", "bob"]
    assert _usernames(client.get(USERS, {"q": "bob@example"})) == ["bob"]
    assert _usernames(client.get(USERS, {"q": "7946 0018"})) == ["bob"]
    assert _usernames(client.get(USERS, {"q": "79460018"})) == ["bob"]
    assert _usernames(client.get(USERS, {"role": "agent"})) == ["lee"]


def test_an_end_user_only_finds_themselves(client_for, requester_ann, requester_bob):
    client = client_for(requester_ann)
    assert _usernames(client.get(USERS)) == ["ann"]
    assert _usernames(client.get(USERS, {"q": "bob"})) == []
    response = client.get(f"{USERS}{requester_bob.pk}/")
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_me(client_for, agent_l1_lee, service_desk):
    body = client_for(agent_l1_lee).get(f"{USERS}me/").json()
    assert (body["username"], body["role"], body["is_agent"]) == ("lee", "agent", True)
    assert body["groups"] == [{"id": service_desk.pk, "name": "Service Desk"}]


def test_bad_user_search_is_400(client_for, agent_l1_lee):
    response = client_for(agent_l1_lee).get(USERS, {"role": "boss"})
    assert response.status_code == 400
    assert "role" in error(response)["fields"]


def test_groups_show_members_to_agents_only(
    client_for, agent_l1_lee, agent_l2_kim, lead_mo, requester_ann
):
    groups = client_for(agent_l1_lee).get("/api/v1/groups/").json()["results"]
    by_name = {g["name"]: g for g in groups}
    assert by_name["Network Team"]["tier"] == "L2"
    assert by_name["Network Team"]["members"] == [{"id": agent_l2_kim.pk, "name": "Kim Agent"}]
    assert by_name["Service Desk"]["lead"] == {"id": lead_mo.pk, "name": "Mo Lead"}
    seen_by_ann = client_for(requester_ann).get("/api/v1/groups/").json()["results"]
    assert {g["name"]: set(g) for g in seen_by_ann}["Network Team"] == {"id", "name", "tier"}


def test_categories_are_a_read_only_tree(
    client_for, requester_ann, hardware, printer, service_desk
):
    Category.objects.create(name="Scanner", parent=hardware, is_active=False)
    hardware.default_group = service_desk
    hardware.save()
    client = client_for(requester_ann)
    tree = client.get("/api/v1/categories/").json()
    assert tree == [{"id": hardware.pk, "name": "Hardware",
                     "default_group": {"id": service_desk.pk, "name": "Service Desk"},
                     "children": [{"id": printer.pk, "name": "Printer", "default_group": None}]}]  # fmt: skip
    response = client.post("/api/v1/categories/", {"name": "Mine"}, format="json")
    assert response.status_code == 405
    assert error(response)["code"] == "method_not_allowed"
