"""Who sees which ticket: the one rule every list, page, search and download goes through."""

import pytest

from servicedesk.accounts.choices import Role
from servicedesk.accounts.tests.factories import AgentFactory, UserFactory
from servicedesk.core.errors import NotFound
from servicedesk.tickets.selectors import ticket_get, visible_tickets
from servicedesk.tickets.services import ticket_update, watcher_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def numbers(user):
    return set(visible_tickets(user).values_list("number", flat=True))


@pytest.fixture
def tickets(requester_ann, requester_bob, service_desk, network_team):
    return {
        "ann": make_ticket(requester=requester_ann, title="Ann's laptop"),
        "bob": make_ticket(requester=requester_bob, title="Bob's VPN"),
        "network": make_ticket(
            requester=requester_bob, title="Switch down", assignment_group=network_team
        ),
    }


def test_end_user_sees_own_tickets_only(tickets, requester_ann):
    assert numbers(requester_ann) == {tickets["ann"].number}
    with pytest.raises(NotFound):
        ticket_get(user=requester_ann, number=tickets["bob"].number)


def test_watching_makes_a_ticket_visible(tickets, requester_ann, agent_l1_lee):
    watcher_add(ticket=tickets["bob"], user=requester_ann, by=agent_l1_lee)
    assert numbers(requester_ann) == {tickets["ann"].number, tickets["bob"].number}


def test_organisation_visibility_needs_the_flag(tickets, org_a, requester_ann):
    colleague = UserFactory(username="cy", organisation=org_a)
    assert numbers(colleague) == set()
    colleague.can_see_organisation_tickets = True
    colleague.save()
    assert numbers(colleague) == {tickets["ann"].number}


def test_agents_see_their_groups_and_what_is_assigned_to_them(tickets, agent_l1_lee, agent_l2_kim):
    assert numbers(agent_l1_lee) == {tickets["ann"].number, tickets["bob"].number}
    assert numbers(agent_l2_kim) == {tickets["network"].number}
    with pytest.raises(NotFound):
        ticket_get(user=agent_l2_kim, number=tickets["ann"].number)


def test_see_all_agents_and_admins_see_everything(tickets, admin_ada):
    roving = AgentFactory(username="rio", can_see_all_tickets=True)
    everything = {t.number for t in tickets.values()}
    assert numbers(roving) == everything
    assert numbers(admin_ada) == everything


def test_moving_a_ticket_to_another_group_hides_it(tickets, agent_l1_lee, network_team):
    ticket_update(
        ticket=tickets["ann"], by=agent_l1_lee, changes={"assignment_group": network_team}
    )
    assert tickets["ann"].number not in numbers(agent_l1_lee)


def test_requester_change_moves_visibility(tickets, requester_ann, requester_bob, agent_l1_lee):
    ticket_update(ticket=tickets["ann"], by=agent_l1_lee, changes={"requester": requester_bob})
    assert numbers(requester_ann) == set()
    assert tickets["ann"].number in numbers(requester_bob)


def test_inactive_users_see_nothing(tickets, agent_l1_lee):
    agent_l1_lee.is_active = False
    agent_l1_lee.save()
    assert numbers(agent_l1_lee) == set()


def test_visibility_never_repeats_a_ticket(tickets, requester_ann, agent_l1_lee, org_a):
    requester_ann.can_see_organisation_tickets = True
    requester_ann.save()
    for username in ("w1", "w2", "w3"):
        watcher_add(
            ticket=tickets["ann"],
            user=UserFactory(username=username, role=Role.END_USER),
            by=agent_l1_lee,
        )
    watcher_add(ticket=tickets["ann"], user=requester_ann, by=agent_l1_lee)
    assert visible_tickets(requester_ann).count() == 1


def test_the_admin_role_may_use_the_admin_site(db):
    boss = UserFactory(username="boss", role=Role.ADMIN)
    boss.refresh_from_db()
    assert boss.is_staff and boss.is_superuser
