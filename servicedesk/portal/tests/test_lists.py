"""Portal lists: mine or my organisation's, searched, paged by keyset (no OFFSET, no COUNT)."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import ticket_update, watcher_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    return re.findall(r'href="/portal/tickets/((?:INC|REQ)\d+)/"', response.content.decode())


@pytest.fixture
def carl(org_a):
    """Ann's colleague at Acme, allowed to see the organisation's tickets."""
    return UserFactory(username="carl", organisation=org_a, can_see_organisation_tickets=True)


@pytest.fixture
def dave(org_a):
    """Ann's colleague at Acme without that permission."""
    return UserFactory(username="dave", organisation=org_a)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_tickets_include_watched_ones(requester_ann, requester_bob, agent_l1_lee, service_desk):
    mine = make_ticket(requester=requester_ann, title="Mine")
    watched = make_ticket(requester=requester_bob, title="Watched")
    watcher_add(ticket=watched, user=requester_ann, by=agent_l1_lee)
    other = make_ticket(requester=requester_bob, title="Not mine")
    numbers = _numbers(_client(requester_ann).get("/portal/tickets/"))
    assert numbers == [watched.number, mine.number]
    assert other.number not in numbers


def test_organisation_scope_shows_colleagues_tickets_only_with_the_flag(
    requester_ann, requester_bob, carl, dave, service_desk
):
    anns = make_ticket(requester=requester_ann, title="Ann's monitor flickers")
    globex = make_ticket(requester=requester_bob, title="Globex VPN drops")

    carl_client = _client(carl)
    assert _numbers(carl_client.get("/portal/tickets/?scope=organisation")) == [anns.number]
    assert _numbers(carl_client.get("/portal/tickets/")) == []
    assert carl_client.get(f"/portal/tickets/{anns.number}/").status_code == 200
    assert carl_client.get(f"/portal/tickets/{globex.number}/").status_code == 404

    dave_client = _client(dave)
    response = dave_client.get("/portal/tickets/?scope=organisation")
    assert response.status_code == 200
    assert _numbers(response) == []
    assert b"My organisation" not in response.content  # the tab is not offered
    assert dave_client.get(f"/portal/tickets/{anns.number}/").status_code == 404


def test_search_by_words_and_number(requester_ann, service_desk):
    printer = make_ticket(requester=requester_ann, title="Printer jams")
    mail = make_ticket(requester=requester_ann, title="Mail is slow", description="Outlook hangs")
    client = _client(requester_ann)
    assert _numbers(client.get("/portal/tickets/?q=printer")) == [printer.number]
    assert _numbers(client.get("/portal/tickets/?q=outlook")) == [mail.number]
    assert _numbers(client.get(f"/portal/tickets/?q={mail.number.lower()}")) == [mail.number]
    empty = client.get("/portal/tickets/?q=fax")
    assert _numbers(empty) == []
    assert "No ticket matches “fax”".encode() in empty.content


def test_open_only_filter(requester_ann, agent_l1_lee, service_desk):
    done = make_ticket(requester=requester_ann, title="Done")
    ticket_update(ticket=done, by=agent_l1_lee, changes={"state": State.CANCELLED})
    going = make_ticket(requester=requester_ann, title="Going")
    client = _client(requester_ann)
    assert _numbers(client.get("/portal/tickets/?show=open")) == [going.number]
    assert _numbers(client.get("/portal/tickets/?show=all")) == [going.number, done.number]


def test_keyset_pages_without_offset_or_count(requester_ann, requester_bob, service_desk):
    tickets = [make_ticket(requester=requester_ann, title=f"Ticket {i}") for i in range(30)]
    make_ticket(requester=requester_bob, title="Bob's")
    newest_first = [t.number for t in reversed(tickets)]
    client = _client(requester_ann)

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/portal/tickets/")
    sql = " ".join(q["sql"].upper() for q in queries.captured_queries)
    assert "OFFSET" not in sql
    assert "COUNT(" not in sql
    assert _numbers(first) == newest_first[:25]

    older = re.search(r'href="(\?[^"]*after=[^"]+)"', first.content.decode()).group(1)
    second = client.get("/portal/tickets/" + older.replace("&amp;", "&"))
    assert _numbers(second) == newest_first[25:]
    assert "after=" not in second.content.decode()

    newer = re.search(r'href="(\?[^"]*before=[^"]+)"', second.content.decode()).group(1)
    back = client.get("/portal/tickets/" + newer.replace("&amp;", "&"))
    assert _numbers(back) == newest_first[:25]
    assert "before=" not in back.content.decode()


def test_broken_page_link_is_a_clear_400(requester_ann):
    response = _client(requester_ann).get("/portal/tickets/?after=not-a-cursor")
    assert response.status_code == 400
    assert b"This page link is broken" in response.content


def test_home_lists_unfinished_tickets(requester_ann, agent_l1_lee, service_desk):
    waiting = make_ticket(requester=requester_ann, title="Resolved, waiting for me")
    ticket_update(
        ticket=waiting,
        by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )
    closed = make_ticket(requester=requester_ann, title="Long gone")
    ticket_update(ticket=closed, by=agent_l1_lee, changes={"state": State.CANCELLED})
    response = _client(requester_ann).get("/portal/")
    assert response.status_code == 200
    assert b"Report a problem" in response.content
    assert b"Request something" in response.content
    assert _numbers(response) == [waiting.number]
    assert b"portal-ticket-needs-you" in response.content
