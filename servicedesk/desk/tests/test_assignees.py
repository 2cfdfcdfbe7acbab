"""Assignee drop-downs offer the people who can take the ticket, not every agent there is."""

import json
import re
from html import unescape

import pytest

from servicedesk.accounts.choices import Role
from servicedesk.accounts.tests.factories import AgentFactory, GroupFactory, UserFactory
from servicedesk.desk.selectors import active_members
from servicedesk.desk.tests.test_ticket_page import edit_data
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_update


def select(body: str, name: str) -> tuple[list[str], dict[str, str]]:
    """The option labels of the one select called ``name``, and its attributes."""
    [(attrs, inner)] = re.findall(rf'<select name="{name}"([^>]*)>(.*?)</select>', body, re.S)
    labels = [
        unescape(label).strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", inner)
    ]
    return labels, {k: unescape(v) for k, v in re.findall(r'([\w-]+)="([^"]*)"', attrs)}


@pytest.fixture
def crowd(db):
    """Thirty agents in groups of their own: none of them can take a Service Desk ticket."""
    group = GroupFactory(name="Field Services")
    agents = [
        AgentFactory(username=f"field{i:02d}", display_name=f"Field Agent {i:02d}")
        for i in range(30)
    ]
    group.members.add(*agents)
    return agents


def test_edit_form_offers_the_active_members_of_the_tickets_group(
    as_user, agent_l1_lee, lead_mo, agent_l2_kim, service_desk, sd_ticket, crowd
):
    gone = AgentFactory(username="gone", display_name="Gone Agent", is_active=False)
    requester = UserFactory(username="eve", display_name="Eve Enduser")
    service_desk.members.add(gone, requester)  # neither can be assigned
    body = as_user(agent_l1_lee).get(f"/desk/tickets/{sd_ticket.number}/").content.decode()
    labels, attrs = select(body, "assignee")
    assert labels == ["— unassigned —", "Lee Agent", "Mo Lead"]
    # The map the page's script reads, for the groups the Group drop-down shows.
    group_map = json.loads(attrs["data-group-members"])
    names = dict(group_map["names"])
    by_group = {g: [names[u] for u in ids] for g, ids in group_map["groups"].items()}
    assert by_group[str(service_desk.pk)] == ["Lee Agent", "Mo Lead"]
    assert by_group[str(agent_l2_kim.support_groups.get().pk)] == ["Kim Agent"]
    assert len(by_group[str(crowd[0].support_groups.get().pk)]) == 30
    assert "Gone Agent" not in names.values() and "Eve Enduser" not in names.values()


def test_the_current_assignee_stays_offered_after_leaving_the_group(
    as_user, agent_l1_lee, lead_mo, service_desk, sd_ticket
):
    ticket_update(ticket=sd_ticket, by=lead_mo, changes={"assignee": agent_l1_lee})
    service_desk.members.remove(agent_l1_lee)
    body = as_user(lead_mo).get(f"/desk/tickets/{sd_ticket.number}/").content.decode()
    labels, _ = select(body, "assignee")
    assert labels == ["— unassigned —", "Mo Lead", "Lee Agent"]
    assert re.search(r'<option value="\d+" selected>Lee Agent</option>', body)


def test_changing_group_and_assignee_in_one_save(
    as_user, agent_l1_lee, agent_l2_kim, network_team, sd_ticket
):
    client = as_user(agent_l1_lee)
    url = f"/desk/tickets/{sd_ticket.number}/edit/"
    response = client.post(
        url, edit_data(sd_ticket, assignment_group=network_team.pk, assignee=agent_l2_kim.pk)
    )
    assert response.status_code == 302
    sd_ticket.refresh_from_db()
    assert (sd_ticket.assignment_group, sd_ticket.assignee) == (network_team, agent_l2_kim)


def test_an_assignee_outside_the_chosen_group_is_still_refused_clearly(
    as_user, agent_l1_lee, agent_l2_kim, network_team, sd_ticket
):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/",
        edit_data(sd_ticket, assignment_group=network_team.pk, assignee=agent_l1_lee.pk),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Lee Agent is not a member of Network Team.") == 1
    # The form comes back as sent: the chosen group's members, and the pick kept.
    labels, _ = select(body, "assignee")
    assert labels == ["— unassigned —", "Kim Agent", "Lee Agent"]
    assert re.search(r'<option value="\d+" selected>Lee Agent</option>', body)
    assert Ticket.objects.get(pk=sd_ticket.pk).assignment_group != network_team


