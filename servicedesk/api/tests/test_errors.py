"""Malformed requests get the one error format and a 4xx, never a 500."""

import pytest

from servicedesk.api.tests.helpers import TICKETS, error, url
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        ('{"title": "unclosed', "application/json", 400, "parse_error"),
        ("[" * 100_000, "application/json", 400, "parse_error"),
        ('{"title": NaN}', "application/json", 400, "parse_error"),
        (b'{"title": "\xff\xfe"}', "application/json", 400, "parse_error"),
        ("[]", "application/json", 400, "validation_error"),
        ("null", "application/json", 400, "validation_error"),
        ('"just a string"', "application/json", 400, "validation_error"),
        ('{"title": "\\ud800"}', "application/json", 400, "validation_error"),
        (
            '{"title": "ok", "custom_fields": {"n": 1e400}}',
            "application/json",
            400,
            "validation_error",
        ),
        ('{"title": "ok", "impact": 1' + "0" * 5000 + "}", "application/json", 400, "parse_error"),
        ("title=form", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
        ("title", "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_bad_bodies_on_create(client_for, agent_l1_lee, body, content_type, status, code):
    response = client_for(agent_l1_lee).post(TICKETS, body, content_type=content_type)
    assert response.status_code == status, response.content
    assert error(response)["code"] == code
    assert not Ticket.objects.exists()


def test_deeply_nested_custom_fields_are_refused(client_for, agent_l1_lee, service_desk):
    nested = '{"a": ' * 30 + "1" + "}" * 30
    response = client_for(agent_l1_lee).post(
        TICKETS, '{"title": "ok", "custom_fields": ' + nested + "}", content_type="application/json"
    )
    assert response.status_code == 400
    assert "custom_fields" in error(response)["fields"]


def test_bad_json_on_patch(client_for, agent_l1_lee, requester_ann, service_desk):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(agent_l1_lee).patch(url(ticket), "{", content_type="application/json")
    assert response.status_code == 400
    assert error(response)["code"] == "parse_error"


def test_body_over_the_ceiling_is_413(client_for, requester_ann, settings, service_desk):
    settings.ATTACHMENT_MAX_BYTES = 0
    ticket = make_ticket(requester=requester_ann)
    response = client_for(requester_ann).post(
        url(ticket, "comments"), {"body": "x" * (1024 * 1024 + 10)}, format="json"
    )
    assert response.status_code == 413
    assert error(response)["code"] == "request_too_large"
    length = int(response.wsgi_request.META["CONTENT_LENGTH"])
    assert error(response)["message"] == (
        f"The request is {length:,} bytes; a request may be at most 1,048,576 bytes (1 MiB) "
        "(an attachment at most 0 bytes)."
    )


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nothing/", "/api/v1/tickets/INC%00/", "/api/v1/tickets/not-a-number/",
     "/api/v1/tickets/INC0000001/nothing/", "/api/v1/users/abc/", "/api/v1/users/99999999999999999/"],
)  # fmt: skip
def test_unknown_routes_are_404_in_the_error_format(client_for, agent_l1_lee, path):
    response = client_for(agent_l1_lee).get(path)
    assert response.status_code == 404
    assert error(response) == {
        "code": "not_found", "message": "There is nothing here that you can see.", "fields": {},
    }  # fmt: skip


def test_a_missing_record_says_the_same_as_a_missing_route(client_for, admin_ada):
    # A view's 404 (get_object) and the URL resolver's read alike.
    missing = client_for(admin_ada).get("/api/v1/sla/calendars/999999/")
    nowhere = client_for(admin_ada).get("/api/v1/sla/nowhere/")
    assert missing.status_code == nowhere.status_code == 404
    assert error(missing) == error(nowhere)


def test_unknown_counts_dimension_is_400(client_for, agent_l1_lee):
    response = client_for(agent_l1_lee).get(f"{TICKETS}counts/", {"by": "colour"})
    assert response.status_code == 400
    assert "by" in error(response)["fields"]
