"""Keyset pages: every row once, forwards and backwards, in every ordering."""

from datetime import timedelta

import pytest
import time_machine

from servicedesk.api.tests.helpers import TICKETS, error
from servicedesk.core import clock
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def eleven(requester_ann):
    start = clock.now() - timedelta(hours=1)
    for i in range(11):
        # Three tickets share each creation second, so ties are broken by the id.
        with time_machine.travel(start + timedelta(seconds=i // 3), tick=False):
            make_ticket(requester=requester_ann, title=f"T{i}", impact=1 + i % 3, urgency=1)


def _walk(client, first_url, direction="next"):
    pages, link = [], first_url
    while link:
        body = client.get(link).json()
        pages.append([t["title"] for t in body["results"]])
        link = body[direction]
    return pages, body


@pytest.mark.parametrize(
    ("ordering", "key"),
    [
        ("-created", lambda t: (-t.created_at.timestamp(), -t.pk)),
        ("created", lambda t: (t.created_at.timestamp(), t.pk)),
        ("-updated", lambda t: (-t.updated_at.timestamp(), -t.pk)),
        ("priority", lambda t: (t.priority, t.pk)),
        ("-priority", lambda t: (-t.priority, -t.pk)),
    ],
)
def test_pages_cover_every_row_once_in_order(client_for, admin_ada, eleven, ordering, key):
    expected = [t.title for t in sorted(Ticket.objects.all(), key=key)]
    client = client_for(admin_ada)
    pages, last = _walk(client, f"{TICKETS}?ordering={ordering}&page_size=4")
    assert [len(p) for p in pages] == [4, 4, 3]
    assert sum(pages, []) == expected
    # And back again from the last page.
    back = client.get(last["previous"]).json()
    assert [t["title"] for t in back["results"]] == expected[4:8]
    first = client.get(back["previous"]).json()
    assert [t["title"] for t in first["results"]] == expected[:4]
    assert first["previous"] is None
    assert first["next"] is not None


def test_a_cursor_from_another_ordering_is_refused(client_for, admin_ada, eleven):
    client = client_for(admin_ada)
    cursor_link = client.get(TICKETS, {"page_size": 4, "ordering": "priority"}).json()["next"]
    cursor = cursor_link.split("cursor=")[1].split("&")[0]
    response = client.get(TICKETS, {"cursor": cursor, "ordering": "-created"})
    assert response.status_code == 400
    assert "cursor" in error(response)["fields"]


@pytest.mark.parametrize(
    "cursor",
    ["sideways~1~2", "after", "after~", "before~1", "after~2025-01-01T00:00:00Z~1~2", "~1~2"],
)
def test_a_cursor_the_api_did_not_give_is_refused(client_for, admin_ada, eleven, cursor):
    response = client_for(admin_ada).get(TICKETS, {"cursor": cursor})
    assert response.status_code == 400
    assert error(response)["code"] == "validation_error"
    assert error(response)["fields"] == {"cursor": ["This cursor is not valid for this list."]}


def test_an_empty_cursor_is_the_first_page(client_for, admin_ada, eleven):
    body = client_for(admin_ada).get(TICKETS, {"cursor": "", "page_size": 4}).json()
    assert len(body["results"]) == 4
    assert body["previous"] is None
