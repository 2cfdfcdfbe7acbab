"""A ticket the user may not see does not exist for them, on every route."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.api.tests.helpers import TICKETS, error, url
from servicedesk.tickets.models import Attachment, Comment, TicketEvent, TicketLink, Watch
from servicedesk.tickets.services import comment_add, watcher_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_ticket(requester_bob, service_desk):
    return make_ticket(requester=requester_bob, title="Globex payroll is down", impact=1, urgency=1)


@pytest.mark.parametrize("part", ["", "comments", "attachments", "events", "links", "watchers"])
def test_ann_of_acme_gets_404_for_bobs_ticket(client_for, requester_ann, bobs_ticket, part):
    response = client_for(requester_ann).get(url(bobs_ticket, part))
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"
    assert "Globex" not in response.content.decode()


def test_writes_to_an_invisible_ticket_store_nothing(
    client_for, requester_ann, bobs_ticket, agent_l2_kim
):
    client = client_for(requester_ann)
    events = TicketEvent.objects.count()
    answers = [
        client.post(url(bobs_ticket, "comments"), {"body": "Mine now"}, format="json",
                    HTTP_IDEMPOTENCY_KEY="k"),
        client.post(url(bobs_ticket, "attachments"),
                    {"file": SimpleUploadedFile("a.txt", b"hello")}, format="multipart"),
        client.patch(url(bobs_ticket), {"title": "Hijacked"}, format="json"),
        client.post(url(bobs_ticket, "reopen"), {"reason": "x"}, format="json"),
        client.post(url(bobs_ticket, "accept"), {}, format="json"),
        client.post(url(bobs_ticket, "reject"), {"reason": "x"}, format="json"),
        client.post(url(bobs_ticket, "watchers"), {"user": requester_ann.pk}, format="json"),
        client.post(url(bobs_ticket, "links"), {"target": bobs_ticket.number, "kind": "related"},
                    format="json"),
    ]  # fmt: skip
    assert [a.status_code for a in answers] == [404] * len(answers)
    assert not Comment.objects.exists()
    assert not Attachment.objects.exists()
    assert not Watch.objects.exists()
    assert not TicketLink.objects.exists()
    assert TicketEvent.objects.count() == events
    bobs_ticket.refresh_from_db()
    assert (bobs_ticket.title, bobs_ticket.version) == ("Globex payroll is down", 1)


def test_kim_of_the_network_team_cannot_see_a_service_desk_ticket(
    client_for, agent_l2_kim, bobs_ticket
):
    client = client_for(agent_l2_kim)
    assert client.get(url(bobs_ticket)).status_code == 404
    assert client.get(url(bobs_ticket, "events")).status_code == 404
    response = client.patch(url(bobs_ticket), {"state": "in_progress"}, format="json")
    assert response.status_code == 404
    assert client.get(TICKETS).json()["results"] == []
    assert client.get(TICKETS, {"q": bobs_ticket.number}).json()["results"] == []


def test_lists_hold_only_visible_tickets(
    client_for, requester_ann, requester_bob, agent_l1_lee, bobs_ticket
):
    mine = make_ticket(requester=requester_ann, title="Ann's laptop")
    numbers = [t["number"] for t in client_for(requester_ann).get(TICKETS).json()["results"]]
    assert numbers == [mine.number]
    # The requester filter cannot widen what Ann sees.
    response = client_for(requester_ann).get(TICKETS, {"requester": requester_bob.pk})
    assert response.json()["results"] == []
    agent_numbers = {t["number"] for t in client_for(agent_l1_lee).get(TICKETS).json()["results"]}
    assert agent_numbers == {mine.number, bobs_ticket.number}


def test_counts_respect_visibility(
    client_for, requester_ann, agent_l2_kim, agent_l1_lee, bobs_ticket
):
    make_ticket(requester=requester_ann, title="Ann's laptop")
    ann = client_for(requester_ann).get(f"{TICKETS}counts/", {"by": "priority"}).json()
    assert ann == {"by": "priority", "counts": {"4": 1}, "total": 1}
    kim = client_for(agent_l2_kim).get(f"{TICKETS}counts/", {"by": "state"}).json()
    assert kim == {"by": "state", "counts": {}, "total": 0}
    lee = client_for(agent_l1_lee).get(f"{TICKETS}counts/", {"by": "priority"}).json()
    assert lee == {"by": "priority", "counts": {"1": 1, "4": 1}, "total": 2}


def test_a_watcher_sees_the_ticket_and_only_public_parts(
    client_for, requester_ann, agent_l1_lee, bobs_ticket
):
    watcher_add(ticket=bobs_ticket, user=requester_ann, by=agent_l1_lee)
    comment_add(ticket=bobs_ticket, by=agent_l1_lee, body="Looking at it")
    comment_add(ticket=bobs_ticket, by=agent_l1_lee, body="Payroll DB disk full", is_public=False)
    client = client_for(requester_ann)
    assert client.get(url(bobs_ticket)).status_code == 200
    bodies = [c["body"] for c in client.get(url(bobs_ticket, "comments")).json()["results"]]
    assert bodies == ["Looking at it"]
    changes = [e["changes"] for e in client.get(url(bobs_ticket, "events")).json()["results"]]
    comments = [c.get("comment") for c in changes]
    assert [None, "internal"] not in comments
    assert [None, "public"] in comments


def test_no_browsable_page_lists_other_people_to_an_end_user(
    client_for, requester_ann, agent_l1_lee
):
    make_ticket(requester=requester_ann)
    response = client_for(requester_ann).get(TICKETS, HTTP_ACCEPT="text/html,*/*")
    assert response["Content-Type"] == "application/json"
    assert "Lee Agent" not in response.content.decode()