def test_list_filters_offer_the_agents_own_groups_and_colleagues(
    as_user, agent_l1_lee, lead_mo, agent_l2_kim, crowd
):
    body = as_user(agent_l1_lee).get("/desk/tickets/?queue=open").content.decode()
    assert select(body, "assignee")[0] == ["Any", "Lee Agent", "Mo Lead"]
    assert select(body, "group")[0] == ["Any", "Service Desk"]
    # Filtering by someone the drop-down does not offer is a clear 400, not an empty list.
    response = as_user(agent_l1_lee).get(f"/desk/tickets/?queue=open&assignee={agent_l2_kim.pk}")
    assert response.status_code == 400
    assert "Assignee: Select a valid choice." in response.content.decode()


def test_list_filters_offer_everyone_to_those_who_see_every_ticket(
    as_user, admin_ada, agent_l1_lee, lead_mo, agent_l2_kim, crowd
):
    body = as_user(admin_ada).get("/desk/tickets/?queue=open").content.decode()
    assignees = select(body, "assignee")[0]
    assert len(assignees) == 1 + 3 + 30 + 1  # Any, three personas, the crowd, Ada herself
    assert {"Kim Agent", "Lee Agent", "Ada Admin", "Field Agent 07"} <= set(assignees)
    assert select(body, "group")[0] == ["Any", "Field Services", "Service Desk", "Network Team"]


def test_new_ticket_form_offers_the_agents_own_groups_until_a_group_is_chosen(
    as_user, agent_l1_lee, lead_mo, agent_l2_kim, requester_ann, crowd
):
    body = as_user(agent_l1_lee).get(f"/desk/call/?requester={requester_ann.pk}").content.decode()
    labels, attrs = select(body, "assignee")
    assert labels == ["— unassigned —", "Lee Agent", "Mo Lead"]
    group_map = json.loads(attrs["data-group-members"])
    assert group_map["groups"][""] == [agent_l1_lee.pk, lead_mo.pk]


def test_logging_a_call_for_a_colleague(as_user, agent_l1_lee, lead_mo, requester_ann):
    response = as_user(agent_l1_lee).post("/desk/call/", {
        "requester": requester_ann.pk, "title": "Monitor flickers", "kind": "incident",
        "impact": 3, "urgency": 3, "assignee": lead_mo.pk,
    })  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.url == f"/desk/tickets/{ticket.number}/"
    assert (ticket.assignee, ticket.assignment_group.name, ticket.state) == (
        lead_mo,
        "Service Desk",
        "assigned",
    )


def test_logging_a_call_for_someone_outside_the_chosen_group(
    as_user, agent_l1_lee, network_team, requester_ann
):
    response = as_user(agent_l1_lee).post("/desk/call/", {
        "requester": requester_ann.pk, "title": "Monitor flickers", "kind": "incident",
        "impact": 3, "urgency": 3, "assignment_group": network_team.pk,
        "assignee": agent_l1_lee.pk,
    })  # fmt: skip
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Lee Agent is not a member of Network Team.") == 1
    assert "assignee:" not in body
    assert not Ticket.objects.exists()


def test_a_lead_is_offered_like_any_agent(as_user, lead_mo, sd_ticket):
    assert lead_mo.role == Role.LEAD
    body = as_user(lead_mo).get(f"/desk/tickets/{sd_ticket.number}/").content.decode()
    assert "Mo Lead" in select(body, "assignee")[0]


def test_active_members_read_names_right_and_share_one_user_per_agent(
    agent_l1_lee, service_desk, network_team
):
    pat = AgentFactory(username="pat", display_name="", first_name="Pat", last_name="Park",
                       email="pat@example.org")  # fmt: skip
    service_desk.members.add(pat)
    network_team.members.add(pat)
    found = active_members(group_ids=[service_desk.pk, network_team.pk])
    assert [u.name for u in found[service_desk.pk]] == ["Lee Agent", "Pat Park"]
    [in_network] = found[network_team.pk]
    assert in_network is found[service_desk.pk][1]
    # Loaded as .only() loads: the rest of the row is still there when asked for.
    assert (in_network.username, in_network.email, in_network.role) == ("pat", pat.email, pat.role)
