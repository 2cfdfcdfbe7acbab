"""``servicedesk report``: JSON and CSV, the list, and one line with exit status 2 for bad input."""

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def tickets(time_machine, requester_ann, network_team):
    time_machine.move_to(datetime(2026, 3, 10, 10, tzinfo=UTC), tick=False)
    make_ticket(requester=requester_ann, impact=1, urgency=1, assignment_group=network_team)
    make_ticket(requester=requester_ann, impact=3, urgency=3, title="=HYPERLINK(1)")
    time_machine.move_to(datetime(2026, 3, 12, 10, tzinfo=UTC), tick=False)


def test_list_names_every_report_with_its_fields():
    listed = json.loads(run("--list"))
    names = [r["name"] for r in listed]
    assert names[:3] == ["volume", "backlog", "resolution-time"]
    assert {"sla", "agents", "groups", "channels"} <= set(names)
    assert "priority" in next(r for r in listed if r["name"] == "sla")["by"]


def test_json_by_priority(tickets):
    body = json.loads(run("volume", "--by", "priority", "--from", "2026-03-01"))
    created = {row["priority_key"]: row["created"] for row in body["rows"]}
    assert created == {1: 1, 2: 0, 3: 0, 4: 1}
    assert body["query"]["from"] == "2026-03-01" and body["query"]["by"] == "priority"


def test_csv_with_a_filter_by_group_name(tickets):
    text = run("volume", "--interval", "day", "--from", "2026-03-09", "--to", "2026-03-11",
               "--filter", "group=network team", "--format", "csv")  # fmt: skip
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["period", "created", "resolved", "closed"],
        ["2026-03-09", "0", "0", "0"],
        ["2026-03-10", "1", "0", "0"],
        ["2026-03-11", "0", "0", "0"],
    ]


def test_an_empty_range_prints_zeros(tickets):
    text = run("channels", "--from", "2019-01-01", "--to", "2019-01-31", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert {r[2] for r in rows[1:]} == {"0"}


@pytest.mark.parametrize("args,says", [
    (["nope"], "Unknown report 'nope'"),
    (["volume", "--from", "2026-02-30"], "from must be a date as YYYY-MM-DD"),
    (["volume", "--to", "10/03/2026"], "to must be a date as YYYY-MM-DD"),
    (["volume", "--by", "colour"], "Unknown field 'colour'"),
    (["backlog", "--by", "priority"], "cannot be cut by 'priority'"),
    (["volume", "--filter", "priority=9"], "Unknown priority '9'"),
    (["volume", "--filter", "group=Nobody"], "Unknown group 'Nobody'"),
    (["volume", "--filter", "colour=red"], "Unknown parameter 'colour'"),
    (["volume", "--filter", "oops"], "A filter is FIELD=VALUE"),
    (["volume", "--interval", "year"], "interval must be one of day, week, month"),
    (["volume", "--from", "2026-03-02", "--to", "2026-03-01"], "is after to"),
    ([], "name a report"),
])  # fmt: skip
def test_bad_input_is_a_usage_error(args, says):
    with pytest.raises(CommandError, match=says) as caught:
        run(*args)
    assert caught.value.returncode == 2


def test_the_command_line_prints_one_line_and_exits_2(tmp_path):
    env_settings = {"SERVICEDESK_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "report", "volume", "--from", "yesterday"],
        capture_output=True, text=True, env={**os.environ, **env_settings},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0
    assert "from must be a date as YYYY-MM-DD, not 'yesterday'" in done.stderr
