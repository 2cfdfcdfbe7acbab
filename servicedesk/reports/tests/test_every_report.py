"""Every report runs with every field it can be cut by, and its rows hold its columns."""

from datetime import UTC, date, datetime, timedelta

import pytest

from servicedesk.reports.fields import FIELDS
from servicedesk.reports.selectors import (
    ReportPermissionDenied,
    ReportQuery,
    report_list,
    report_run,
)
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 5, 4, 9, 0, tzinfo=UTC)


@pytest.fixture
def some_tickets(time_machine, requester_ann, agent_l1_lee, service_desk):
    time_machine.move_to(T0, tick=False)
    tickets = [
        make_ticket(requester=requester_ann, impact=i % 3 + 1, urgency=2, assignee=agent_l1_lee)
        for i in range(4)
    ]
    time_machine.move_to(T0 + timedelta(hours=5), tick=False)
    ticket_update(
        ticket=tickets[0],
        by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved"},
    )
    time_machine.move_to(T0 + timedelta(days=2), tick=False)
    return tickets


CASES = [(info.name, by) for info in report_list() for by in (None, *info.by)]


@pytest.mark.parametrize("name,by", CASES)
def test_every_report_and_cut_gives_rows_of_its_columns(some_tickets, lead_mo, name, by):
    query = ReportQuery(name=name, by=by, date_from=date(2026, 5, 1), date_to=date(2026, 5, 31))
    result = report_run(user=lead_mo, query=query)
    keys = [c.key for c in result.columns]
    if by is None or FIELDS[by].choices is not None:  # every value, even without tickets
        assert result.rows, f"{name} by {by} has no rows"
    assert all(list(row) == keys for row in result.rows)
    assert len(result.drilldown) == len(result.rows)


@pytest.mark.parametrize("name", [info.name for info in report_list()])
def test_an_empty_range_gives_zeros_not_an_error(some_tickets, name):
    query = ReportQuery(name=name, date_from=date(2020, 1, 1), date_to=date(2020, 1, 1))
    result = report_run(user=None, query=query)
    for row in result.rows:
        for column in result.columns:
            if column.unit == "count" and column.key != "open_load":
                assert row[column.key] in (0, None), (name, column.key, row)


def test_resolution_time_of_one_ticket(some_tickets, lead_mo):
    rows = report_run(user=lead_mo, query=ReportQuery(name="resolution-time")).rows
    assert rows == [{
        "tickets": 1, "median_hours": 5.0, "mean_hours": 5.0, "p90_hours": 5.0,
        # No SLA policy, so no clock and no business hours.
        "business_tickets": 0, "business_median_hours": None, "business_mean_hours": None,
        "business_p90_hours": None,
    }]  # fmt: skip


def test_business_hours_come_from_the_resolution_clock(time_machine, requester_ann, agent_l1_lee):
    policy_with(calendar=berlin_office(), response="1h", resolution="40h")
    monday_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    time_machine.move_to(monday_0900, tick=False)
    fast = make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)
    slow = make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)
    done = {"state": State.RESOLVED, "resolution_code": "solved"}
    time_machine.move_to(monday_0900 + timedelta(hours=11), tick=False)  # 20:00, closed at 17:00
    ticket_update(ticket=fast, by=agent_l1_lee, changes=done)
    time_machine.move_to(monday_0900 + timedelta(hours=26), tick=False)  # Tuesday 11:00
    ticket_update(ticket=slow, by=agent_l1_lee, changes=done)

    [row] = report_run(user=None, query=ReportQuery(name="resolution-time")).rows
    assert (row["tickets"], row["median_hours"], row["mean_hours"]) == (2, 18.5, 18.5)
    assert row["p90_hours"] == pytest.approx(11 + 0.9 * 15)
    assert (row["business_tickets"], row["business_median_hours"]) == (2, 9.0)
    assert row["business_p90_hours"] == pytest.approx(8 + 0.9 * 2)


def test_end_users_may_not_run_reports(some_tickets, requester_ann):
    with pytest.raises(ReportPermissionDenied):
        report_run(user=requester_ann, query=ReportQuery(name="volume"))
