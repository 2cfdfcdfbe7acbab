"""The two "cases from bugs that other desks shipped" of the reporting issue, verbatim."""

from datetime import UTC, date, datetime, timedelta

import pytest

from servicedesk.reports.selectors import ReportQuery, report_run
from servicedesk.sla.tests.factories import policy_with
from servicedesk.tickets.choices import Kind, State
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

BERLIN_CREATED = [
    (3, 10, 22, 30), (3, 10, 23, 15), (3, 11, 7, 0), (3, 11, 22, 59), (3, 11, 23, 0),
    (3, 28, 22, 30), (3, 28, 23, 30), (3, 29, 21, 59), (3, 29, 22, 0),
]  # fmt: skip


def test_tickets_per_day_in_europe_berlin_across_the_spring_change(
    settings, time_machine, requester_ann
):
    settings.TIME_ZONE = "Europe/Berlin"
    for month, day, hour, minute in BERLIN_CREATED:
        time_machine.move_to(datetime(2026, month, day, hour, minute, tzinfo=UTC), tick=False)
        make_ticket(requester=requester_ann)
    time_machine.move_to(datetime(2026, 4, 2, 12, tzinfo=UTC), tick=False)

    query = ReportQuery(
        name="volume", date_from=date(2026, 3, 9), date_to=date(2026, 3, 31), interval="day"
    )
    result = report_run(user=None, query=query)

    per_day = {row["period"]: row["created"] for row in result.rows}
    assert len(per_day) == 23  # every day of the range, the empty ones as zeros
    expected = {"2026-03-10": 1, "2026-03-11": 3, "2026-03-12": 1, "2026-03-28": 1,
                "2026-03-29": 2, "2026-03-30": 1}  # fmt: skip
    assert {d: n for d, n in per_day.items() if n} == expected
    assert sum(per_day.values()) == 9
    # The 29th is a 23-hour day: its drilldown runs from one local midnight to the next.
    drill = result.drilldown[list(per_day).index("2026-03-29")]
    assert drill == {
        "created_after": "2026-03-29T00:00:00+01:00",
        "created_before": "2026-03-30T00:00:00+02:00",
    }


@pytest.mark.parametrize("interval,expected", [
    ("week", {"2026-03-09": 5, "2026-03-23": 3, "2026-03-30": 1}),
    ("month", {"2026-03-01": 9}),
])  # fmt: skip
def test_weeks_and_months_in_europe_berlin(
    settings, time_machine, requester_ann, interval, expected
):
    settings.TIME_ZONE = "Europe/Berlin"
    for month, day, hour, minute in BERLIN_CREATED:
        time_machine.move_to(datetime(2026, month, day, hour, minute, tzinfo=UTC), tick=False)
        make_ticket(requester=requester_ann)
    query = ReportQuery(
        name="volume", date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), interval=interval
    )
    rows = report_run(user=None, query=query).rows
    assert {r["period"]: r["created"] for r in rows if r["created"]} == expected


T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
H = timedelta(hours=1)


def test_sla_adherence_over_twelve_tickets_is_62_5_percent(
    time_machine, requester_ann, agent_l1_lee
):
    # 24x7, resolution 8 hours at priority 3; only incidents have an SLA.
    policy_with(calendar=None, response="1h", resolution="8h", kinds=[Kind.INCIDENT])
    time_machine.move_to(T0, tick=False)

    def incident():
        return make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)

    in_time = [incident() for _ in range(5)]
    late = [incident() for _ in range(2)]
    incident()  # open, and past due by the time of the report
    for _ in range(3):
        make_ticket(requester=requester_ann, kind=Kind.REQUEST)  # no SLA

    def resolve(ticket):
        ticket_update(
            ticket=ticket,
            by=agent_l1_lee,
            changes={"state": State.RESOLVED, "resolution_code": "solved"},
        )

    time_machine.move_to(T0 + 2 * H, tick=False)
    for ticket in in_time:
        resolve(ticket)
    time_machine.move_to(T0 + 10 * H, tick=False)
    for ticket in late:
        resolve(ticket)
    time_machine.move_to(T0 + 12 * H, tick=False)
    incident()  # open, due at T0 + 20 h
    time_machine.move_to(T0 + 13 * H, tick=False)  # no sweep has run: the open one is not marked

    result = report_run(user=None, query=ReportQuery(name="sla"))
    resolution = next(r for r in result.rows if r["target_key"] == "resolution")
    assert (resolution["met"], resolution["breached"], resolution["adherence"]) == (5, 3, 62.5)
