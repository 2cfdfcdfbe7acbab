"""``generate-tickets``: the generated desk works in the product, visibility included."""

from collections import Counter

import pytest
from django.test import Client
from django.utils.html import escape
from rest_framework.test import APIClient

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import Membership, User
from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import visible_tickets
from servicedesk.tickets.tests.generated import kept_for_module

pytestmark = pytest.mark.django_db

COUNT = 400


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with kept_for_module(django_db_blocker, count=COUNT, seed=9) as summary:
        yield summary


@pytest.fixture
def lead(generated) -> User:
    return User.objects.get(username__startswith="gen-", can_see_all_tickets=True)


def signed_in(user: User) -> tuple[Client, APIClient]:
    client, api = Client(), APIClient()
    client.force_login(user)
    api.force_authenticate(user)
    return client, api


def examples() -> list[Ticket]:
    """One ticket of each state, the one with the longest history, and a reopened one."""
    tickets = list(Ticket.objects.all())
    by_state = {t.state: t for t in tickets}
    longest = max(tickets, key=lambda t: t.events.count())
    reopened = [t for t in tickets if t.reopen_count]
    return [*by_state.values(), longest, *reopened[:1]]


def test_a_lead_who_sees_all_opens_generated_tickets_in_the_desk_and_the_api(lead):
    client, api = signed_in(lead)
    picked = examples()
    assert {t.state for t in picked} >= {State.CLOSED, State.CANCELLED, State.NEW}

    for ticket in picked:
        page = client.get(f"/desk/tickets/{ticket.number}/")
        assert page.status_code == 200, ticket.number
        assert escape(ticket.title) in page.content.decode()

        detail = api.get(f"/api/v1/tickets/{ticket.number}/")
        assert detail.status_code == 200, ticket.number
        body = detail.json()
        assert (body["number"], body["state"], body["priority"], body["version"]) == (
            ticket.number, ticket.state, ticket.priority, ticket.version,
        )  # fmt: skip

        events = api.get(f"/api/v1/tickets/{ticket.number}/events/?page_size=200")
        assert events.status_code == 200, ticket.number
        kinds = [e.kind for e in ticket.events.order_by("created_at", "id")]
        assert [e["kind"] for e in events.json()["results"]] == kinds


def test_the_desks_open_queue_lists_the_generated_open_tickets_for_the_lead(lead):
    client, _ = signed_in(lead)
    page = client.get("/desk/tickets/?queue=open")
    assert page.status_code == 200
    still_open = Ticket.objects.exclude(state__in=[State.RESOLVED, State.CLOSED, State.CANCELLED])
    assert 0 < still_open.count() <= 25  # one page
    listed = page.content.decode()
    assert [t.number for t in still_open if t.number not in listed] == []
    assert Ticket.objects.filter(state=State.CLOSED).first().number not in listed


def test_a_generated_agent_sees_their_groups_tickets_only(generated):
    agent = (
        User.objects.filter(username__startswith="gen-", role=Role.AGENT)
        .filter(assigned_tickets__isnull=False)
        .order_by("username")
        .first()
    )
    groups = set(Membership.objects.filter(user=agent).values_list("group_id", flat=True))
    expected = {
        t.pk
        for t in Ticket.objects.all()
        if t.assignment_group_id in groups or t.assignee_id == agent.pk
    }
    assert 0 < len(expected) < COUNT
    assert set(visible_tickets(agent).values_list("pk", flat=True)) == expected

    client, api = signed_in(agent)
    mine = Ticket.objects.filter(pk__in=expected).first()
    other = Ticket.objects.exclude(pk__in=expected).first()
    assert client.get(f"/desk/tickets/{mine.number}/").status_code == 200
    assert client.get(f"/desk/tickets/{other.number}/").status_code == 404
    assert api.get(f"/api/v1/tickets/{other.number}/").status_code == 404


def requester_with_neighbours() -> User:
    """A generated end user whose organisation has tickets raised by others too."""
    raised = Counter(Ticket.objects.values_list("organisation_id", "requester_id"))
    requesters_by_org = Counter(org for org, _ in raised)
    org, requester = next(key for key in sorted(raised) if requesters_by_org[key[0]] > 1)
    return User.objects.get(pk=requester, organisation_id=org)


def test_a_generated_end_user_sees_only_their_own_tickets(generated):
    user = requester_with_neighbours()
    assert user.role == Role.END_USER and not user.can_see_organisation_tickets
    own = set(Ticket.objects.filter(requester=user).values_list("pk", flat=True))
    assert set(visible_tickets(user).values_list("pk", flat=True)) == own

    client, api = signed_in(user)
    mine = Ticket.objects.filter(requester=user).first()
    neighbours = Ticket.objects.filter(organisation=user.organisation).exclude(requester=user)
    assert client.get(f"/portal/tickets/{mine.number}/").status_code == 200
    assert client.get(f"/portal/tickets/{neighbours.first().number}/").status_code == 404
    assert api.get(f"/api/v1/tickets/{neighbours.first().number}/").status_code == 404


def test_a_generated_end_user_allowed_to_sees_their_organisations_tickets(generated):
    user = requester_with_neighbours()
    user.can_see_organisation_tickets = True
    user.save()
    organisation = set(
        Ticket.objects.filter(organisation=user.organisation).values_list("pk", flat=True)
    )
    assert len(organisation) > Ticket.objects.filter(requester=user).count()
    assert set(visible_tickets(user).values_list("pk", flat=True)) == organisation

    client, api = signed_in(user)
    neighbour = Ticket.objects.filter(organisation=user.organisation).exclude(requester=user)[0]
    stranger = Ticket.objects.exclude(organisation=user.organisation).first()
    assert client.get(f"/portal/tickets/{neighbour.number}/").status_code == 200
    assert api.get(f"/api/v1/tickets/{neighbour.number}/").status_code == 200
    assert client.get(f"/portal/tickets/{stranger.number}/").status_code == 404
    assert api.get(f"/api/v1/tickets/{stranger.number}/").status_code == 404
