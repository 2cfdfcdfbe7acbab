"""The process-mining event log: CSV rows and XES parsed back, filters and visibility."""

import csv
import io
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from servicedesk.reports.eventlog import (
    CSV_COLUMNS,
    EventLogError,
    EventLogQuery,
    activity_of,
    eventlog_query_parse,
    eventlog_stream,
)
from servicedesk.tickets.choices import Channel, State
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

EVERYTHING = EventLogQuery()
XES = "{http://www.xes-standard.org/}"
T0 = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


@pytest.fixture
def history(time_machine, requester_ann, requester_bob, agent_l1_lee, agent_l2_kim,
            service_desk, network_team):  # fmt: skip
    """Two tickets in the service desk (one worked to resolution), one in the network team."""
    time_machine.move_to(T0, tick=False)
    first = make_ticket(
        requester=requester_ann, title="=HYPERLINK(1)", assignment_group=service_desk
    )
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    ticket_update(ticket=first, by=agent_l1_lee, changes={"assignee": agent_l1_lee})
    time_machine.move_to(T0 + timedelta(hours=2), tick=False)
    ticket_update(ticket=first, by=agent_l1_lee, changes={"state": State.IN_PROGRESS})
    time_machine.move_to(T0 + timedelta(hours=3), tick=False)
    comment_add(ticket=first, by=agent_l1_lee, body="Fixed the tray.", is_public=True,
                channel=Channel.DESK)  # fmt: skip
    time_machine.move_to(T0 + timedelta(hours=4), tick=False)
    ticket_update(
        ticket=first, by=agent_l1_lee,
        changes={"state": State.RESOLVED, "resolution_code": "solved",
                 "resolution_notes": "Tray replaced."},
    )  # fmt: skip
    time_machine.move_to(T0 + timedelta(days=2), tick=False)
    second = make_ticket(requester=requester_bob, assignment_group=service_desk,
                         channel=Channel.EMAIL)  # fmt: skip
    third = make_ticket(requester=requester_bob, assignment_group=network_team, impact=1, urgency=1)
    return first, second, third


def read_csv(user, query=EVERYTHING) -> list[dict]:
    text = "".join(eventlog_stream(user=user, query=query, format="csv"))
    return list(csv.DictReader(io.StringIO(text, newline="")))


def read_xes(user, query=EVERYTHING) -> ET.Element:
    text = "".join(eventlog_stream(user=user, query=query, format="xes"))
    return ET.fromstring(text.encode())


def test_csv_rows(history, admin_ada):
    first, second, third = history
    rows = read_csv(admin_ada)
    assert list(rows[0]) == list(CSV_COLUMNS)
    mine = [r for r in rows if r["case"] == first.number]
    assert [r["activity"] for r in mine] == [
        "Created",
        "Assigned",
        "In progress",
        "Commented",
        "Resolved",
    ]
    assert [r["timestamp"] for r in mine] == [
        (T0 + timedelta(hours=h)).isoformat(timespec="milliseconds") for h in range(5)
    ]
    assert mine[0]["resource"] == "Ann Requester"
    assert {r["resource"] for r in mine[1:]} == {"Lee Agent"}
    assert mine[0]["group"] == "Service Desk"
    # Cases come whole and one after another.
    cases = [r["case"] for r in rows]
    assert sorted(set(cases), key=cases.index) == [first.number, second.number, third.number]
    assert {r["case"] for r in rows if r["event_channel"] == "email"} == {second.number}


def test_xes_parses_with_a_trace_per_case(history, admin_ada):
    first, second, third = history
    root = read_xes(admin_ada)
    assert root.tag == f"{XES}log" and root.get("xes.version") == "1849-2016"
    traces = root.findall(f"{XES}trace")
    names = [t.find(f"{XES}string[@key='concept:name']").get("value") for t in traces]
    assert names == [first.number, second.number, third.number]
    events = traces[0].findall(f"{XES}event")
    assert [e.find(f"{XES}string[@key='concept:name']").get("value") for e in events] == [
        "Created", "Assigned", "In progress", "Commented", "Resolved",
    ]  # fmt: skip
    stamps = [e.find(f"{XES}date[@key='time:timestamp']").get("value") for e in events]
    assert [datetime.fromisoformat(s) for s in stamps] == [
        T0 + timedelta(hours=h) for h in range(5)
    ]
    assert events[1].find(f"{XES}string[@key='org:resource']").get("value") == "Lee Agent"
    third_priority = traces[2].find(f"{XES}string[@key='priority']").get("value")
    assert third_priority == "1 - Critical"


