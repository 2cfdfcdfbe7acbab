"""Every API list runs a pinned number of SQL queries, whatever the number of rows it returns.

Each case is requested with a few rows and again with several times as many; both runs must
cost exactly the number pinned here. A count that grows with the rows is an N+1 bug; a new
query that does not is a conscious change: update the number and say why in the commit.
Clients sign in with a token, as integrations do.
"""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from servicedesk.accounts.services import api_token_create
from servicedesk.accounts.tests.factories import AgentFactory, GroupFactory, UserFactory
from servicedesk.api.tests.helpers import TICKETS, url
from servicedesk.api.views.tickets import DETAIL_RELATED, ORDERINGS
from servicedesk.core import clock
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import Channel, CIKind, LinkKind, State
from servicedesk.tickets.models import Category, ConfigurationItem
from servicedesk.tickets.selectors import LIST_PREFETCHED
from servicedesk.tickets.services import (
    attachment_add,
    comment_add,
    link_add,
    ticket_update,
    watcher_add,
)
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

FEW, MANY = 2, 8
# The token with its user.
TOKEN = 1
# A chosen group, assignee or category is looked up once to check the choice.
CHOICE = 1
# A text search first asks the text index which tickets match (tickets.search).
TEXT = 1


@pytest.fixture
def token_client():
    def make(user) -> APIClient:
        _, key = api_token_create(user=user, name="counts")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
        client.get("/api/v1/users/me/")  # the token's first use stamps last_used_at
        return client

    return make


@pytest.fixture
def lead_mo_sees_all(lead_mo):
    lead_mo.can_see_all_tickets = True
    lead_mo.save()
    return lead_mo


def _grow(make, n: int, made: list) -> None:
    while len(made) < n:
        made.append(make(len(made)))


def _measure(client, cases: dict[str, tuple[str, dict]]) -> dict[str, tuple[int, int]]:
    """(queries, rows returned) of each case."""
    found = {}
    for name, (path, params) in cases.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, params)
        assert response.status_code == 200, (name, response.json())
        # A DISTINCT list reads every matching ticket before its first row: no filter needs one.
        assert not [q for q in queries.captured_queries if "DISTINCT" in q["sql"]], name
        body = response.json()
        rows = body["results"] if isinstance(body, dict) else body
        found[name] = (len(queries), len(rows))
    return found


def _assert_pinned(few, many, expected) -> None:
    assert {name: queries for name, (queries, _) in few.items()} == expected
    assert {name: queries for name, (queries, _) in many.items()} == expected
    thin = {name: (few[name][1], many[name][1]) for name in expected
            if not many[name][1] > few[name][1] > 0}  # fmt: skip
    assert not thin, "cases that did not show more rows the second time"


# --- /tickets/ ----------------------------------------------------------------------------------


@pytest.fixture
def tickets(requester_ann, requester_bob, agent_l1_lee, service_desk, network_team):
    """``grow(n, me)``: ``n`` tickets in full dress per kind of visibility (``me`` raised or
    is assigned them, they are in Lee's group, or another group's)."""
    hardware = Category.objects.create(name="Hardware", default_group=service_desk)
    printer = Category.objects.create(name="Printer", parent=hardware)
    printing = ConfigurationItem.objects.create(name="Printing", kind=CIKind.SERVICE)
    device = ConfigurationItem.objects.create(name="PRN-3-01")
    made: list = []

    def make(i: int):
        def ticket(**fields):
            fields.setdefault("requester", requester_ann)
            return make_ticket(
                by=agent_l1_lee, title=f"Printer {i}", category=hardware, subcategory=printer,
                affected_service=printing, configuration_item=device,
                impact=1 + i % 2, urgency=1, channel=Channel.PHONE, **fields,
            )  # fmt: skip

        theirs = ticket(assignee=agent_l1_lee, assignment_group=service_desk)
        ticket(requester=requester_bob, assignment_group=network_team)
        resolved = ticket(assignee=agent_l1_lee, watchers=[requester_bob])
        ticket_update(ticket=resolved, by=agent_l1_lee,
                      changes={"state": State.RESOLVED, "resolution_code": "solved"})  # fmt: skip
        return theirs

    def grow(n: int, me) -> None:
        if me.is_agent:
            _grow(make, n, made)
        else:
            _grow(lambda i: make_ticket(requester=me, title=f"Printer {i}", category=hardware,
                                        subcategory=printer, affected_service=printing,
                                        configuration_item=device,
                                        impact=1 + i % 2, urgency=1), n, made)  # fmt: skip
            _grow(make, 2 * n, made)

    grow.hardware = hardware
    return grow


