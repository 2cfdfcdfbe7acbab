"""/tickets/counts/: tickets per value, one GROUP BY query, the list's filters applied."""

import pytest

from servicedesk.api.tests.helpers import TICKETS
from servicedesk.tickets.choices import Channel, Kind
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
COUNTS = f"{TICKETS}counts/"


@pytest.fixture
def tickets(requester_ann, agent_l1_lee, network_team, hardware):
    make_ticket(requester=requester_ann, impact=1, urgency=1, category=hardware)
    make_ticket(requester=requester_ann, impact=1, urgency=1, channel=Channel.EMAIL)
    make_ticket(requester=requester_ann, impact=2, urgency=2, kind=Kind.REQUEST)
    make_ticket(requester=requester_ann, assignment_group=network_team)


@pytest.mark.parametrize(
    ("by", "counts"),
    [
        ("priority", {"1": 2, "3": 1, "4": 1}),
        ("state", {"new": 4}),
        ("kind", {"incident": 3, "request": 1}),
        ("channel", {"email": 1, "portal": 3}),
        ("group", {"Network Team": 1, "Service Desk": 3}),
        ("category", {"": 3, "Hardware": 1}),
    ],
)
def test_counts_per_value(client_for, admin_ada, tickets, by, counts):
    response = client_for(admin_ada).get(COUNTS, {"by": by})
    assert response.status_code == 200
    assert response.json() == {"by": by, "counts": counts, "total": 4}


def test_counts_take_the_list_filters(client_for, admin_ada, tickets):
    response = client_for(admin_ada).get(
        COUNTS, {"by": "priority", "kind": "incident", "priority": [1, 4]}
    )
    assert response.json() == {"by": "priority", "counts": {"1": 2, "4": 1}, "total": 3}


def test_counts_are_one_query(client_for, admin_ada, tickets, django_assert_num_queries):
    client = client_for(admin_ada)
    with django_assert_num_queries(1) as captured:
        client.get(COUNTS, {"by": "group", "is_open": "true"})
    assert "GROUP BY" in captured.captured_queries[0]["sql"]
