"""Idempotency-Key on creating POSTs: replay the first answer, create nothing twice."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.api.idempotency import idempotency_keys_purge
from servicedesk.api.models import IdempotencyKey
from servicedesk.api.tests.helpers import TICKETS, error, url
from servicedesk.core import clock
from servicedesk.tickets.models import Attachment, Comment, Ticket
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _post(client, path, body, key):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retry_replays_the_first_answer(client_for, requester_ann):
    client = client_for(requester_ann)
    first = _post(client, TICKETS, {"title": "Printer jams", "impact": 2}, "k-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    # Same body with another key order: still the same request.
    retry = client.post(
        TICKETS, '{"impact": 2,  "title": "Printer jams"}', content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )  # fmt: skip
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json() == first.json()
    assert retry["Location"] == first["Location"]
    assert Ticket.objects.count() == 1


def test_the_same_key_with_another_body_is_422(client_for, requester_ann):
    client = client_for(requester_ann)
    _post(client, TICKETS, {"title": "Printer jams"}, "k-1")
    response = _post(client, TICKETS, {"title": "Scanner jams"}, "k-1")
    assert response.status_code == 422
    err = error(response)
    assert err["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in err["fields"]
    assert list(Ticket.objects.values_list("title", flat=True)) == ["Printer jams"]


def test_keys_belong_to_one_user(client_for, requester_ann, requester_bob):
    _post(client_for(requester_ann), TICKETS, {"title": "Printer jams"}, "k-1")
    response = _post(client_for(requester_bob), TICKETS, {"title": "Printer jams"}, "k-1")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Ticket.objects.count() == 2


def test_a_refused_request_stores_nothing_so_the_fixed_one_may_reuse_the_key(
    client_for, requester_ann
):
    client = client_for(requester_ann)
    assert _post(client, TICKETS, {"title": ""}, "k-1").status_code == 400
    assert not IdempotencyKey.objects.exists()
    assert _post(client, TICKETS, {"title": "Fixed"}, "k-1").status_code == 201


def test_a_race_lost_on_the_unique_key_answers_with_the_winner(
    client_for, requester_ann, monkeypatch
):
    """The second of two concurrent requests finds no key when it looks, then fails to insert it."""
    client = client_for(requester_ann)
    first = _post(client, TICKETS, {"title": "Printer jams"}, "k-1")
    real_filter = IdempotencyKey.objects.filter

    class LooksEmptyOnce:
        def __init__(self, qs):
            self.qs = qs

        def first(self):
            return None

        def get(self):
            return self.qs.get()

    monkeypatch.setattr(
        IdempotencyKey.objects, "filter", lambda **kw: LooksEmptyOnce(real_filter(**kw))
    )
    retry = _post(client, TICKETS, {"title": "Printer jams"}, "k-1")
    assert retry.status_code == 201
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1


def test_comment_posts_are_idempotent_too(client_for, requester_ann):
    ticket = make_ticket(requester=requester_ann)
    client = client_for(requester_ann)
    first = _post(client, url(ticket, "comments"), {"body": "Any news?"}, "c-1")
    retry = _post(client, url(ticket, "comments"), {"body": "Any news?"}, "c-1")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry.json()["id"] == first.json()["id"]
    assert Comment.objects.count() == 1
    # The same key on another path is another request.
    assert _post(client, TICKETS, {"body": "Any news?"}, "c-1").status_code == 422


@pytest.mark.parametrize("key", ["", " ", "x" * 256, "tab\there"])
def test_a_malformed_key_is_400(client_for, requester_ann, key):
    response = _post(client_for(requester_ann), TICKETS, {"title": "Printer jams"}, key)
    assert response.status_code == 400
    assert "Idempotency-Key" in error(response)["fields"]
    assert not Ticket.objects.exists()


def test_purge_forgets_keys_older_than_a_day(client_for, requester_ann):
    client = client_for(requester_ann)
    with time_machine.travel(clock.now() - timedelta(hours=25)):
        _post(client, TICKETS, {"title": "Old"}, "old")
    _post(client, TICKETS, {"title": "New"}, "new")
    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    # A forgotten key creates again.
    assert "Idempotent-Replayed" not in _post(client, TICKETS, {"title": "Old"}, "old")
    assert Ticket.objects.filter(title="Old").count() == 2


def test_attachment_uploads_are_idempotent_by_file_content(client_for, requester_ann):
    ticket = make_ticket(requester=requester_ann)
    client = client_for(requester_ann)

    def upload(content: bytes):
        return client.post(
            url(ticket, "attachments"), {"file": SimpleUploadedFile("log.txt", content)},
            format="multipart", HTTP_IDEMPOTENCY_KEY="a-1",
        )  # fmt: skip

    first, retry = upload(b"same bytes"), upload(b"same bytes")
    assert (first.status_code, retry.status_code) == (201, 201)
    assert retry["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    assert upload(b"other bytes").status_code == 422
    assert Attachment.objects.count() == 1
