"""The reports over the imported ServiceNow log equal a computation straight from its CSV.

The CSV is read here with the csv module alone: each incident's figures are those of its last
update (the highest sys_mod_count, the later line on a tie). The log is imported once for the
module (about 10 s), inside a transaction rolled back after it.
"""

import csv
import io
import statistics
import zipfile
from collections import Counter, defaultdict
from datetime import UTC, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from conftest import CORPUS
from servicedesk.reports.selectors import ReportQuery, report_run

pytestmark = [pytest.mark.django_db, pytest.mark.corpus]

LOG = CORPUS / "servicenow" / "incident_event_log.csv.zip"
# The log's contact types and the channels the desk knows them as (the only two it holds).
CONTACT = {"Phone": "phone", "Email": "email"}


def _when(text: str) -> datetime:
    # day/month/year hours:minutes, in the desk's time zone (as the import reads it)
    naive = datetime.strptime(text, "%d/%m/%Y %H:%M")
    return naive.replace(tzinfo=ZoneInfo(settings.TIME_ZONE)).astimezone(UTC)


@pytest.fixture(scope="module")
def last_updates() -> list[dict]:
    if not LOG.exists():
        pytest.skip("../shared/corpus is not present")
    with zipfile.ZipFile(LOG) as archive, archive.open("incident_event_log.csv") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8"))
        last: dict[str, tuple] = {}
        for line, row in enumerate(reader):
            key = (int(row["sys_mod_count"]), line)
            if row["number"] not in last or key > last[row["number"]][0]:
                last[row["number"]] = (key, row)
    return [row for _, row in last.values()]


@pytest.fixture(scope="module")
def imported(last_updates, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("import-servicenow", str(LOG), stdout=StringIO(), stderr=StringIO())
        yield
        transaction.set_rollback(True)


def run(name: str, **fields) -> list[dict]:
    return report_run(user=None, query=ReportQuery(name=name, **fields)).rows


def test_incidents_per_priority(imported, last_updates):
    expected = Counter(row["priority"] for row in last_updates)
    rows = run("volume", by="priority")
    assert {r["priority"]: r["created"] for r in rows if r["created"]} == dict(expected)
    assert sum(r["created"] for r in rows) == len(last_updates) == 20769


def test_incidents_per_channel(imported, last_updates):
    expected = Counter(CONTACT[row["contact_type"]] for row in last_updates)
    rows = run("channels")
    assert {r["channel_key"]: r["tickets"] for r in rows if r["tickets"]} == dict(expected)
    by_volume = run("volume", by="channel")
    assert {r["channel_key"]: r["created"] for r in by_volume if r["created"]} == dict(expected)


def test_incidents_per_month_opened(imported, last_updates):
    zone = ZoneInfo(settings.TIME_ZONE)
    expected = Counter(
        _when(row["opened_at"]).astimezone(zone).strftime("%Y-%m-01") for row in last_updates
    )
    rows = run("volume", interval="month")
    assert {r["period"]: r["created"] for r in rows if r["created"]} == dict(expected)


def test_median_resolution_hours_per_priority(imported, last_updates):
    # Resolved or closed incidents whose last update carries a resolved time. (One incident
    # of the log is New again with a resolved time left over: it is open, so not resolved.)
    hours = defaultdict(list)
    for row in last_updates:
        if row["resolved_at"] != "?" and row["incident_state"] in ("Resolved", "Closed"):
            spent = _when(row["resolved_at"]) - _when(row["opened_at"])
            hours[row["priority"]].append(spent.total_seconds() / 3600)
    rows = {r["priority"]: r for r in run("resolution-time", by="priority")}
    for priority, values in hours.items():
        assert rows[priority]["tickets"] == len(values)
        assert rows[priority]["median_hours"] == pytest.approx(statistics.median(values), abs=0.006)
        assert rows[priority]["mean_hours"] == pytest.approx(statistics.fmean(values), abs=0.006)
    assert sum(r["tickets"] for r in rows.values()) == sum(map(len, hours.values()))


def test_sla_adherence_per_priority_from_made_sla(imported, last_updates):
    made = defaultdict(Counter)
    for row in last_updates:
        made[row["priority"]][row["made_sla"]] += 1
    rows = [r for r in run("sla", by="priority") if r["target_key"] == "resolution"]
    found = {r["priority"]: r for r in rows}
    for priority, outcomes in made.items():
        met, missed = outcomes["true"], outcomes["false"]
        assert (found[priority]["met"], found[priority]["breached"]) == (met, missed)
        assert found[priority]["adherence"] == round(100 * met / (met + missed), 2)


def test_reopened_incidents(imported, last_updates):
    expected = sum(1 for row in last_updates if int(row["reopen_count"]) > 0)
    [row] = run("reopens")
    assert row["reopened"] == expected


def test_mean_reassignment_count(imported, last_updates):
    expected = statistics.fmean(int(row["reassignment_count"]) for row in last_updates)
    [row] = run("reassignments")
    assert row["tickets"] == len(last_updates)
    assert row["mean"] == round(expected, 3)


def test_the_ten_busiest_groups(imported, last_updates):
    counts = Counter(row["assignment_group"] for row in last_updates)
    counts.pop("?", None)
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:10]
    rows = [r for r in run("groups") if r["group_key"] is not None]
    assert [(r["group"], r["assigned"]) for r in rows[:10]] == expected
