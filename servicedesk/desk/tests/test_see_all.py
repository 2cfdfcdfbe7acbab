"""Admins and agents who may see every ticket get every group's queues, and the admin link."""

import pytest

from servicedesk.accounts.tests.factories import AgentFactory
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket


def numbers(response) -> set[str]:
    return {t.number for t in response.context["page"].rows}


@pytest.fixture
def board(requester_ann, requester_bob, agent_l1_lee, agent_l2_kim, service_desk, network_team):
    lee_s = make_ticket(requester=requester_ann, title="Lee works this", assignee=agent_l1_lee)
    sd_free = make_ticket(requester=requester_ann, title="Nobody on this yet")
    net_free = make_ticket(
        requester=requester_bob, title="Switch port flapping", assignment_group=network_team
    )
    kims = make_ticket(requester=requester_bob, title="Router firmware", assignee=agent_l2_kim)
    return {"lee": lee_s, "sd_free": sd_free, "net_free": net_free, "kim": kims}


@pytest.fixture
def auditor_ivy(network_team):
    """An agent of one group who may see every ticket."""
    agent = AgentFactory(username="ivy", display_name="Ivy Auditor", can_see_all_tickets=True)
    network_team.members.add(agent)
    return agent


@pytest.mark.parametrize("who", ["admin_ada", "auditor_ivy"])
def test_queues_of_someone_who_sees_every_ticket_cover_every_group(request, as_user, board, who):
    client = as_user(request.getfixturevalue(who))
    everyone = {t.number for t in board.values()}
    unassigned = {board["sd_free"].number, board["net_free"].number}

    groups = client.get("/desk/tickets/", {"queue": "groups"})
    assert groups.context["queue_label"] == "All groups"
    assert numbers(groups) == everyone
    free = client.get("/desk/tickets/", {"queue": "unassigned"})
    assert free.context["queue_label"] == "Unassigned (all groups)"
    assert numbers(free) == unassigned

    home = client.get("/desk/")
    entries = {e.queue.slug: (e.label, e.count) for e in home.context["queues"]}
    assert entries["groups"] == ("All groups", 4)
    assert entries["unassigned"] == ("Unassigned (all groups)", 2)
    body = home.content.decode()
    assert "<span>All groups</span>" in body and "<span>My groups</span>" not in body


def test_unassigned_of_every_group_includes_tickets_without_a_group(
    as_user, admin_ada, board, requester_ann
):
    stray = make_ticket(requester=requester_ann, title="Reached nobody")
    Ticket.objects.filter(pk=stray.pk).update(assignment_group=None)
    response = as_user(admin_ada).get("/desk/tickets/", {"queue": "unassigned"})
    assert stray.number in numbers(response)
    # "All groups" is the tickets that have one.
    assert stray.number not in numbers(as_user(admin_ada).get("/desk/tickets/?queue=groups"))


def test_an_agent_keeps_the_queues_of_their_own_groups(as_user, agent_l1_lee, board):
    response = as_user(agent_l1_lee).get("/desk/tickets/", {"queue": "unassigned"})
    assert response.context["queue_label"] == "Unassigned"
    assert numbers(response) == {board["sd_free"].number}
    labels = [e.label for e in response.context["queues"]]
    assert labels == [
        "Assigned to me", "My groups", "Unassigned", "Breaching soon", "Breached", "All open",
        "Recently resolved", "All tickets",
    ]  # fmt: skip


def test_admins_get_a_link_to_the_admin_site(as_user, admin_ada, agent_l1_lee, lead_mo):
    assert '<a href="/admin/">Admin</a>' in as_user(admin_ada).get("/desk/").content.decode()
    for user in (agent_l1_lee, lead_mo):
        assert 'href="/admin/"' not in as_user(user).get("/desk/").content.decode()
