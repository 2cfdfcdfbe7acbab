"""The ticket page: the public conversation, replies, and the requester's verdict on a fix."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.tickets.choices import EventKind, State
from servicedesk.tickets.models import Attachment, Comment, Ticket, TicketEvent
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester_ann, service_desk):
    return make_ticket(requester=requester_ann, title="Printer on floor 3 jams")


@pytest.fixture
def resolved(ticket, agent_l1_lee):
    comment_add(ticket=ticket, by=agent_l1_lee, body="Replaced the roller.")
    return ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={
            "state": State.RESOLVED,
            "resolution_code": "solved",
            "resolution_notes": "The pick-up roller was worn; replaced it.",
        },
    )


@pytest.fixture
def internal_note(ticket, agent_l1_lee):
    return comment_add(
        ticket=ticket,
        by=agent_l1_lee,
        body="Supplier contract ends in May",
        is_public=False,
        attachments=[SimpleUploadedFile("contract.txt", b"confidential terms")],
    )


def test_page_shows_state_in_plain_words_and_the_public_conversation(
    ann_client, ticket, agent_l1_lee
):
    comment_add(ticket=ticket, by=agent_l1_lee, body="Which tray do you use?")
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    response = ann_client.get(f"/portal/tickets/{ticket.number}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Waiting for your answer" in body
    assert "Which tray do you use?" in body
    assert "Support team" in body
    assert "Add a reply" in body


def test_number_lookup_ignores_case(ann_client, ticket):
    assert ann_client.get(f"/portal/tickets/{ticket.number.lower()}/").status_code == 200


def test_end_user_sees_no_internal_note_and_cannot_download_its_file(
    ann_client, ticket, internal_note
):
    response = ann_client.get(f"/portal/tickets/{ticket.number}/")
    assert response.status_code == 200
    assert b"Supplier contract" not in response.content
    assert b"contract.txt" not in response.content
    attachment = internal_note.attachments.get()
    assert ann_client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_agents_in_the_portal_see_what_the_requester_sees(
    client, agent_l1_lee, ticket, internal_note
):
    client.force_login(agent_l1_lee)
    response = client.get(f"/portal/tickets/{ticket.number}/")
    assert response.status_code == 200
    assert b"Printer on floor 3 jams" in response.content
    assert b"Supplier contract" not in response.content
    assert b"contract.txt" not in response.content


def test_reply_with_attachment(ann_client, requester_ann, ticket):
    response = ann_client.post(
        f"/portal/tickets/{ticket.number}/reply/",
        {"body": "It happens on A3 too.", "attachments": [SimpleUploadedFile("a3.txt", b"A3")]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{ticket.number}/"
    comment = Comment.objects.get()
    assert (comment.author, comment.body, comment.is_public, comment.channel) == (
        requester_ann, "It happens on A3 too.", True, "portal",
    )  # fmt: skip
    assert comment.attachments.get().filename == "a3.txt"
    page = ann_client.get(response["Location"])
    assert b"Your reply was sent." in page.content
    assert b"It happens on A3 too." in page.content


def test_empty_reply_is_refused(ann_client, ticket):
    response = ann_client.post(f"/portal/tickets/{ticket.number}/reply/", {"body": "  "})
    assert response.status_code == 400
    assert b"A comment needs some text or an attachment." in response.content
    assert Comment.objects.count() == 0


def test_too_large_reply_attachment_stores_nothing(ann_client, ticket, settings):
    settings.ATTACHMENT_MAX_BYTES = 10
    events = TicketEvent.objects.count()
    response = ann_client.post(
        f"/portal/tickets/{ticket.number}/reply/",
        {"body": "see log", "attachments": [SimpleUploadedFile("big.log", b"x" * 50)]},
    )
    assert response.status_code == 400
    assert b"big.log is 50 bytes; the limit is 10 bytes." in response.content
    assert b"see log" in response.content
    assert (Comment.objects.count(), Attachment.objects.count()) == (0, 0)
    assert TicketEvent.objects.count() == events


def test_reply_by_get_is_not_allowed(ann_client, ticket):
    assert ann_client.get(f"/portal/tickets/{ticket.number}/reply/").status_code == 405


def test_resolved_ticket_asks_the_requester(ann_client, resolved):
    body = ann_client.get(f"/portal/tickets/{resolved.number}/").content.decode()
    assert "Solved: please confirm" in body
    assert "Is your problem solved?" in body
    assert f"/portal/tickets/{resolved.number}/accept/" in body
    assert f"/portal/tickets/{resolved.number}/reject/" in body


def test_requester_reads_how_it_was_solved(ann_client, resolved):
    page = ann_client.get(f"/portal/tickets/{resolved.number}/").content.decode()
    assert "How we solved it" in page
    assert "The pick-up roller was worn; replaced it." in page


def test_accept_closes_and_the_closed_ticket_takes_no_reply(ann_client, resolved):
    response = ann_client.post(f"/portal/tickets/{resolved.number}/accept/")
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=resolved.pk)
    assert ticket.state == State.CLOSED
    assert ticket.closed_at is not None
    assert ticket.events.last().kind == EventKind.RESOLUTION_ACCEPTED

    body = ann_client.get(response["Location"]).content.decode()
    assert "Thank you for confirming" in body
    assert "It takes no more replies" in body
    assert "/portal/new/?kind=incident" in body
    assert "Add a reply" not in body

    comments = Comment.objects.count()
    refused = ann_client.post(f"/portal/tickets/{resolved.number}/reply/", {"body": "one more"})
    assert refused.status_code == 400
    assert b"raise a new ticket instead" in refused.content
    assert Comment.objects.count() == comments


def test_reject_reopens_with_the_reason_on_the_timeline(ann_client, resolved):
    response = ann_client.post(
        f"/portal/tickets/{resolved.number}/reject/", {"reason": "Still jams on A3 paper"}
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(pk=resolved.pk)
    assert ticket.state == State.ASSIGNED
    assert ticket.reopen_count == 1
    assert ticket.resolved_at is None
    event = ticket.events.last()
    assert (event.kind, event.message) == (EventKind.RESOLUTION_REJECTED, "Still jams on A3 paper")
    body = ann_client.get(response["Location"]).content.decode()
    assert "We have reopened the ticket" in body
    assert "You said it is not solved yet" in body
    assert "Still jams on A3 paper" in body
    assert "Is your problem solved?" not in body


def test_reject_needs_a_reason(ann_client, resolved):
    response = ann_client.post(f"/portal/tickets/{resolved.number}/reject/", {"reason": " "})
    assert response.status_code == 400
    assert b"Please tell us what is still wrong." in response.content
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED


def test_accept_when_not_resolved_is_a_clear_conflict(ann_client, ticket):
    response = ann_client.post(f"/portal/tickets/{ticket.number}/accept/")
    assert response.status_code == 409
    assert b"is not waiting for your confirmation" in response.content
    assert Ticket.objects.get(pk=ticket.pk).state == State.NEW


def test_colleague_who_may_see_it_cannot_accept_for_the_requester(resolved, org_a):
    carl = UserFactory(username="carl", organisation=org_a, can_see_organisation_tickets=True)
    client = Client()
    client.force_login(carl)
    page = client.get(f"/portal/tickets/{resolved.number}/")
    assert page.status_code == 200
    assert b"Is your problem solved?" not in page.content
    response = client.post(f"/portal/tickets/{resolved.number}/accept/")
    assert response.status_code == 403
    assert b"Only the requester can accept" in response.content
    assert Ticket.objects.get(pk=resolved.pk).state == State.RESOLVED


@pytest.mark.parametrize("replies", [1, 8])
def test_page_query_count_does_not_grow_with_the_conversation(
    ann_client, ticket, agent_l1_lee, django_assert_num_queries, replies
):
    for i in range(replies):
        comment_add(
            ticket=ticket,
            by=agent_l1_lee,
            body=f"reply {i}",
            attachments=[SimpleUploadedFile(f"r{i}.txt", b"r")],
        )
    # session, user, ticket, comments, their attachments, events, the files list
    with django_assert_num_queries(7):
        response = ann_client.get(f"/portal/tickets/{ticket.number}/")
    assert response.content.count(b"reply ") == replies
