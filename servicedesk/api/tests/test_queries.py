"""The list's SQL does not grow with its rows."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from servicedesk.accounts.services import api_token_create
from servicedesk.api.tests.helpers import TICKETS
from servicedesk.tickets.services import comment_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_tickets(requester_ann, agent_l1_lee, hardware, printer, admin_ada):
    def make(n: int) -> None:
        for i in range(n):
            make_ticket(
                requester=requester_ann, by=agent_l1_lee, title=f"Ticket {i}", category=hardware,
                subcategory=printer, assignee=agent_l1_lee, impact=1 + i % 3,
            )  # fmt: skip

    return make


@pytest.mark.parametrize("rows", [5, 50])
def test_ticket_list_queries_do_not_grow_with_rows(
    full_tickets, admin_ada, django_assert_max_num_queries, rows
):
    full_tickets(rows)
    _, key = api_token_create(user=admin_ada, name="count")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    client.get(TICKETS)  # the token's first use stamps last_used_at
    # The token with its user, and the page with its related rows joined in.
    with django_assert_max_num_queries(2):
        response = client.get(TICKETS, {"page_size": 50})
    assert len(response.json()["results"]) == rows
    assert response.json()["results"][0]["subcategory"]["name"] == "Printer"


@pytest.mark.parametrize("rows", [5, 50])
def test_comment_list_queries_do_not_grow_with_rows(
    client_for, requester_ann, agent_l1_lee, django_assert_max_num_queries, rows
):
    ticket = make_ticket(requester=requester_ann)
    for i in range(rows):
        comment_add(ticket=ticket, by=agent_l1_lee, body=f"Note {i}",
                    attachments=[SimpleUploadedFile(f"{i}.txt", b"x")])  # fmt: skip
    client = client_for(agent_l1_lee)
    # The ticket, the comments, their attachments.
    with django_assert_max_num_queries(3):
        response = client.get(f"{TICKETS}{ticket.number}/comments/", {"page_size": 50})
    assert len(response.json()["results"]) == rows