def _ticket_cases(*, agent, group, category) -> dict[str, tuple[str, dict]]:
    since = (clock.now() - timedelta(days=1)).isoformat()
    filters = {
        "none": {},
        "priority": {"priority": ["1", "2"]},
        "state": {"state": ["new", "assigned", "resolved"]},
        "is_open": {"is_open": "true"},
        "group": {"group": group.pk},
        "assignee": {"assignee": agent.pk},
        "category": {"category": category.pk},
        "kind": {"kind": "incident"},
        "channel": {"channel": ["phone", "portal"]},
        "created_after": {"created_after": since},
        "text": {"q": "printer"},
        "combined": {"is_open": "true", "group": group.pk, "priority": ["1", "2"],
                     "created_after": since},
    }  # fmt: skip
    cases = {f"tickets/{name}": (TICKETS, params) for name, params in filters.items()}
    for ordering in ORDERINGS:
        cases[f"tickets/ordering={ordering}"] = (TICKETS, {"ordering": ordering})
    return cases


@pytest.mark.parametrize(
    ("persona", "agent"),
    [("agent_l1_lee", "agent_l1_lee"), ("lead_mo_sees_all", "agent_l1_lee"),
     ("requester_ann", "requester_ann")],
)  # fmt: skip
def test_ticket_list_with_every_filter_and_ordering_costs_the_pinned_queries(
    request, token_client, tickets, service_desk, persona, agent
):
    me = request.getfixturevalue(persona)
    client = token_client(me)
    group = service_desk
    cases = _ticket_cases(agent=request.getfixturevalue(agent), group=group,
                          category=tickets.hardware)  # fmt: skip
    if not me.is_agent:
        # End users filter by what their own tickets show.
        del cases["tickets/group"], cases["tickets/combined"]
        cases["tickets/assignee"] = (TICKETS, {"unassigned": "true"})
    tickets(FEW, me)
    few = _measure(client, cases)
    tickets(MANY, me)
    many = _measure(client, cases)
    chosen = {"tickets/group", "tickets/assignee", "tickets/category", "tickets/combined"}
    if not me.is_agent:
        chosen = {"tickets/category"}
    # The token with its user, one page of tickets with the list's related rows joined in, and
    # one query for each of the other related rows the page holds (categories, and what the
    # API shows besides; open tickets have no resolver to read).
    absent = {"tickets/is_open": 1, "tickets/combined": 1}
    if not me.is_agent:
        # Their own unassigned tickets: nobody raised them for them, nobody resolved them.
        absent["tickets/assignee"] = 2
    others = len(LIST_PREFETCHED) + len(DETAIL_RELATED)
    page = {name: 1 + others - absent.get(name, 0) for name in cases}
    expected = {
        name: TOKEN + page[name] + (CHOICE if name in chosen else 0)
        + (TEXT if "q" in cases[name][1] else 0)
        for name in cases
    }  # fmt: skip
    _assert_pinned(few, many, expected)


# --- /tickets/{number}/...: comments, attachments, events, links, watchers -------------------


@pytest.fixture
def busy_ticket(requester_ann, agent_l1_lee, service_desk):
    """``grow(n)``: a ticket with ``n`` each of replies (with files), internal notes, files of
    its own, links and watchers."""
    ticket = make_ticket(requester=requester_ann, title="Everything happens here",
                         assignment_group=service_desk)  # fmt: skip
    made: list = []

    def make(i: int) -> None:
        upload = SimpleUploadedFile(f"reply-{i}.txt", b"log")
        comment_add(ticket=ticket, by=agent_l1_lee, body=f"Reply {i}", attachments=[upload])
        comment_add(ticket=ticket, by=requester_ann, body=f"Thanks {i}")
        comment_add(ticket=ticket, by=agent_l1_lee, body=f"Note {i}", is_public=False)
        attachment_add(ticket=ticket, by=agent_l1_lee,
                       upload=SimpleUploadedFile(f"photo-{i}.txt", b"photo"))  # fmt: skip
        other = make_ticket(requester=requester_ann, title=f"Related {i}")
        link_add(source=ticket, target=other, kind=LinkKind.RELATED, by=agent_l1_lee)
        origin = make_ticket(requester=requester_ann, title=f"Duplicate {i}")
        link_add(source=origin, target=ticket, kind=LinkKind.DUPLICATE_OF, by=agent_l1_lee)
        watcher = UserFactory(username=f"watcher{i}", display_name=f"Watcher {i}")
        watcher_add(ticket=ticket, user=watcher, by=agent_l1_lee)
        return i

    def grow(n: int) -> None:
        _grow(make, n, made)

    grow.ticket = ticket
    return grow


# After the token: the ticket the route hangs off, then what each list reads.
PARTS = {
    "comments": 1 + 2,  # the comments with their authors, their attachments
    "attachments": 1 + 1,  # the files with their uploaders
    "events": 1 + 1,  # the events with their actors
    "links": 1 + 2,  # links out and links in, each with the other ticket
    "watchers": 1 + 1,
}


