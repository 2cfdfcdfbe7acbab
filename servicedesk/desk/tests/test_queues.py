import pytest

from servicedesk.desk import keyset
from servicedesk.tickets.choices import Channel, Impact, Kind, State
from servicedesk.tickets.models import Category
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket


def numbers(response) -> list[str]:
    return [t.number for t in response.context["page"].rows]


@pytest.fixture
def board(requester_ann, requester_bob, agent_l1_lee, agent_l2_kim, service_desk, network_team):
    """Tickets of both groups, in every queue's situation."""
    lee_s = make_ticket(requester=requester_ann, title="Lee works this", assignee=agent_l1_lee,
                        assignment_group=service_desk)  # fmt: skip
    sd_free = make_ticket(requester=requester_ann, title="Nobody on this yet",
                          assignment_group=service_desk)  # fmt: skip
    net_free = make_ticket(requester=requester_bob, title="Switch port flapping",
                           assignment_group=network_team)  # fmt: skip
    kims = make_ticket(requester=requester_bob, title="Router firmware", assignee=agent_l2_kim,
                       assignment_group=network_team)  # fmt: skip
    done = make_ticket(
        requester=requester_ann, title="Mouse replaced", assignment_group=service_desk
    )
    ticket_update(ticket=done, by=agent_l1_lee,
                  changes={"state": State.RESOLVED, "resolution_code": "solved"})  # fmt: skip
    return {"lee": lee_s, "sd_free": sd_free, "net_free": net_free, "kim": kims, "done": done}


def test_queues_of_lee(as_user, agent_l1_lee, board):
    client = as_user(agent_l1_lee)
    expect = {
        "mine": {board["lee"]},
        "groups": {board["lee"], board["sd_free"]},
        "unassigned": {board["sd_free"]},
        "open": {board["lee"], board["sd_free"]},
        "resolved": {board["done"]},
    }
    for queue, tickets in expect.items():
        response = client.get("/desk/tickets/", {"queue": queue})
        assert response.status_code == 200
        assert set(numbers(response)) == {t.number for t in tickets}, queue


def test_queues_of_kim_never_show_the_service_desk(as_user, agent_l2_kim, board):
    client = as_user(agent_l2_kim)
    assert numbers(client.get("/desk/tickets/?queue=mine")) == [board["kim"].number]
    assert set(numbers(client.get("/desk/tickets/?queue=groups"))) == {
        board["kim"].number,
        board["net_free"].number,
    }
    assert numbers(client.get("/desk/tickets/?queue=unassigned")) == [board["net_free"].number]
    assert numbers(client.get("/desk/tickets/?queue=resolved")) == []
    searched = client.get("/desk/tickets/", {"queue": "open", "q": board["lee"].number})
    assert numbers(searched) == []
    assert client.get(f"/desk/tickets/{board['lee'].number}/").status_code == 404
    assert client.get(f"/desk/tickets/{board['kim'].number}/").status_code == 200


def test_home_is_my_queue_with_cheap_counts_only(as_user, agent_l1_lee, board):
    response = as_user(agent_l1_lee).get("/desk/")
    assert response.status_code == 200
    assert numbers(response) == [board["lee"].number]
    counts = {e.queue.slug: e.count for e in response.context["queues"]}
    assert counts == {
        "mine": 1, "groups": 2, "unassigned": 1, "breaching": None, "breached": None,
        "open": None, "resolved": None, "all": None,
    }  # fmt: skip
    assert "Lee works this" in response.content.decode()


def test_unknown_queue_is_a_clear_400(as_user, agent_l1_lee, db):
    response = as_user(agent_l1_lee).get("/desk/tickets/?queue=everything")
    assert response.status_code == 400
    assert "There is no queue" in response.content.decode()


