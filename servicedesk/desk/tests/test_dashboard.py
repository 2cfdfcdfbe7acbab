"""The agents' dashboard: every figure against tickets made for it, visibility, links, cost."""

import re
from datetime import UTC, date, datetime, timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.desk.dashboard import dashboard_figures, day_bounds
from servicedesk.desk.tests.dashboard_board import (
    NETWORK_OPEN,
    NOW,
    SERVICE_DESK_OPEN,
    at,
    build_board,
    empty_states,
    per_day,
)
from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import policy_with
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

DASHBOARD = "/desk/dashboard/"
# The session and its user, then the figures: mine by state; the team by state and priority;
# the ten oldest; the SLA queues' two counts (one pass); created and resolved per day. Leads
# and see-all agents add the groups' load.
PAGE_QUERIES = 8
LEAD_PAGE_QUERIES = 9


@pytest.fixture
def people(agent_l1_lee, lead_mo, agent_l2_kim, requester_ann, requester_bob, service_desk,
           network_team):  # fmt: skip
    return {"lee": agent_l1_lee, "mo": lead_mo, "kim": agent_l2_kim, "ann": requester_ann,
            "bob": requester_bob, "sd": service_desk, "net": network_team}  # fmt: skip


@pytest.fixture
def board(people, time_machine):
    return build_board(time_machine=time_machine, people=people)


def states(**counts) -> dict[str, int]:
    return {**empty_states(), **counts}


def numbers(tickets) -> list[str]:
    return [t.number for t in tickets]


def test_figures_of_an_agent(board, agent_l1_lee):
    dash = dashboard_figures(user=agent_l1_lee)
    assert dash.now == NOW
    assert not dash.sees_all and dash.team_queue == "groups"
    assert dash.mine_by_state == states(in_progress=2, awaiting_user=1)
    assert dash.mine_open == 3
    assert dash.team_by_state == states(
        new=1, in_progress=2, awaiting_user=1, awaiting_vendor=1, awaiting_change=1
    )
    assert dash.team_open == 6
    assert dash.team_by_priority == {1: 1, 2: 1, 3: 1, 4: 3}
    assert dash.waiting == {"awaiting_user": 1, "awaiting_vendor": 1, "awaiting_change": 1}
    assert dash.unassigned == 2
    assert dash.reopened == 1
    assert dash.groups is None  # neither a lead nor sees all
    assert numbers(dash.oldest) == numbers(
        board[k] for k in ("old", "reopened", "wait_user", "wait_vendor", "wait_change", "fresh")
    )
    assert [d.day for d in dash.days] == [date(2026, 3, 7) + timedelta(days=i) for i in range(14)]
    # Created: the service desk's and Lee's, whatever their state now; "reopened" was raised
    # before the window. Resolved: "resolved" and "closed"; "reopened" is resolved no longer.
    assert [d.created for d in dash.days] == per_day({10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 20: 1})
    assert [d.resolved for d in dash.days] == per_day({18: 1, 19: 1})


def test_another_groups_agent_sees_none_of_the_service_desk(board, as_user, agent_l2_kim):
    dash = dashboard_figures(user=agent_l2_kim)
    assert dash.mine_by_state == states(in_progress=1)
    assert dash.team_by_state == states(new=1, in_progress=1)
    assert dash.team_by_priority == {1: 0, 2: 1, 3: 0, 4: 1}
    assert (dash.unassigned, dash.reopened) == (1, 0)
    assert numbers(dash.oldest) == numbers(board[k] for k in ("net_old", "net"))
    assert [d.created for d in dash.days] == per_day({15: 1})
    assert [d.resolved for d in dash.days] == per_day({})

    page = as_user(agent_l2_kim).get(DASHBOARD).content.decode()
    for key in (*SERVICE_DESK_OPEN, "resolved", "closed", "cancelled"):
        assert board[key].number not in page, key
        assert board[key].title not in page, key
    for key in NETWORK_OPEN:
        assert board[key].number in page


