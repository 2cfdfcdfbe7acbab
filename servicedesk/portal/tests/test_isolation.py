"""Ann (Acme) must not reach Bob's (Globex) tickets by any door of the portal."""

import pytest
from django.test import Client

from servicedesk.tickets.models import Attachment, Comment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _stored() -> tuple[int, int, int]:
    return Comment.objects.count(), Attachment.objects.count(), TicketEvent.objects.count()


def test_another_users_ticket_page_is_404(ann_client, t2):
    response = ann_client.get(f"/portal/tickets/{t2.number}/")
    assert response.status_code == 404
    assert b"Globex VPN drops" not in response.content
    assert b"Still dropping" not in response.content


def test_another_users_attachment_is_404(ann_client, t2):
    attachment = t2.attachments.get()
    response = ann_client.get(f"/attachments/{attachment.pk}/")
    assert response.status_code == 404
    assert b"error 809" not in response.content


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("reply", {"body": "I am not Bob but here is a reply"}),
        ("accept", {}),
        ("reject", {"reason": "not fixed"}),
    ],
)
def test_posts_to_another_users_ticket_are_404_and_store_nothing(ann_client, t2, action, data):
    before, version = _stored(), Ticket.objects.get(pk=t2.pk).version
    response = ann_client.post(f"/portal/tickets/{t2.number}/{action}/", data)
    assert response.status_code == 404
    assert _stored() == before
    assert Ticket.objects.get(pk=t2.pk).version == version


def test_list_and_search_never_show_another_users_ticket(ann_client, requester_ann, t2):
    for query in ("", "?q=VPN", f"?q={t2.number}", "?q=Globex", "?scope=organisation&q=VPN"):
        response = ann_client.get(f"/portal/tickets/{query}")
        assert response.status_code == 200
        assert f"/portal/tickets/{t2.number}/".encode() not in response.content, query
        assert b"Globex VPN drops" not in response.content, query
    assert t2.number.encode() not in ann_client.get("/portal/").content


def test_ticket_moved_to_another_requester_leaves_the_former_one(
    t3_moved, requester_ann, requester_bob
):
    ticket, old_token = t3_moved
    assert ticket.access_token != old_token

    ann = Client()
    ann.force_login(requester_ann)
    assert ann.get(f"/portal/tickets/{ticket.number}/").status_code == 404
    assert ticket.number.encode() not in ann.get("/portal/tickets/").content
    assert Client().get(f"/portal/status/{old_token}/").status_code == 404

    bob = Client()
    bob.force_login(requester_bob)
    page = bob.get(f"/portal/tickets/{ticket.number}/")
    assert page.status_code == 200
    assert b"Acme laptop fan is loud" in page.content
    assert ticket.number.encode() in bob.get("/portal/tickets/").content
    assert Client().get(f"/portal/status/{ticket.access_token}/").status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/portal/", "/portal/new/?kind=incident", "/portal/tickets/", "/portal/tickets/INC0000001/"],
)
def test_anonymous_users_are_sent_to_sign_in(client, t2, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_post_stores_nothing(client, t2):
    before = _stored()
    response = client.post(f"/portal/tickets/{t2.number}/reply/", {"body": "hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert _stored() == before
