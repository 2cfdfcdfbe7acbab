"""The SLA queues: "Breaching soon" and "Breached", the earliest due first, within what the
agent may see."""

from datetime import UTC, datetime, timedelta

import pytest

from servicedesk.sla.sweeper import sla_sweep
from servicedesk.sla.tests.factories import policy_with
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)  # a Monday; the policy counts every hour


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def numbers(response) -> list[str]:
    assert response.status_code == 200, response.context.get("error")
    return [t.number for t in response.context["page"].rows]


@pytest.fixture
def board(requester_ann, requester_bob, agent_l1_lee, service_desk, network_team, time_machine):
    """Targets, by priority: P1 15m / 2h, P3 1h / 8h, P4 2h / 16h (response / resolution)."""
    policy_with(calendar=None, response="1h", resolution="8h")
    time_machine.move_to(T0, tick=False)

    def ticket(title: str, priority: int, group=service_desk, requester=requester_ann):
        impact, urgency = {1: (1, 1), 3: (2, 2), 4: (3, 3)}[priority]
        return make_ticket(requester=requester, title=title, impact=impact, urgency=urgency,
                           assignment_group=group)  # fmt: skip

    b = {
        "p3": ticket("Printer jams", 3),
        "p1": ticket("Mail is down", 1),
        "answered": ticket("New mouse", 4),
        "waiting": ticket("Which laptop?", 3),
        "resolved_late": ticket("Password reset", 1),
        "network": ticket("Switch port", 3, group=network_team, requester=requester_bob),
        "answered_late": ticket("ERP is slow", 1),
    }
    time_machine.move_to(at(1 / 6), tick=False)
    comment_add(ticket=b["answered"], by=agent_l1_lee, body="On its way.")
    ticket_update(ticket=b["waiting"], by=agent_l1_lee, changes={"state": State.AWAITING_USER})
    time_machine.move_to(at(0.5), tick=False)
    ticket_update(ticket=b["resolved_late"], by=agent_l1_lee,
                  changes={"state": State.RESOLVED, "resolution_code": "solved"})  # fmt: skip
    time_machine.move_to(at(1), tick=False)
    comment_add(ticket=b["answered_late"], by=agent_l1_lee, body="Looking at it now.")
    time_machine.move_to(at(1.5), tick=False)
    return b


def test_breaching_soon_holds_what_falls_due_within_the_hours_and_what_is_overdue(
    as_user, agent_l1_lee, board
):
    client = as_user(agent_l1_lee)
    response = client.get("/desk/tickets/", {"queue": "breaching"})
    # Mail (due 08:15, overdue), the printer (09:00, overdue), ERP (resolution at 10:00). Not:
    # the mouse (answered; resolved by tomorrow), the laptop (paused), the password (resolved),
    # nor the network team's ticket, which Lee may not see.
    assert numbers(response) == [board[k].number for k in ("p1", "p3", "answered_late")]
    assert [t.sla_due for t in response.context["page"].rows] == [at(0.25), at(1), at(2)]
    assert response.context["queue_label"] == "Breaching soon"
    page = response.content.decode()
    assert ">Due ▲</a>" in page and "sort=-due" in page
    assert '<td title="2026-06-01 08:15">08:15</td>' in page


def test_the_hours_of_soon_are_a_setting(as_user, agent_l1_lee, board, settings):
    client = as_user(agent_l1_lee)
    settings.SERVICEDESK_SLA_SOON_HOURS = 0  # overdue only
    assert numbers(client.get("/desk/tickets/", {"queue": "breaching"})) == [
        board["p1"].number, board["p3"].number,
    ]  # fmt: skip
    settings.SERVICEDESK_SLA_SOON_HOURS = 24  # the mouse's resolution too, tomorrow 00:00
    assert numbers(client.get("/desk/tickets/", {"queue": "breaching"}))[-1] == (
        board["answered"].number
    )


def test_breached_holds_open_tickets_with_a_breach_the_sweep_or_a_late_stop_recorded(
    as_user, agent_l1_lee, board
):
    client = as_user(agent_l1_lee)
    # Before any sweep only the late answer is a recorded breach; the late resolution is not
    # open any more.
    assert numbers(client.get("/desk/tickets/", {"queue": "breached"})) == [
        board["answered_late"].number
    ]
    sla_sweep()
    response = client.get("/desk/tickets/", {"queue": "breached"})
    # Breached at 08:15 (mail; ERP, raised later, breaks the tie), then 09:00 (printer).
    assert numbers(response) == [board[k].number for k in ("p1", "answered_late", "p3")]
    assert [t.sla_due for t in response.context["page"].rows] == [at(0.25), at(0.25), at(1)]
    backwards = client.get("/desk/tickets/", {"queue": "breached", "sort": "-due"})
    assert numbers(backwards) == [board[k].number for k in ("p3", "answered_late", "p1")]


def test_who_sees_every_ticket_sees_every_groups(as_user, admin_ada, board):
    sla_sweep()
    client = as_user(admin_ada)
    assert board["network"].number in numbers(client.get("/desk/tickets/?queue=breaching"))
    assert board["network"].number in numbers(client.get("/desk/tickets/?queue=breached"))


def test_the_shared_filters_and_other_sorts_narrow_them(as_user, agent_l1_lee, board):
    client = as_user(agent_l1_lee)
    urgent = client.get("/desk/tickets/", {"queue": "breaching", "priority": "1"})
    assert numbers(urgent) == [board["p1"].number, board["answered_late"].number]
    by_number = client.get("/desk/tickets/", {"queue": "breaching", "sort": "number"})
    assert numbers(by_number) == sorted(numbers(by_number))
    assert len(numbers(by_number)) == 3


def test_pages_follow_the_due_time(as_user, agent_l1_lee, board, monkeypatch):
    monkeypatch.setattr("servicedesk.desk.keyset.PAGE_SIZE", 2)
    client = as_user(agent_l1_lee)
    first = client.get("/desk/tickets/", {"queue": "breaching"})
    cursor = first.context["page"].next_cursor
    second = client.get("/desk/tickets/", {"queue": "breaching", "after": cursor})
    assert numbers(first) + numbers(second) == [
        board[k].number for k in ("p1", "p3", "answered_late")
    ]


def test_only_the_sla_queues_sort_by_due_time(as_user, agent_l1_lee, board):
    response = as_user(agent_l1_lee).get("/desk/tickets/", {"queue": "open", "sort": "due"})
    assert response.status_code == 400
    assert "Cannot sort by 'due'" in response.context["error"]
    assert ">Due" not in response.content.decode()


def test_the_queue_list_names_them_without_counting_them(as_user, agent_l1_lee, board):
    page = as_user(agent_l1_lee).get("/desk/tickets/").content.decode()
    nav = page.split('aria-label="Queues"', 1)[1].split("</nav>", 1)[0]
    assert "<span>Breaching soon</span></a>" in nav
    assert "<span>Breached</span></a>" in nav