def test_a_lead_sees_the_load_of_their_groups(board, lead_mo, service_desk):
    dash = dashboard_figures(user=lead_mo)
    assert not dash.sees_all
    assert dash.mine_by_state == states(awaiting_change=1)
    assert dash.team_open == 6
    assert [(g.group_id, g.name, g.open, g.oldest_created_at) for g in dash.groups] == [
        (service_desk.pk, "Service Desk", 6, at(1, 2))
    ]


def test_who_sees_every_ticket_sees_every_group(board, admin_ada, service_desk, network_team,
                                                 settings, time_machine, requester_ann):  # fmt: skip
    settings.SERVICEDESK_DEFAULT_GROUP = "No such group"
    nowhere = make_ticket(requester=requester_ann, title="Reached no group")
    assert nowhere.assignment_group is None

    dash = dashboard_figures(user=admin_ada)
    assert dash.sees_all and dash.team_queue == "open"
    assert dash.mine_open == 0
    assert dash.team_by_state == states(
        new=3, in_progress=3, awaiting_user=1, awaiting_vendor=1, awaiting_change=1
    )
    assert dash.team_by_priority == {1: 1, 2: 2, 3: 1, 4: 5}
    assert (dash.unassigned, dash.reopened) == (4, 1)
    assert [(g.group_id, g.open, g.oldest_created_at) for g in dash.groups] == [
        (service_desk.pk, 6, at(1, 2)),
        (network_team.pk, 2, at(12, 1, year=2025)),
        (None, 1, NOW),
    ]
    assert numbers(dash.oldest) == numbers(
        [board[k] for k in ("net_old", "old", "reopened", "wait_user", "wait_vendor",
                            "wait_change", "net", "fresh")] + [nowhere]
    )  # fmt: skip
    assert [d.created for d in dash.days] == per_day(
        {10: 1, 11: 1, 12: 1, 13: 1, 14: 1, 15: 1, 20: 2}
    )


def test_only_the_ten_oldest(admin_ada, requester_ann, service_desk, time_machine):
    made = []
    for i in range(12):
        time_machine.move_to(NOW - timedelta(days=30 - i), tick=False)
        made.append(make_ticket(requester=requester_ann, title=f"Ticket {i}"))
    time_machine.move_to(NOW, tick=False)
    assert numbers(dashboard_figures(user=admin_ada).oldest) == numbers(made[:10])


def test_days_are_the_desk_time_zones_across_a_dst_change(
    settings, time_machine, agent_l1_lee, requester_ann, service_desk
):
    settings.TIME_ZONE = "Europe/Berlin"  # summer time from 29 March 2026, 02:00 -> 03:00

    def raised(moment: str) -> None:
        time_machine.move_to(moment, tick=False)
        make_ticket(requester=requester_ann, title=f"Raised {moment}")

    raised("2026-03-16T22:59:00+00:00")  # 23:59 on the 16th in Berlin: before the window
    raised("2026-03-16T23:30:00+00:00")  # 00:30 on the 17th: the first day
    raised("2026-03-28T23:30:00+00:00")  # 00:30 on the 29th (still the 28th in UTC)
    raised("2026-03-29T21:30:00+00:00")  # 23:30 on the 29th, summer time
    raised("2026-03-29T22:30:00+00:00")  # 00:30 on the 30th (still the 29th in UTC)
    time_machine.move_to("2026-03-30T10:00:00+00:00", tick=False)

    dash = dashboard_figures(user=agent_l1_lee)
    assert dash.time_zone == "Europe/Berlin"
    assert dash.days[0].day == date(2026, 3, 17) and dash.days[-1].day == date(2026, 3, 30)
    assert {d.day.day: d.created for d in dash.days if d.created} == {17: 1, 29: 2, 30: 1}
    dst = next(d for d in dash.days if d.day == date(2026, 3, 29))
    assert dst.start == datetime(2026, 3, 28, 23, tzinfo=UTC)
    assert dst.end == datetime(2026, 3, 29, 22, tzinfo=UTC)
    assert dst.end - dst.start == timedelta(hours=23)


