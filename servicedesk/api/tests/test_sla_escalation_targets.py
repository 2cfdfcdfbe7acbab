"""/api/v1/sla/escalation-targets/: agents read where each group escalates; desk admins set it."""

import pytest

from servicedesk.accounts.choices import Tier
from servicedesk.accounts.tests.factories import GroupFactory
from servicedesk.api.tests.helpers import error
from servicedesk.sla.actions import escalation_group
from servicedesk.sla.models import EscalationTarget
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

TARGETS = "/api/v1/sla/escalation-targets/"


@pytest.fixture
def database_team(db):
    return GroupFactory(name="Database Team", tier=Tier.L3)


def test_an_admin_sets_changes_and_removes_a_groups_target(
    client_for, admin_ada, requester_ann, service_desk, network_team, database_team
):
    client = client_for(admin_ada)
    created = client.post(
        TARGETS, {"group": service_desk.pk, "escalate_to": network_team.pk}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["group"] == {
        "id": service_desk.pk, "name": "Service Desk", "tier": "L1", "is_active": True,
    }  # fmt: skip
    assert body["escalate_to"]["name"] == "Network Team"
    assert created["Location"] == f"{TARGETS}{body['id']}/"
    ticket = make_ticket(requester=requester_ann, assignment_group=service_desk)
    assert escalation_group(ticket) == network_team

    moved = client.patch(
        f"{TARGETS}{body['id']}/", {"escalate_to": database_team.pk}, format="json"
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["escalate_to"]["name"] == "Database Team"
    assert escalation_group(ticket) == database_team

    assert client.delete(f"{TARGETS}{body['id']}/").status_code == 204
    assert not EscalationTarget.objects.exists()


def test_agents_read_the_targets_and_may_not_change_them(
    client_for, agent_l1_lee, requester_ann, service_desk, network_team
):
    target = EscalationTarget.objects.create(group=service_desk, escalate_to=network_team)
    client = client_for(agent_l1_lee)
    listed = client.get(TARGETS)
    assert listed.status_code == 200
    assert [(t["group"]["name"], t["escalate_to"]["name"]) for t in listed.json()] == [
        ("Service Desk", "Network Team")
    ]
    changed = client.patch(f"{TARGETS}{target.pk}/", {"escalate_to": 1}, format="json")
    assert changed.status_code == 403
    assert error(changed)["message"] == "Only desk admins can change escalation targets."
    end_user = client_for(requester_ann).get(TARGETS)
    assert end_user.status_code == 403
    assert error(end_user)["message"] == "Only agents can see escalation targets."


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"group": "L1", "escalate_to": 1}, "group", "Give the id as a whole number, not str."),
        ({"group": 999999, "escalate_to": 1}, "group", 'Invalid pk "999999" - object does not exist.'),
        ({"escalate_to": 1}, "group", "This field is required."),
        ({"group": 1, "escalate_to": 1, "tier": "L2"}, "tier", "Unknown field."),
    ],
)  # fmt: skip
def test_bad_input_names_its_field(client_for, admin_ada, service_desk, body, field, message):
    response = client_for(admin_ada).post(TARGETS, body, format="json")
    assert response.status_code == 400
    assert error(response)["fields"][field] == [message]
    assert not EscalationTarget.objects.exists()


def test_a_target_must_be_a_higher_tier_and_one_per_group(
    client_for, admin_ada, service_desk, network_team, database_team
):
    client = client_for(admin_ada)
    down = client.post(
        TARGETS, {"group": network_team.pk, "escalate_to": service_desk.pk}, format="json"
    )
    assert down.status_code == 400
    assert error(down)["fields"]["escalate_to"] == [
        "Service Desk is L1 (service desk); a group of L2 escalates to a higher tier."
    ]
    itself = client.post(
        TARGETS, {"group": network_team.pk, "escalate_to": network_team.pk}, format="json"
    )
    assert error(itself)["fields"]["escalate_to"] == ["A group cannot escalate to itself."]

    first = {"group": service_desk.pk, "escalate_to": network_team.pk}
    assert client.post(TARGETS, first, format="json").status_code == 201
    again = client.post(
        TARGETS, {"group": service_desk.pk, "escalate_to": database_team.pk}, format="json"
    )
    assert again.status_code == 409
    assert error(again)["message"] == (
        "Service Desk escalates to Network Team already; change or delete that target."
    )
    assert EscalationTarget.objects.get().escalate_to == network_team


def test_an_inactive_group_is_not_a_target(client_for, admin_ada, service_desk, network_team):
    network_team.is_active = False
    network_team.save()
    response = client_for(admin_ada).post(
        TARGETS, {"group": service_desk.pk, "escalate_to": network_team.pk}, format="json"
    )
    assert response.status_code == 400
    assert error(response)["fields"]["escalate_to"] == [
        f'Invalid pk "{network_team.pk}" - object does not exist.'
    ]
