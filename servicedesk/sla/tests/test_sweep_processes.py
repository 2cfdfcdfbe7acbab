"""Two real worker processes sweep the same due clocks at once: every warning, breach,
escalation and mail is recorded exactly once. On a file SQLite database, and on PostgreSQL when
DATABASE_URL is set (then on this test run's own database)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

TICKETS = 60
WORKER = [sys.executable, "-m", "servicedesk.sla.tests.sweep_workers"]
ROOT = Path(__file__).resolve().parents[3]


def run(env: dict, *args: str) -> dict:
    done = subprocess.run(
        [*WORKER, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.fixture
def database_env(request, tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env["SERVICEDESK_DATA_DIR"] = str(tmp_path)
    if os.environ.get("DATABASE_URL"):
        # The processes work on this test run's database, which the test's transactional_db
        # leaves empty and flushes afterwards.
        request.getfixturevalue("transactional_db")
        db = connection.settings_dict
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = f"postgres://{auth}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    else:
        env["SERVICEDESK_SQLITE_PATH"] = str(tmp_path / "sweep.sqlite3")
    return env


def test_two_worker_processes_record_each_milestone_and_action_once(database_env, tmp_path):
    sweep_at = run(database_env, "setup", str(TICKETS))["sweep_at"]
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in (1, 2)]
    workers = [
        subprocess.Popen(
            [*WORKER, "sweep", str(flag), str(go), sweep_at],
            env=database_env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for flag in ready
    ]
    deadline = time.monotonic() + 120
    while not all(flag.exists() for flag in ready):
        assert time.monotonic() < deadline, "the workers did not start"
        assert all(w.poll() is None for w in workers), [w.communicate() for w in workers]
        time.sleep(0.05)
    go.touch()  # both are connected and waiting: they start together
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.splitlines()[-1]))

    counts = run(database_env, "count")
    # Two clocks a ticket, each past 75%, 90% and its breach.
    assert counts["milestones"] == 6 * TICKETS
    assert (counts["warning_events"], counts["breach_events"]) == (4 * TICKETS, 2 * TICKETS)
    # The lead is mailed at 75% and 90% of each clock; the ticket escalates once (L1 -> L2; the
    # second breach finds no L3 group).
    assert counts["mails"] == counts["mail_keys"] == 4 * TICKETS
    assert counts["escalations"] == TICKETS
    # Both swept the same due clocks (on SQLite one may find every clock it read claimed by
    # the other: its busy wait loses the write lock race); what one recorded the other did not.
    assert all(r["checked"] > 0 for r in reports), reports
    assert sum(r["milestones"] for r in reports) == 6 * TICKETS
