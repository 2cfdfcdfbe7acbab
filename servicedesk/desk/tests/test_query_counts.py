"""Every desk list runs a pinned number of SQL queries, whatever the number of rows it shows.

Each case is requested with a few tickets and again with several times as many; both runs
must cost exactly the number pinned here. A count that grows with the rows is an N+1 bug; a
new query that does not is a conscious change: update the number and say why in the commit.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.core import clock, config
from servicedesk.desk.queues import QUEUES
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import Channel, Kind, LinkKind, State
from servicedesk.tickets.models import Category
from servicedesk.tickets.selectors import LIST_PREFETCHED
from servicedesk.tickets.services import comment_add, link_add, ticket_update, watcher_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

FEW, MANY = 1, 4  # rounds of the board below
# The session, its user, the three capped queue counts, one page of tickets with its requester,
# group and assignee joined in, and the filter form's group, assignee and category drop-downs.
PAGE = 9
# The page's categories and subcategories, one query each for all its rows (none on an empty page).
CATEGORIES = len(LIST_PREFETCHED)
# A chosen group, assignee or category is looked up once to check the choice.
CHOICE = 1
# A text search first asks the text index which tickets match (tickets.search).
TEXT = 1
# Cases that hold nothing by their nature: what is assigned to me is never unassigned.
EMPTY = {"mine/unassigned", "unassigned/assignee"}
# The ticket page: the session, its user, the ticket, its events, comments (with their files),
# links out and in, the groups and their agents for the edit form, the configuration token (the
# categories of the edit form are kept per process, core.config), the watchers, the ticket's files, and its SLA clocks with their policies and
# calendars (one query for both clocks; a policy that names no calendar would add one for the
# organisation's and the default calendar: sla.selectors.ticket_clocks), and the Triage box
# (the decisions, the pending suggestions), and the Knowledge box (articles holding every word
# of the ticket's text, then any word; the articles linked to it; the resolved tickets alike:
# servicedesk.knowledge.templatetags).
TICKET_PAGE = 20


@pytest.fixture
def lead_mo_sees_all(lead_mo):
    lead_mo.can_see_all_tickets = True
    lead_mo.save()
    return lead_mo


@pytest.fixture
def board(requester_ann, requester_bob, agent_l1_lee, agent_l2_kim, service_desk, network_team,
          time_machine):  # fmt: skip
    """``grow(rounds, me)``: tickets in every queue's situation, ``rounds`` times over, each in
    the Office category and with "office" in its title, so that every filter finds some.

    Under an SLA policy on every hour of the day: each round is raised, then two hours pass and
    the sweep runs. By then the priority 1 and 2 tickets have breached (their targets are an
    hour at most) and the others' first response is due (two hours): every open ticket is
    breaching soon, and the urgent ones have breached.
    """
    policy = policy_with(calendar=None, response="2h", resolution="8h")
    policy.targets.filter(priority__lte=2).update(duration=timedelta(hours=1))
    config.changed()  # update() sends no signal (core.config)
    time_machine.move_to(clock.now(), tick=False)
    office = Category.objects.create(name="Office", default_group=service_desk)
    printer = Category.objects.create(name="Printer", parent=office)
    made = {"rounds": 0}

    def ticket(title: str, *, state: str = "", by=agent_l1_lee, **fields):
        fields.setdefault("requester", requester_ann)
        fields.setdefault("subcategory", printer)
        made_ticket = make_ticket(title=f"Office {title}", category=office, **fields)
        if state in (State.RESOLVED, State.CLOSED):
            made_ticket = ticket_update(ticket=made_ticket, by=by,
                                        changes={"state": State.RESOLVED, "resolution_code": "solved"})  # fmt: skip
        if state and state != State.RESOLVED:
            ticket_update(ticket=made_ticket, by=by, changes={"state": state})

    def one_round(i: int, me) -> None:
        ticket(f"printer jams {i}", assignee=me, impact=1, urgency=1,
               watchers=[requester_bob], state=State.IN_PROGRESS)  # fmt: skip
        ticket(f"monitor flickers {i}", impact=1, urgency=2, channel=Channel.EMAIL,
               requester=requester_bob)  # fmt: skip
        ticket(f"new starter laptop {i}", kind=Kind.REQUEST, channel=Channel.PHONE)
        ticket(f"switch port {i}", assignment_group=network_team, channel=Channel.PHONE)
        ticket(f"router firmware {i}", assignment_group=network_team, assignee=agent_l2_kim,
               impact=1, urgency=1, requester=requester_bob)  # fmt: skip
        ticket(f"mouse replaced {i}", assignee=me, impact=1, urgency=1,
               state=State.RESOLVED)  # fmt: skip
        ticket(f"keyboard swapped {i}", channel=Channel.PHONE, state=State.RESOLVED)
        ticket(f"toner {i}", requester=requester_bob, state=State.CLOSED)
        ticket(f"VLAN {i}", assignment_group=network_team, state=State.RESOLVED, by=agent_l2_kim)

    def grow(rounds: int, me) -> None:
        while made["rounds"] < rounds:
            one_round(made["rounds"], me)
            made["rounds"] += 1
        time_machine.move_to(clock.now() + timedelta(hours=2), tick=False)
        sla_sweep()

    grow.office = office
    return grow


def _filters(*, agent, group, category) -> dict[str, dict]:
    since = (clock.now() - timedelta(days=1)).isoformat()
    return {
        "none": {},
        "priority": {"priority": ["1", "2"]},
        "state": {"state": ["in_progress", "new", "resolved", "closed"]},
        "group": {"group": group.pk},
        "assignee": {"assignee": agent.pk},
        "category": {"category": category.pk},
        "kind": {"kind": ["incident"]},
        "channel": {"channel": ["portal", "phone"]},
        "created_after": {"created_after": since},
        "unassigned": {"unassigned": "true"},
        "text": {"q": "office"},
        "combined": {"priority": ["1", "2"], "group": group.pk, "kind": ["incident"],
                     "created_after": since},
    }  # fmt: skip


CHOSEN = {"group", "assignee", "category", "combined"}


def _cases(*, agent, group, category) -> dict[str, dict]:
    cases = {}
    for slug, queue in QUEUES.items():
        for name, params in _filters(agent=agent, group=group, category=category).items():
            if name == "state":
                params = {"state": [s for s in params["state"] if queue.holds(s)]}
            cases[f"{slug}/{name}"] = {"queue": slug, **params}
        for key in queue.sorts:
            for sort in (key, f"-{key}"):
                cases[f"{slug}/sort={sort}"] = {"queue": slug, "sort": sort, "q": "office"}
    return cases


def _measure(client, cases: dict[str, dict]) -> dict[str, tuple[int, int]]:
    """(queries, rows shown) of each case."""
    found = {}
    for name, params in cases.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/desk/tickets/", params)
        assert response.status_code == 200, name
        # A DISTINCT list reads every matching ticket before its first row: no filter needs one.
        assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]], name
        found[name] = (len(queries), len(response.context["page"].rows))
    return found


@pytest.mark.parametrize("persona", ["agent_l1_lee", "lead_mo_sees_all"])
def test_every_queue_with_every_filter_and_sort_costs_the_pinned_queries(
    request, as_user, board, service_desk, persona
):
    me = request.getfixturevalue(persona)
    client = as_user(me)
    cases = _cases(agent=me, group=service_desk, category=board.office)
    board(FEW, me)
    few = _measure(client, cases)
    board(MANY, me)
    many = _measure(client, cases)

    expected = {
        name: PAGE
        + (CATEGORIES if name not in EMPTY else 0)
        + (CHOICE if name.split("/")[1] in CHOSEN else 0)
        + (TEXT if "q" in cases[name] else 0)
        for name in cases
    }
    assert {name: queries for name, (queries, _) in few.items()} == expected
    assert {name: queries for name, (queries, _) in many.items()} == expected
    # Each case shows tickets, and more of them the second time: the rows were really there.
    grew = {name for name in cases if many[name][1] > few[name][1] > 0}
    assert set(cases) - grew == EMPTY


def test_header_search_costs_the_pinned_queries(
    as_user, board, agent_l1_lee, django_assert_num_queries
):
    board(FEW, agent_l1_lee)
    client = as_user(agent_l1_lee)
    # The session, its user, the ticket by number or reference.
    with django_assert_num_queries(3):
        by_number = client.get("/desk/search/", {"q": "inc1"})
    assert by_number.status_code == 302 and by_number.url == "/desk/tickets/INC0000001/"
    with django_assert_num_queries(3):
        by_text = client.get("/desk/search/", {"q": "office"})
    assert by_text.url == "/desk/tickets/?queue=all&q=office"


@pytest.mark.parametrize("persona", ["agent_l1_lee", "lead_mo_sees_all"])
@pytest.mark.parametrize("sla", [False, True], ids=["no-policy", "with-clocks"])
def test_ticket_page_costs_the_pinned_queries_however_long_its_history(
    request, as_user, agent_l1_lee, requester_ann, requester_bob, persona, sla
):
    if sla:
        policy_with(calendar=berlin_office(), response="1h", resolution="8h")
    sd_ticket = request.getfixturevalue("sd_ticket")
    assert sd_ticket.clocks.count() == (2 if sla else 0)
    client = as_user(request.getfixturevalue(persona))
    page = f"/desk/tickets/{sd_ticket.number}/"
    assert client.get(page).status_code == 200  # this process reads the categories once
    counts = []
    for rounds in (FEW, MANY):
        while sd_ticket.comments.filter(is_public=False).count() < rounds:
            i = sd_ticket.comments.count()
            comment_add(ticket=sd_ticket, by=agent_l1_lee, body=f"Reply {i}",
                        attachments=[SimpleUploadedFile(f"{i}.txt", b"a")])  # fmt: skip
            comment_add(ticket=sd_ticket, by=requester_ann, body=f"Thanks {i}")
            comment_add(ticket=sd_ticket, by=agent_l1_lee, body=f"Note {i}", is_public=False)
            related = make_ticket(requester=requester_bob, title=f"Related {i}")
            link_add(source=sd_ticket, target=related, kind=LinkKind.RELATED, by=agent_l1_lee)
            watcher_add(ticket=sd_ticket, user=UserFactory(username=f"watcher{i}"),
                        by=agent_l1_lee)  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200
        assert response.content.count(b"Note ") == rounds
        counts.append(len(queries))
    assert counts == [TICKET_PAGE, TICKET_PAGE]
