"""Closed and cancelled tickets can be found: the "All tickets" queue and the header search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.desk import keyset
from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket


def numbers(response) -> list[str]:
    return [t.number for t in response.context["page"].rows]


def close(ticket: Ticket, by) -> Ticket:
    ticket_update(
        ticket=ticket, by=by, changes={"state": State.RESOLVED, "resolution_code": "solved"}
    )
    return ticket_update(ticket=ticket, by=by, changes={"state": State.CLOSED})


@pytest.fixture
def history(requester_ann, requester_bob, agent_l1_lee, agent_l2_kim, service_desk, network_team):
    """Service Desk tickets in every kind of state, and one closed Network Team ticket."""
    open_ = make_ticket(requester=requester_ann, title="Printer jams again")
    closed = close(make_ticket(requester=requester_ann, title="Printer toner"), agent_l1_lee)
    request = make_ticket(requester=requester_bob, title="New starter laptop", kind="request")
    request = close(request, agent_l1_lee)
    cancelled = make_ticket(requester=requester_bob, title="Duplicate call about the printer")
    cancelled = ticket_update(ticket=cancelled, by=agent_l1_lee, changes={"state": State.CANCELLED})
    net_closed = make_ticket(
        requester=requester_bob, title="Printer VLAN", assignment_group=network_team
    )
    net_closed = close(net_closed, agent_l2_kim)
    return {
        "open": open_,
        "closed": closed,
        "request": request,
        "cancelled": cancelled,
        "net_closed": net_closed,
    }


def test_all_tickets_holds_every_state_the_agent_may_see(as_user, agent_l1_lee, history):
    response = as_user(agent_l1_lee).get("/desk/tickets/", {"queue": "all"})
    assert response.status_code == 200
    assert response.context["queue_label"] == "All tickets"
    expected = {history[k].number for k in ("open", "closed", "request", "cancelled")}
    assert set(numbers(response)) == expected
    assert history["net_closed"].number not in response.content.decode()


def test_state_filter_finds_closed_and_cancelled_in_all_tickets(as_user, agent_l1_lee, history):
    client = as_user(agent_l1_lee)
    closed = client.get("/desk/tickets/", {"queue": "all", "state": "closed"})
    assert set(numbers(closed)) == {history["closed"].number, history["request"].number}
    either = client.get("/desk/tickets/", {"queue": "all", "state": ["closed", "cancelled"]})
    assert len(numbers(either)) == 3


def test_queues_offer_only_their_own_states(as_user, agent_l1_lee, history):
    client = as_user(agent_l1_lee)

    def offered(queue: str) -> list[str]:
        response = client.get("/desk/tickets/", {"queue": queue})
        return [value for value, _ in response.context["filter"].form.fields["state"].choices]

    assert offered("open") == [
        "new", "assigned", "in_progress", "awaiting_user", "awaiting_vendor", "awaiting_change",
    ]  # fmt: skip
    assert offered("mine") == offered("open")
    assert offered("resolved") == ["resolved"]
    assert offered("all") == [s.value for s in State]
    # A single state is no choice: the resolved queue shows no State drop-down.
    body = client.get("/desk/tickets/", {"queue": "resolved"}).content.decode()
    assert 'name="state"' not in body


def test_a_state_outside_the_queue_says_where_to_look(as_user, agent_l1_lee, history):
    response = as_user(agent_l1_lee).get(
        "/desk/tickets/", {"queue": "open", "state": "closed", "q": "printer"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Closed tickets are never in “All open”." in body
    assert 'href="?queue=all&amp;state=closed&amp;q=printer">Look in All tickets</a>' in body
    assert "No tickets here" not in body
    # The link's page lists them.
    found = as_user(agent_l1_lee).get("/desk/tickets/?queue=all&state=closed&q=printer")
    assert numbers(found) == [history["closed"].number]


def test_header_search_sends_a_ticket_number_straight_to_the_ticket(as_user, agent_l1_lee, history):
    client = as_user(agent_l1_lee)
    number = history["request"].number  # a closed request, REQ0000001
    assert number == "REQ0000001"
    for typed in (number, number.lower(), f"  {number}  ", "req1", "Req0001"):
        response = client.get("/desk/search/", {"q": typed})
        assert response.status_code == 302, typed
        assert response.url == f"/desk/tickets/{number}/", typed
    assert client.get(response.url).status_code == 200


def test_header_search_finds_an_imported_reference(as_user, agent_l1_lee, history):
    Ticket.objects.filter(pk=history["closed"].pk).update(external_ref="INC0012345")
    client = as_user(agent_l1_lee)
    response = client.get("/desk/search/", {"q": "inc0012345"})
    assert response.url == f"/desk/tickets/{history['closed'].number}/"


def test_header_search_text_looks_in_all_tickets(as_user, agent_l1_lee, history):
    client = as_user(agent_l1_lee)
    response = client.get("/desk/search/", {"q": "printer"})
    assert response.status_code == 302
    assert response.url == "/desk/tickets/?queue=all&q=printer"
    found = set(numbers(client.get(response.url)))
    expected = {history[k].number for k in ("open", "closed", "cancelled")}
    assert found == expected
    assert client.get("/desk/search/", {"q": ""}).url == "/desk/tickets/?queue=all"


def test_header_search_does_not_open_what_the_agent_may_not_see(as_user, agent_l1_lee, history):
    hidden = history["net_closed"].number
    client = as_user(agent_l1_lee)
    response = client.get("/desk/search/", {"q": hidden})
    assert response.url == f"/desk/tickets/?queue=all&q={hidden}"
    assert numbers(client.get(response.url)) == []


def test_a_reference_shared_by_two_tickets_lists_both(as_user, agent_l1_lee, history):
    # An imported ticket may carry the number of one of ours as its reference.
    Ticket.objects.filter(pk=history["closed"].pk).update(external_ref=history["open"].number)
    client = as_user(agent_l1_lee)
    response = client.get("/desk/search/", {"q": history["open"].number})
    assert response.url.startswith("/desk/tickets/?queue=all&q=")
    assert set(numbers(client.get(response.url))) == {
        history["open"].number,
        history["closed"].number,
    }


def test_header_search_box_searches_every_ticket(as_user, agent_l1_lee, db):
    body = as_user(agent_l1_lee).get("/desk/").content.decode()
    assert 'action="/desk/search/"' in body
    assert 'name="queue" value="open"' not in body


def test_all_tickets_pages_walk_every_state_without_repeats(
    as_user, agent_l1_lee, history, requester_ann, monkeypatch
):
    for i in range(4):
        make_ticket(requester=requester_ann, title=f"More {i}")
    monkeypatch.setattr(keyset, "PAGE_SIZE", 3)
    client = as_user(agent_l1_lee)
    seen, params = [], {"queue": "all", "sort": "number"}
    while True:
        response = client.get("/desk/tickets/", params)
        assert response.status_code == 200
        seen += numbers(response)
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
        params = {"queue": "all", "sort": "number", "after": cursor}
    assert len(seen) == len(set(seen)) == 8
    assert set(seen) == set(
        Ticket.objects.exclude(pk=history["net_closed"].pk).values_list("number", flat=True)
    )


def test_all_tickets_queries_do_not_grow_with_rows_and_count_nothing(
    as_user, agent_l1_lee, requester_ann, requester_bob, service_desk,
    django_assert_max_num_queries,
):  # fmt: skip
    client = as_user(agent_l1_lee)
    counts = []
    for total in (5, 40):
        while Ticket.objects.count() < total:
            n = Ticket.objects.count()
            ticket = make_ticket(requester=(requester_ann, requester_bob)[n % 2], title="Load",
                                 assignee=agent_l1_lee if n % 3 else None)  # fmt: skip
            if n % 2:
                close(ticket, agent_l1_lee)
        with django_assert_max_num_queries(10), CaptureQueriesContext(connection) as queries:
            response = client.get("/desk/tickets/?queue=all&sort=-updated")
        assert len(response.context["page"].rows) == total
        counts.append(len(queries))
        # The only counts are the capped ones beside the cheap queues, never one of this list.
        counted = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
        assert len(counted) == 3
        assert all("LIMIT 100" in sql for sql in counted)
    assert counts[0] == counts[1], counts
