"""Every portal list runs a pinned number of SQL queries, whatever the number of rows it shows.

Each case is requested with a few tickets and again with several times as many; both runs
must cost exactly the number pinned here (see desk/tests/test_query_counts.py).
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 4  # rounds of the tickets below
# The session, its user, one page of tickets with their requesters joined in.
LIST = 3
# A text search first asks the text index which tickets match (tickets.search).
TEXT = 1
CASES = {
    "home": ("/portal/", {}),
    "mine": ("/portal/tickets/", {}),
    "mine/open": ("/portal/tickets/", {"show": "open"}),
    "mine/text": ("/portal/tickets/", {"q": "laptop"}),
    "organisation": ("/portal/tickets/", {"scope": "organisation"}),
    "organisation/open+text": ("/portal/tickets/", {"scope": "organisation", "show": "open",
                                                    "q": "laptop"}),
}  # fmt: skip


@pytest.fixture
def carl(org_a):
    """Ann's colleague at Acme, allowed to see the organisation's tickets."""
    return UserFactory(username="carl", organisation=org_a, can_see_organisation_tickets=True)


@pytest.fixture
def tickets(requester_ann, requester_bob, agent_l1_lee, service_desk):
    """``grow(rounds, me)``: tickets ``me`` raised, watches or sees through their organisation,
    open and resolved, with replies; and Bob's, which nobody here may see."""
    made = {"rounds": 0}

    def one_round(i: int, me) -> None:
        own = make_ticket(requester=me, title=f"Laptop will not start {i}")
        comment_add(ticket=own, by=agent_l1_lee, body="Try the charger.",
                    attachments=[SimpleUploadedFile("steps.txt", b"1. charger")])  # fmt: skip
        done = make_ticket(requester=me, title=f"Laptop bag {i}", kind="request")
        ticket_update(ticket=done, by=agent_l1_lee,
                      changes={"state": State.RESOLVED, "resolution_code": "solved"})  # fmt: skip
        make_ticket(requester=requester_bob, title=f"Laptop for Bob's team {i}", by=agent_l1_lee,
                    watchers=[me])  # fmt: skip
        make_ticket(requester=requester_ann, title=f"Laptop screen {i}")
        make_ticket(requester=requester_bob, title=f"Laptop at Globex {i}")

    def grow(rounds: int, me) -> None:
        while made["rounds"] < rounds:
            one_round(made["rounds"], me)
            made["rounds"] += 1

    return grow


def _measure(client) -> dict[str, tuple[int, int]]:
    found = {}
    for name, (path, params) in CASES.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        assert response.status_code == 200, name
        rows = response.context["tickets"] if name == "home" else response.context["page"].rows
        found[name] = (len(queries), len(rows))
    return found


@pytest.mark.parametrize("persona", ["requester_ann", "carl"])
def test_every_portal_list_costs_the_pinned_queries(request, tickets, persona):
    me = request.getfixturevalue(persona)
    client = Client()
    client.force_login(me)
    tickets(FEW, me)
    few = _measure(client)
    tickets(MANY, me)
    many = _measure(client)

    expected = {name: LIST + (TEXT if "q" in params else 0) for name, (_, params) in CASES.items()}
    assert {name: queries for name, (queries, _) in few.items()} == expected
    assert {name: queries for name, (queries, _) in many.items()} == expected
    grew = {name for name in CASES if many[name][1] > few[name][1] > 0}
    # Ann may not see her organisation's tickets: she is shown her own instead.
    assert grew == set(CASES)


@pytest.mark.parametrize("replies", [1, 8])
def test_status_page_costs_the_pinned_queries(
    requester_ann, agent_l1_lee, service_desk, django_assert_num_queries, replies
):
    ticket = make_ticket(requester=requester_ann, title="Laptop will not start")
    for i in range(replies):
        comment_add(ticket=ticket, by=agent_l1_lee, body=f"reply {i}",
                    attachments=[SimpleUploadedFile(f"r{i}.txt", b"r")])  # fmt: skip
    # The ticket by its token, its comments, their attachments, its events.
    with django_assert_num_queries(4):
        response = Client().get(f"/portal/status/{ticket.access_token}/")
    assert response.content.count(b"reply ") == replies
