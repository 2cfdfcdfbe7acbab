"""Raising a ticket from the portal: stored through ticket_create, nothing stored on error."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.portal.tests.conftest import PNG
from servicedesk.tickets.choices import Channel, Kind, State
from servicedesk.tickets.models import Attachment, Category, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "kind": "incident",
        "title": "Printer on floor 3 jams",
        "description": "Every second page gets stuck.",
        "impact": "2",
        "urgency": "1",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("kind", "heading"), [("incident", b"Report a problem"), ("request", b"Request something")]
)
def test_form_speaks_plainly(ann_client, kind, heading):
    response = ann_client.get(f"/portal/new/?kind={kind}")
    assert response.status_code == 200
    assert heading in response.content
    assert b"How many people are affected?" in response.content
    assert b"How soon do you need it?" in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_unknown_kind_is_refused(ann_client):
    response = ann_client.get("/portal/new/?kind=change")
    assert response.status_code == 400
    assert b"report a problem or request something" in response.content


def test_incident_with_attachments_is_raised(ann_client, requester_ann, service_desk):
    hardware = Category.objects.create(name="Hardware")
    files = [
        SimpleUploadedFile("jam.png", PNG, content_type="application/x-lies"),
        SimpleUploadedFile("notes.txt", b"tray 2\n", content_type="text/plain"),
    ]
    response = ann_client.post(
        "/portal/new/?kind=incident", _form(category=hardware.pk, attachments=files)
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/portal/tickets/{ticket.number}/"
    assert ticket.number == "INC0000001"
    assert (ticket.kind, ticket.channel, ticket.state) == (Kind.INCIDENT, Channel.PORTAL, State.NEW)
    assert (ticket.requester, ticket.reported_by) == (requester_ann, None)
    assert (ticket.impact, ticket.urgency, ticket.priority) == (2, 1, 2)
    assert ticket.category == hardware
    assert ticket.description == "Every second page gets stuck."
    image, text = ticket.attachments.order_by("filename")
    assert image.filename == "jam.png"
    assert image.content_type == "image/png"  # sniffed, not the client's claim
    assert image.sha256 == hashlib.sha256(PNG).hexdigest()
    assert image.size == len(PNG)
    with image.file.open("rb") as stored:
        assert stored.read() == PNG
    assert text.content_type == "text/plain"
    page = ann_client.get(response["Location"])
    assert f"We have your ticket {ticket.number}".encode() in page.content
    assert b"jam.png" in page.content


def test_request_is_raised_as_a_service_request(ann_client, service_desk):
    response = ann_client.post(
        "/portal/new/?kind=request", _form(kind="request", title="A second monitor")
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.kind, ticket.number) == (Kind.REQUEST, "REQ0000001")


@pytest.mark.parametrize("title", ["", "   "])
def test_missing_title_rerenders_with_the_error_and_stores_nothing(ann_client, title):
    response = ann_client.post(
        "/portal/new/?kind=incident",
        _form(title=title, attachments=[SimpleUploadedFile("a.txt", b"hello")]),
    )
    assert response.status_code == 400
    assert b"Please give it a short title." in response.content
    assert b"Every second page gets stuck." in response.content  # what was typed is kept
    assert (Ticket.objects.count(), Attachment.objects.count(), TicketEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_too_large_attachment_fails_the_whole_form(ann_client, settings, service_desk):
    settings.ATTACHMENT_MAX_BYTES = 10
    files = [
        SimpleUploadedFile("small.txt", b"ok"),
        SimpleUploadedFile("big.log", b"x" * 11),
    ]
    response = ann_client.post("/portal/new/?kind=incident", _form(attachments=files))
    assert response.status_code == 400
    assert b"big.log is 11 bytes; the limit is 10 bytes." in response.content
    assert (Ticket.objects.count(), Attachment.objects.count(), TicketEvent.objects.count()) == (
        0,
        0,
        0,
    )


def test_a_subcategory_is_not_offered_as_category(ann_client, service_desk):
    parent = Category.objects.create(name="Hardware")
    child = Category.objects.create(name="Printer", parent=parent)
    response = ann_client.post("/portal/new/?kind=incident", _form(category=child.pk))
    assert response.status_code == 400
    assert b"Select a valid choice" in response.content
    assert Ticket.objects.count() == 0
