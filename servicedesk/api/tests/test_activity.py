"""Comments, attachments, the timeline, links and watchers of a ticket."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from servicedesk.api.tests.helpers import error, url
from servicedesk.tickets.choices import Channel, EventKind, State
from servicedesk.tickets.models import Attachment, Comment, TicketLink, Watch
from servicedesk.tickets.services import comment_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester_ann, service_desk):
    return make_ticket(requester=requester_ann)


def test_requester_comments_publicly(client_for, requester_ann, ticket):
    response = client_for(requester_ann).post(
        url(ticket, "comments"), {"body": " Any news? "}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["body"], body["is_public"], body["channel"]) == ("Any news?", True, Channel.API)
    assert body["author"] == {"id": requester_ann.pk, "name": "Ann Requester"}
    assert body["attachments"] == []


def test_end_user_cannot_write_an_internal_note(client_for, requester_ann, ticket):
    response = client_for(requester_ann).post(
        url(ticket, "comments"), {"body": "psst", "is_public": False}, format="json"
    )
    assert response.status_code == 400
    assert "is_public" in error(response)["fields"]
    assert not Comment.objects.exists()


@pytest.mark.parametrize(
    "payload", [{}, {"body": ""}, {"body": "ok", "is_public": "maybe"}, {"body": "ok", "x": 1}]
)
def test_comment_input_is_checked(client_for, agent_l1_lee, ticket, payload):
    response = client_for(agent_l1_lee).post(url(ticket, "comments"), payload, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"


def test_agents_see_internal_notes_end_users_do_not(
    client_for, requester_ann, agent_l1_lee, ticket
):
    client_for(agent_l1_lee).post(
        url(ticket, "comments"), {"body": "Toner order placed", "is_public": False}, format="json"
    )
    client_for(agent_l1_lee).post(url(ticket, "comments"), {"body": "On it"}, format="json")
    agent_view = client_for(agent_l1_lee).get(url(ticket, "comments")).json()["results"]
    user_view = client_for(requester_ann).get(url(ticket, "comments")).json()["results"]
    assert [c["body"] for c in agent_view] == ["Toner order placed", "On it"]
    assert [c["body"] for c in user_view] == ["On it"]


def test_commenting_on_a_closed_ticket_is_refused(client_for, agent_l1_lee, requester_ann, ticket):
    client_for(agent_l1_lee).patch(url(ticket), {"state": "cancelled"}, format="json")
    response = client_for(requester_ann).post(url(ticket, "comments"), {"body": "?"}, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "ticket_closed"


def test_upload_an_attachment(client_for, requester_ann, ticket):
    upload = SimpleUploadedFile("../../etc/notes.txt", b"line one\n", content_type="image/png")
    response = client_for(requester_ann).post(
        url(ticket, "attachments"), {"file": upload}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    attachment = Attachment.objects.get()
    assert body["filename"] == "notes.txt"
    assert body["content_type"] == "text/plain"
    assert body["size"] == 9
    assert body["comment"] is None
    assert body["download_url"] == reverse("tickets:attachment_download", args=[attachment.pk])
    assert body["download_url"] == f"/attachments/{attachment.pk}/"
    listed = client_for(requester_ann).get(url(ticket, "attachments")).json()["results"]
    assert [a["id"] for a in listed] == [attachment.pk]


def test_attach_to_a_comment(client_for, agent_l1_lee, requester_ann, ticket):
    note = comment_add(ticket=ticket, by=agent_l1_lee, body="Log", is_public=False)
    response = client_for(agent_l1_lee).post(
        url(ticket, "attachments"),
        {"file": SimpleUploadedFile("log.txt", b"boom"), "comment": note.pk},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["comment"] == note.pk
    comments = client_for(agent_l1_lee).get(url(ticket, "comments")).json()["results"]
    assert [a["filename"] for a in comments[0]["attachments"]] == ["log.txt"]
    # Ann may neither see the internal note's file nor attach to that note.
    assert client_for(requester_ann).get(url(ticket, "attachments")).json()["results"] == []
    response = client_for(requester_ann).post(
        url(ticket, "attachments"),
        {"file": SimpleUploadedFile("x.txt", b"x"), "comment": note.pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert "comment" in error(response)["fields"]


@pytest.mark.parametrize(
    "payload",
    [{}, {"file": "not a file"}, {"file": SimpleUploadedFile("e.txt", b"")},
     {"file": SimpleUploadedFile("a.txt", b"a"), "comment": "abc"},
     {"file": SimpleUploadedFile("a.txt", b"a"), "comment": str(2**70)}],
)  # fmt: skip
def test_attachment_input_is_checked(client_for, requester_ann, ticket, payload):
    response = client_for(requester_ann).post(
        url(ticket, "attachments"), payload, format="multipart"
    )
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"
    assert not Attachment.objects.exists()


def test_attachment_over_the_limit_is_refused(client_for, requester_ann, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    response = client_for(requester_ann).post(
        url(ticket, "attachments"), {"file": SimpleUploadedFile("big.bin", b"x" * 11)},
        format="multipart",
    )  # fmt: skip
    assert response.status_code == 400
    assert "attachments" in error(response)["fields"]


def test_events_are_the_timeline_oldest_first(client_for, agent_l1_lee, ticket):
    client = client_for(agent_l1_lee)
    client.patch(url(ticket), {"state": "in_progress"}, format="json")
    client.post(url(ticket, "comments"), {"body": "On it"}, format="json")
    events = client.get(url(ticket, "events")).json()["results"]
    assert [e["kind"] for e in events] == [
        EventKind.CREATED,
        EventKind.UPDATED,
        EventKind.COMMENTED,
    ]
    assert events[1]["changes"]["state"] == ["new", "in_progress"]
    # The first public reply is the first response, recorded on the comment's own event.
    assert events[2]["changes"]["comment"] == [None, "public"]
    assert events[2]["changes"]["first_response_at"][0] is None
    assert events[1]["actor"] == {"id": agent_l1_lee.pk, "name": "Lee Agent"}
    assert client.post(url(ticket, "events"), {}, format="json").status_code == 405


def test_link_two_tickets_and_remove_the_link(client_for, agent_l1_lee, requester_ann, ticket):
    other = make_ticket(requester=requester_ann, title="Printer on floor 4 jams")
    client = client_for(agent_l1_lee)
    response = client.post(
        url(other, "links"), {"target": ticket.number, "kind": "duplicate_of"}, format="json"
    )
    assert response.status_code == 201, response.json()
    link_id = response.json()["id"]
    assert response.json()["ticket"]["number"] == ticket.number
    incoming = client.get(url(ticket, "links")).json()
    assert incoming == [{"id": link_id, "kind": "duplicate_of", "direction": "in",
                         "ticket": {"number": other.number, "title": other.title, "state": "new"},
                         "created_at": incoming[0]["created_at"]}]  # fmt: skip
    assert client.delete(url(ticket, f"links/{link_id}")).status_code == 204
    assert not TicketLink.objects.exists()
    assert client.delete(url(ticket, f"links/{link_id}")).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"target": "INC9999999", "kind": "related"}, "target"), ({"kind": "related"}, "target"),
     ({"target": "self", "kind": "sibling_of"}, "kind"), ({"target": "self", "kind": "related"}, "target")],
)  # fmt: skip
def test_link_input_is_checked(client_for, agent_l1_lee, ticket, payload, field):
    payload = {k: ticket.number if v == "self" else v for k, v in payload.items()}
    response = client_for(agent_l1_lee).post(url(ticket, "links"), payload, format="json")
    assert response.status_code == 400
    assert field in error(response)["fields"]


def test_links_to_tickets_kim_cannot_see_are_refused(
    client_for, agent_l2_kim, network_team, requester_ann, ticket
):
    kims = make_ticket(requester=requester_ann, assignment_group=network_team)
    response = client_for(agent_l2_kim).post(
        url(kims, "links"), {"target": ticket.number, "kind": "related"}, format="json"
    )
    assert response.status_code == 400
    assert "target" in error(response)["fields"]


def test_end_users_cannot_link_or_add_watchers(client_for, requester_ann, requester_bob, ticket):
    other = make_ticket(requester=requester_ann)
    client = client_for(requester_ann)
    linked = client.post(
        url(ticket, "links"), {"target": other.number, "kind": "related"}, format="json"
    )
    watched = client.post(url(ticket, "watchers"), {"user": requester_bob.pk}, format="json")
    assert (linked.status_code, watched.status_code) == (403, 403)
    assert error(watched)["code"] == "permission_denied"
    assert not Watch.objects.exists()


def test_add_and_remove_a_watcher(client_for, agent_l1_lee, requester_bob, ticket):
    client = client_for(agent_l1_lee)
    response = client.post(url(ticket, "watchers"), {"user": requester_bob.pk}, format="json")
    assert response.status_code == 201
    assert client.get(url(ticket, "watchers")).json() == [
        {"id": requester_bob.pk, "name": "Bob Requester"}
    ]
    assert client_for(requester_bob).get(url(ticket)).status_code == 200
    assert client.delete(url(ticket, f"watchers/{requester_bob.pk}")).status_code == 204
    assert client.get(url(ticket, "watchers")).json() == []
    assert client.delete(url(ticket, f"watchers/{requester_bob.pk}")).status_code == 404
    bad = client.post(url(ticket, "watchers"), {"user": 987654}, format="json")
    assert bad.status_code == 400
    assert "user" in error(bad)["fields"]


def test_a_requester_reply_brings_a_waiting_ticket_back(
    client_for, agent_l1_lee, requester_ann, ticket
):
    client_for(agent_l1_lee).patch(
        url(ticket), {"state": "awaiting_user", "assignee": agent_l1_lee.pk}, format="json"
    )
    client_for(requester_ann).post(url(ticket, "comments"), {"body": "Here it is"}, format="json")
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
