"""The status page behind links in notification mails: opened by the ticket's token alone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester_ann, agent_l1_lee, service_desk):
    ticket = make_ticket(requester=requester_ann, title="Printer on floor 3 jams")
    comment_add(ticket=ticket, by=agent_l1_lee, body="We ordered a new roller.")
    comment_add(ticket=ticket, by=agent_l1_lee, body="Ann's manager approved", is_public=False,
                attachments=[SimpleUploadedFile("approval.txt", b"ok")])  # fmt: skip
    return ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.AWAITING_VENDOR})


def test_status_page_opens_without_signing_in(client, ticket):
    response = client.get(f"/portal/status/{ticket.access_token}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert ticket.number in body
    assert "Printer on floor 3 jams" in body
    assert "Waiting for a supplier" in body
    assert "We ordered a new roller." in body
    assert "Ann's manager approved" not in body
    assert "approval.txt" not in body
    assert f'href="/accounts/login/?next=/portal/tickets/{ticket.number}/"' in body
    assert "Sign in to reply" in body
    assert "<textarea" not in body  # read-only: no reply form
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.parametrize("token", ["nope", "x" * 32, "INC0000001"])
def test_unknown_token_is_404(client, ticket, token):
    response = client.get(f"/portal/status/{token}/")
    assert response.status_code == 404
    assert b"Printer on floor 3 jams" not in response.content


def test_token_is_192_random_bits_and_unique_per_ticket(requester_ann, service_desk):
    first = make_ticket(requester=requester_ann)
    second = make_ticket(requester=requester_ann)
    assert len(first.access_token) == 32  # 24 bytes, base64url
    assert first.access_token != second.access_token


def test_there_is_no_lookup_by_number_and_email(client, ticket, requester_ann):
    for url in (
        f"/portal/status/{ticket.number}/",
        f"/portal/status/?number={ticket.number}&email={requester_ann.email}",
        f"/portal/tickets/{ticket.number}/?email={requester_ann.email}",
    ):
        response = client.get(url)
        assert response.status_code in (302, 404), url
        assert b"Printer on floor 3 jams" not in response.content, url
