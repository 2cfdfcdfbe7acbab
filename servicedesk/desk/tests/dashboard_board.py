"""Tickets made for the dashboard's figures, each at a known time: shared by the desk's and the
API's dashboard tests. The figures they must give are written out beside them."""

from datetime import UTC, date, datetime

from servicedesk.tickets.choices import State
from servicedesk.tickets.services import ticket_reopen, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

NOW = datetime(2026, 3, 20, 10, 0, tzinfo=UTC)
# The 14 days up to NOW, in UTC (the test settings' time zone).
FIRST_DAY = date(2026, 3, 7)


def at(month: int, day: int, hour: int = 9, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, 0, tzinfo=UTC)


def build_board(*, time_machine, people: dict) -> dict:
    """Service desk and network tickets in every situation a figure counts (or must not).

    ``people`` holds lee (L1 agent), mo (lead of the service desk), kim (network agent), ann
    and bob (requesters), sd and net (their groups).
    """
    lee, mo, kim = people["lee"], people["mo"], people["kim"]
    sd, net = people["sd"], people["net"]

    def ticket(when: datetime, title: str, **fields):
        time_machine.move_to(when, tick=False)
        fields.setdefault("requester", people["ann"])
        return make_ticket(title=title, **fields)

    def change(when: datetime, made, by=lee, **changes):
        time_machine.move_to(when, tick=False)
        return ticket_update(ticket=made, by=by, changes=changes)

    b = {}
    b["old"] = ticket(at(1, 2), "Old P1 Lee works", assignment_group=sd, assignee=lee,
                      impact=1, urgency=1)  # fmt: skip
    change(at(1, 2, 10), b["old"], state=State.IN_PROGRESS)
    b["wait_user"] = ticket(at(3, 10), "Waits for Ann", assignment_group=sd, assignee=lee,
                            impact=2, urgency=2)  # fmt: skip
    change(at(3, 10, 10), b["wait_user"], state=State.AWAITING_USER)
    b["wait_vendor"] = ticket(at(3, 11), "Waits for the vendor", assignment_group=sd,
                              impact=1, urgency=2)  # fmt: skip
    change(at(3, 11, 10), b["wait_vendor"], state=State.AWAITING_VENDOR)
    b["wait_change"] = ticket(at(3, 12), "Waits for a change", assignment_group=sd, assignee=mo)
    change(at(3, 12, 10), b["wait_change"], by=mo, state=State.AWAITING_CHANGE)
    b["cancelled"] = ticket(at(3, 13), "Raised by mistake", assignment_group=sd)
    change(at(3, 13, 10), b["cancelled"], state=State.CANCELLED)
    b["resolved"] = ticket(at(3, 14), "Fixed on the 18th", assignment_group=sd, assignee=lee)
    change(at(3, 18, 12), b["resolved"], state=State.RESOLVED, resolution_code="solved")
    b["closed"] = ticket(at(2, 1), "Fixed on the 19th, closed", assignment_group=sd)
    change(at(3, 19, 8), b["closed"], state=State.RESOLVED, resolution_code="solved")
    change(at(3, 19, 9), b["closed"], state=State.CLOSED)
    # Resolved inside the window but reopened since: open again, and no longer resolved.
    b["reopened"] = ticket(at(3, 5), "Came back", assignment_group=sd, assignee=lee)
    change(at(3, 15), b["reopened"], state=State.RESOLVED, resolution_code="solved")
    time_machine.move_to(at(3, 16), tick=False)
    b["reopened"] = ticket_reopen(ticket=b["reopened"], by=lee, reason="Still broken")
    b["fresh"] = ticket(at(3, 20, 9), "Raised an hour ago", assignment_group=sd)

    b["net"] = ticket(at(3, 15), "Router firmware", requester=people["bob"],
                      assignment_group=net, assignee=kim, impact=1, urgency=2)  # fmt: skip
    change(at(3, 15, 10), b["net"], by=kim, state=State.IN_PROGRESS)
    b["net_old"] = ticket(at(12, 1, year=2025), "Switch port flapping", requester=people["bob"],
                          assignment_group=net)  # fmt: skip
    time_machine.move_to(NOW, tick=False)
    return b


SERVICE_DESK_OPEN = ("old", "wait_user", "wait_vendor", "wait_change", "reopened", "fresh")
NETWORK_OPEN = ("net_old", "net")


def empty_states() -> dict[str, int]:
    states = ("new", "assigned", "in_progress", "awaiting_user", "awaiting_vendor",
              "awaiting_change")  # fmt: skip
    return dict.fromkeys(states, 0)


def per_day(counts: dict[int, int]) -> list[int]:
    """The 14 daily figures from {day of March: count}."""
    return [counts.get(FIRST_DAY.day + i, 0) for i in range(14)]