def test_filters_narrow_the_queue(
    as_user, agent_l1_lee, requester_ann, requester_bob, service_desk
):
    hardware = Category.objects.create(name="Hardware")
    printer = make_ticket(requester=requester_ann, title="Printer toner empty",
                          impact=Impact.HIGH, urgency=Impact.HIGH, category=hardware,
                          assignment_group=service_desk)  # fmt: skip
    access = make_ticket(requester=requester_bob, title="Access to the finance share",
                         description="Needs the printer queue too", kind=Kind.REQUEST,
                         channel=Channel.EMAIL, assignment_group=service_desk)  # fmt: skip
    mine = make_ticket(requester=requester_bob, title="Laptop fan loud", assignee=agent_l1_lee,
                       assignment_group=service_desk)  # fmt: skip
    client = as_user(agent_l1_lee)

    def found(**params):
        response = client.get("/desk/tickets/", {"queue": "open", **params})
        assert response.status_code == 200, response.content
        return set(numbers(response))

    assert found() == {printer.number, access.number, mine.number}
    assert found(priority="1") == {printer.number}
    assert found(kind="request") == {access.number}
    assert found(kind=["request", "incident"]) == {printer.number, access.number, mine.number}
    assert found(channel="email") == {access.number}
    assert found(category=hardware.pk) == {printer.number}
    assert found(assignee=agent_l1_lee.pk) == {mine.number}
    assert found(state="assigned") == {mine.number}
    assert found(group=service_desk.pk, state="new") == {printer.number, access.number}
    # Text matches title or description; a number finds exactly that ticket.
    assert found(q="printer") == {printer.number, access.number}
    assert found(q=mine.number.lower()) == {mine.number}
    assert found(q="no such words") == set()


def test_bad_filter_value_is_a_400_that_names_it(as_user, agent_l1_lee, sd_ticket):
    response = as_user(agent_l1_lee).get("/desk/tickets/?queue=open&priority=9")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Some filters are not valid" in body
    assert "Priority:" in body


def test_sorting_by_number_both_ways(as_user, agent_l1_lee, requester_ann, service_desk):
    made = [make_ticket(requester=requester_ann, title=f"T{i}") for i in range(3)]
    client = as_user(agent_l1_lee)
    ascending = numbers(client.get("/desk/tickets/?queue=open&sort=number"))
    assert ascending == [t.number for t in made]
    descending = numbers(client.get("/desk/tickets/?queue=open&sort=-number"))
    assert descending == ascending[::-1]
    assert client.get("/desk/tickets/?queue=open&sort=colour").status_code == 400


@pytest.mark.parametrize("sort", ["-updated", "created", "priority", "-priority", "number"])
def test_keyset_pages_have_no_repeats_or_gaps(
    as_user, agent_l1_lee, requester_ann, service_desk, monkeypatch, time_machine, sort
):
    # Frozen time gives every ticket the same timestamps: only the id can tell them apart.
    time_machine.move_to("2025-03-03 09:00:00+00:00", tick=False)
    for i in range(25):
        make_ticket(
            requester=requester_ann, title=f"Ticket {i}", impact=1 + i % 3, urgency=1 + i % 2
        )
    monkeypatch.setattr(keyset, "PAGE_SIZE", 10)
    client = as_user(agent_l1_lee)

    pages, params = [], {"queue": "open", "sort": sort}
    for _ in range(3):
        response = client.get("/desk/tickets/", params)
        assert response.status_code == 200
        pages.append(numbers(response))
        page = response.context["page"]
        params = {"queue": "open", "sort": sort, "after": page.next_cursor}
    assert [len(p) for p in pages] == [10, 10, 5]
    assert page.next_cursor is None
    seen = [n for p in pages for n in p]
    assert len(set(seen)) == 25

    monkeypatch.setattr(keyset, "PAGE_SIZE", 50)
    assert seen == numbers(client.get("/desk/tickets/", {"queue": "open", "sort": sort}))

    # "Previous" from the last page gives back exactly the middle page.
    monkeypatch.setattr(keyset, "PAGE_SIZE", 10)
    back = client.get("/desk/tickets/", {"queue": "open", "sort": sort, "before": page.prev_cursor})
    assert numbers(back) == pages[1]
    assert back.context["page"].prev_cursor is not None


def test_pager_links_carry_the_cursor(
    as_user, agent_l1_lee, requester_ann, service_desk, monkeypatch
):
    for i in range(3):
        make_ticket(requester=requester_ann, title=f"Ticket {i}")
    monkeypatch.setattr(keyset, "PAGE_SIZE", 2)
    response = as_user(agent_l1_lee).get("/desk/tickets/?queue=open&sort=number")
    body = response.content.decode()
    cursor = response.context["page"].next_cursor
    assert cursor.endswith(f"~{response.context['page'].rows[-1].pk}")
    assert 'rel="next"' in body and "after=" in body
    assert 'rel="prev"' not in body


def test_a_forged_cursor_is_a_400(as_user, agent_l1_lee, sd_ticket):
    client = as_user(agent_l1_lee)
    for bad in ("garbage", "2025-13-01~4", "abc~x", "2025-01-01T00:00:00~1"):
        response = client.get("/desk/tickets/", {"queue": "open", "after": bad})
        assert response.status_code == 400, bad
        assert "page link is not valid" in response.content.decode()