def test_day_bounds_cover_today_and_the_13_days_before(settings):
    bounds = day_bounds(datetime(2026, 3, 20, 23, 59, tzinfo=UTC))
    assert len(bounds) == 14
    assert bounds[0][0] == date(2026, 3, 7)
    assert bounds[-1][2] == datetime(2026, 3, 21, tzinfo=UTC)
    assert all(a[2] == b[1] for a, b in zip(bounds, bounds[1:], strict=False))


def test_no_data(as_user, agent_l1_lee):
    dash = dashboard_figures(user=agent_l1_lee)
    assert dash.mine_by_state == dash.team_by_state == empty_states()
    assert dash.team_by_priority == {1: 0, 2: 0, 3: 0, 4: 0}
    assert (dash.mine_open, dash.team_open, dash.unassigned, dash.reopened) == (0, 0, 0, 0)
    assert dash.oldest == []
    assert [(d.created, d.resolved) for d in dash.days] == [(0, 0)] * 14

    response = as_user(agent_l1_lee).get(DASHBOARD)
    assert response.status_code == 200
    assert "No open tickets." in response.content.decode()


def test_no_data_for_a_see_all_agent(as_user, admin_ada):
    dash = dashboard_figures(user=admin_ada)
    assert dash.groups == [] and dash.oldest == [] and dash.team_open == 0
    assert as_user(admin_ada).get(DASHBOARD).status_code == 200


def figure(page: str, name: str) -> int:
    return int(re.search(rf'data-figure="{name}">(\d+)<', page).group(1))


def test_the_page_shows_the_figures(board, as_user, agent_l1_lee):
    response = as_user(agent_l1_lee).get(DASHBOARD)
    assert response.status_code == 200
    page = response.content.decode()
    assert [figure(page, n) for n in ("mine-open", "team-open", "unassigned", "reopened")] == [
        3, 6, 2, 1,
    ]  # fmt: skip
    assert [figure(page, f"awaiting_{w}") for w in ("user", "vendor", "change")] == [1, 1, 1]
    assert "<svg" in page and "<script" not in page.split("<svg", 1)[1].split("</svg>")[0]
    assert "Fri 20 Mar: 1 created" in page and "Wed 18 Mar: 1 resolved" in page
    assert "Open work per group" not in page
    oldest = page.split("Oldest open tickets", 1)[1]
    assert oldest.index(board["old"].number) < oldest.index(board["fresh"].number)
    assert f'href="/desk/tickets/{board["old"].number}/"' in oldest
    assert "77 d" in oldest  # 2 January 09:00 to 20 March 10:00


def test_the_lead_page_shows_the_groups(board, as_user, lead_mo, service_desk):
    page = as_user(lead_mo).get(DASHBOARD).content.decode()
    table = page.split("Open work per group", 1)[1].split("</table>", 1)[0]
    assert "Service Desk" in table
    assert f"group={service_desk.pk}" in table


def _links(page: str) -> list[tuple[str, int]]:
    """Every (href, number) where the page links a figure to the desk list."""
    found = re.findall(r'<a[^>]* href="(/desk/tickets/\?[^"]+)"[^>]*>(?:<span[^>]*>)?(\d+)<', page)
    return [(unescape(href), int(n)) for href, n in found]


@pytest.mark.parametrize("who", ["lee", "mo", "ada"])
def test_every_linked_number_is_the_length_of_its_list(board, as_user, people, admin_ada, who):
    user = admin_ada if who == "ada" else people[who]
    client = as_user(user)
    page = client.get(DASHBOARD).content.decode()
    links = _links(page)
    assert len(links) >= 20
    for href, number in links:
        response = client.get(href)
        assert response.status_code == 200, href
        assert len(response.context["page"].rows) == number, href


def test_created_bars_link_to_that_days_tickets(board, as_user, agent_l1_lee):
    client = as_user(agent_l1_lee)
    page = client.get(DASHBOARD).content.decode()
    day = re.search(r'<a href="([^"]+)"><rect class="dash-created"[^>]*><title>Fri 20 Mar', page)
    listed = client.get(unescape(day.group(1))).context["page"].rows
    assert numbers(listed) == [board["fresh"].number]


def test_the_desk_links_the_dashboard(as_user, agent_l1_lee):
    page = as_user(agent_l1_lee).get("/desk/").content.decode()
    assert f'href="{DASHBOARD}"' in page