@pytest.mark.parametrize("persona", ["agent_l1_lee", "lead_mo_sees_all", "requester_ann"])
def test_ticket_part_lists_cost_the_pinned_queries(request, token_client, busy_ticket, persona):
    client = token_client(request.getfixturevalue(persona))
    cases = {part: (url(busy_ticket.ticket, part), {"page_size": 200}) for part in PARTS}
    busy_ticket(FEW)
    few = _measure(client, cases)
    busy_ticket(MANY)
    many = _measure(client, cases)
    _assert_pinned(few, many, {part: TOKEN + n for part, n in PARTS.items()})


# --- /tickets/{number}/clocks/ -------------------------------------------------------------------

# After the token: the ticket, then its clocks with their policies and the policies' calendars.
CLOCKS = 1 + 1
# A policy that names no calendar: the organisation's and the default calendar, in one query.
FALLBACK_CALENDAR = 1


@pytest.mark.parametrize("persona", ["agent_l1_lee", "lead_mo_sees_all"])
@pytest.mark.parametrize("calendar", ["policy", "default"])
def test_the_clocks_cost_the_pinned_queries_however_long_the_history(
    request, token_client, requester_ann, agent_l1_lee, service_desk, persona, calendar
):
    office = berlin_office()
    if calendar == "default":
        office.is_default = True
        office.save()
    policy_with(calendar=office if calendar == "policy" else None, response="1h",
                resolution="8h")  # fmt: skip
    ticket = make_ticket(requester=requester_ann, title="Clocked", assignment_group=service_desk)
    client = token_client(request.getfixturevalue(persona))
    counts = []
    for rounds in (FEW, MANY):
        while ticket.comments.count() < 2 * rounds:
            comment_add(ticket=ticket, by=agent_l1_lee, body="Reply")
            comment_add(ticket=ticket, by=requester_ann, body="Thanks")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(ticket, "clocks"))
        assert [c["metric"] for c in response.json()] == ["response", "resolution"]
        counts.append(len(queries))
    pinned = TOKEN + CLOCKS + (FALLBACK_CALENDAR if calendar == "default" else 0)
    assert counts == [pinned, pinned]


def test_an_end_user_is_refused_the_clocks_before_any_look_up(token_client, requester_ann):
    ticket = make_ticket(requester=requester_ann)
    client = token_client(requester_ann)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(ticket, "clocks")).status_code == 404
    assert len(queries) == TOKEN


# --- /users/, /groups/, /categories/ -----------------------------------------------------------


@pytest.fixture
def directory(org_a, service_desk, network_team):
    """``grow(n)``: ``n`` agents, end users, groups (with members) and categories (with
    subcategories)."""
    made: list = []

    def make(i: int) -> None:
        group = GroupFactory(name=f"Team {i}")
        agent = AgentFactory(username=f"agent{i}", display_name=f"Agent {i}")
        group.members.add(agent)
        service_desk.members.add(agent)
        group.lead = agent
        group.save()
        UserFactory(username=f"user{i}", display_name=f"Patel {i}", organisation=org_a)
        parent = Category.objects.create(name=f"Area {i}", default_group=group)
        for sub in range(2):
            Category.objects.create(name=f"Topic {sub}", parent=parent, default_group=group)

    def grow(n: int) -> None:
        _grow(make, n, made)

    return grow


DIRECTORY = {
    # The users with their organisations, and their groups.
    "users": ("/api/v1/users/", {"page_size": 200}, 2),
    "users/search": ("/api/v1/users/", {"q": "agent", "role": "agent"}, 2),
    # The groups with their leads, and their members.
    "groups": ("/api/v1/groups/", {"page_size": 200}, 2),
    # The categories with their default groups, and their subcategories with theirs.
    "categories": ("/api/v1/categories/", {}, 2),
}


@pytest.mark.parametrize("persona", ["agent_l1_lee", "requester_ann"])
def test_directory_lists_cost_the_pinned_queries(request, token_client, directory, persona):
    me = request.getfixturevalue(persona)
    client = token_client(me)
    cases = {name: (path, params) for name, (path, params, _) in DIRECTORY.items()}
    if not me.is_agent:
        # An end user finds only themselves, and sees groups without their members.
        del cases["users"], cases["users/search"]
    directory(FEW)
    few = _measure(client, cases)
    directory(MANY)
    many = _measure(client, cases)
    expected = {name: TOKEN + DIRECTORY[name][2] for name in cases}
    if not me.is_agent:
        expected["groups"] = TOKEN + 1
    _assert_pinned(few, many, expected)