def test_visibility(history, agent_l1_lee, agent_l2_kim):
    first, second, third = history
    assert {r["case"] for r in read_csv(agent_l1_lee)} == {first.number, second.number}
    assert {r["case"] for r in read_csv(agent_l2_kim)} == {third.number}


def test_filters(history, admin_ada, network_team, settings):
    first, second, third = history
    by_date = eventlog_query_parse({"from": "2026-03-12", "to": "2026-03-12"})
    assert {r["case"] for r in read_csv(admin_ada, by_date)} == {second.number, third.number}
    only_first = eventlog_query_parse({"to": "2026-03-10"})
    assert {r["case"] for r in read_csv(admin_ada, only_first)} == {first.number}
    assert {r["case"] for r in read_csv(admin_ada, eventlog_query_parse({"priority": "1"}))} == {
        third.number
    }
    channel = eventlog_query_parse({"channel": "email"})
    assert {r["case"] for r in read_csv(admin_ada, channel)} == {second.number}
    group = eventlog_query_parse({"group": str(network_team.pk)})
    assert {r["case"] for r in read_csv(admin_ada, group)} == {third.number}
    by_name = eventlog_query_parse({"group": "network team"})  # a name, as the reports take
    assert {r["case"] for r in read_csv(admin_ada, by_name)} == {third.number}
    agent = eventlog_query_parse({"agent": "lee"})
    assert {r["case"] for r in read_csv(admin_ada, agent)} == {first.number}


def test_an_empty_log_is_still_valid(db, admin_ada):
    root = read_xes(admin_ada)
    assert root.findall(f"{XES}trace") == []
    assert read_csv(admin_ada) == []


def test_formula_text_is_neutralised_in_csv(history, admin_ada, requester_ann):
    requester_ann.display_name = "=cmd|'/c calc'!A1"
    requester_ann.save()
    rows = read_csv(admin_ada)
    assert rows[0]["resource"] == "'=cmd|'/c calc'!A1"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"from": "10/03/2026"}, "not a date"),
        ({"from": "2026-03-12", "to": "2026-03-01"}, "before"),
        ({"priority": "9"}, "priority"),
        ({"channel": "pigeon"}, "channel"),
        ({"group": "x"}, "Unknown group 'x'"),
        ({"colour": "red"}, "Unknown filter 'colour'"),
    ],
)
def test_bad_filters(db, params, message):
    with pytest.raises(EventLogError, match=message):
        eventlog_query_parse(params)


def test_query_parse_reads_lists(db):
    query = eventlog_query_parse({"priority": "1,2", "kind": ["incident"], "from": "2026-01-01"})
    assert query.priorities == (1, 2)
    assert query.kinds == ("incident",)
    assert query.date_from == date(2026, 1, 1)


@pytest.mark.parametrize(
    ("kind", "changes", "activity"),
    [
        ("created", {}, "Created"),
        ("updated", {"state": ["new", "awaiting_user"]}, "Awaiting user"),
        ("imported", {"assignment_group": ["A", "B"], "assignee": [None, "x"]}, "Reassigned"),
        ("imported", {"impact": [3, 2]}, "Updated"),
        ("sla_breached", {}, "SLA breached"),
    ],
)
def test_activity_names(kind, changes, activity):
    assert activity_of(kind, changes) == activity


def test_command_prints_the_log(history):
    first, second, third = history
    out = io.StringIO()
    call_command("eventlog-export", "--format", "xes", "--priority", "1", stdout=out)
    root = ET.fromstring(out.getvalue().encode())
    names = [
        t.find(f"{XES}string[@key='concept:name']").get("value")
        for t in root.findall(f"{XES}trace")
    ]
    assert names == [third.number]
    out = io.StringIO()
    call_command("eventlog-export", "--format=csv", "--from=2026-03-10", "--to=2026-03-10",
                 stdout=out)  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert {r["case"] for r in rows} == {first.number}
    assert len(rows) == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "pdf"], "invalid choice: 'pdf'"),
        (["--format", "csv", "--from", "yesterday"], "from: 'yesterday' is not a date"),
        (["--format", "csv", "--channel", "pigeon"], "Unknown channel 'pigeon'"),
    ],
)
def test_command_bad_arguments_exit_2_with_one_line(tmp_path, argv, message):
    result = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "eventlog-export", *argv],
        capture_output=True,
        text=True,
        env={**os.environ, "SERVICEDESK_DATA_DIR": str(tmp_path)},
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == ""