def test_an_end_user_goes_to_the_portal(as_user, requester_ann, client):
    assert as_user(requester_ann).get(DASHBOARD)["Location"] == "/portal/"
    assert client.get(DASHBOARD)["Location"].startswith("/accounts/login/")


def _grow(people, rounds: int) -> None:
    for i in range(rounds):
        for group, agent in ((people["sd"], people["lee"]), (people["net"], people["kim"])):
            make_ticket(requester=people["ann"], title=f"More {i}", assignment_group=group,
                        assignee=agent if i % 2 else None, impact=1 + i % 3)  # fmt: skip


@pytest.mark.parametrize(("who", "pinned"), [("lee", PAGE_QUERIES), ("mo", LEAD_PAGE_QUERIES)])
def test_the_query_count_does_not_grow_with_tickets(board, as_user, people, who, pinned):
    client = as_user(people[who])
    counts = []
    for rounds in (0, 15):
        _grow(people, rounds)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(DASHBOARD).status_code == 200
        counts.append(len(queries))
    assert counts == [pinned, pinned]


def test_the_selector_is_seven_queries_for_a_see_all_agent(board, admin_ada, people):
    _grow(people, 10)
    with CaptureQueriesContext(connection) as queries:
        dashboard_figures(user=admin_ada)
    assert len(queries) == 7


def test_the_sla_figures_count_their_queues(as_user, people, admin_ada, time_machine, settings):
    """Under a policy on every hour (P3: first response 1h, resolution 8h; P1: 15m and 2h)."""
    policy_with(calendar=None, response="1h", resolution="8h")
    time_machine.move_to(NOW, tick=False)
    sd, net, ann = people["sd"], people["net"], people["ann"]
    make_ticket(requester=ann, title="Due at 11:00", assignment_group=sd, impact=2, urgency=2)
    make_ticket(requester=ann, title="Breaches at 10:15", assignment_group=sd, impact=1, urgency=1)
    make_ticket(requester=ann, title="Network, due 11:00", assignment_group=net, impact=2,
                urgency=2)  # fmt: skip
    time_machine.move_to(NOW + timedelta(minutes=30), tick=False)
    sla_sweep()
    lee = dashboard_figures(user=people["lee"])
    assert (lee.breaching_soon, lee.breached, lee.soon_hours) == (2, 1, 4)
    ada = dashboard_figures(user=admin_ada)
    assert (ada.breaching_soon, ada.breached) == (3, 1)
    settings.SERVICEDESK_SLA_SOON_HOURS = 0
    assert dashboard_figures(user=people["lee"]).breaching_soon == 1  # overdue only

    client = as_user(people["lee"])
    page = client.get(DASHBOARD).content.decode()
    assert (figure(page, "breaching-soon"), figure(page, "breached")) == (1, 1)
    for href, number in _links(page):
        if "queue=breach" in href:
            assert len(client.get(href).context["page"].rows) == number, href


def test_mine_breaching_soon_counts_my_share(as_user, people, time_machine):
    policy_with(calendar=None, response="1h", resolution="8h")
    time_machine.move_to(NOW, tick=False)
    sd, ann, lee = people["sd"], people["ann"], people["lee"]
    make_ticket(requester=ann, title="Mine, due 11:00", assignment_group=sd, assignee=lee,
                impact=2, urgency=2)  # fmt: skip
    make_ticket(requester=ann, title="Nobody's, due 11:00", assignment_group=sd, impact=2,
                urgency=2)  # fmt: skip
    time_machine.move_to(NOW + timedelta(minutes=30), tick=False)
    figures = dashboard_figures(user=lee)
    assert (figures.breaching_soon, figures.mine_breaching_soon) == (2, 1)
    client = as_user(lee)
    page = client.get(DASHBOARD).content.decode()
    assert figure(page, "mine-breaching-soon") == 1
    href = next(h for h, _ in _links(page) if "queue=breaching" in h and "assignee=" in h)
    assert [t.title for t in client.get(href).context["page"].rows] == ["Mine, due 11:00"]
