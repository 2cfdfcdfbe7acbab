"""The SLA sweep timed over 100,000 open tickets with running clocks, on SQLite.

    .venv/bin/python bench/sla_sweep.py [--size 100000] [--work-dir var/bench/sla-sweep]

Makes (once, kept under the work directory) a desk of SIZE generated tickets
(``servicedesk generate-tickets``), all made open and raised in the last two working days,
under an office-hours policy (Europe/Berlin, Mon-Fri 09:00-17:00, German holidays; response
4h, resolution 40h, warnings at 75% and 90%, each with an action). Every ticket gets its two
clocks in bulk, computed by the same arithmetic as the desk's (nine responses in ten already
given). Then, in a copy of that database:

1. **catch-up**: the sweeps a worker runs after being away since the tickets were raised,
   until nothing is due: every warning and breach of two days at once (milestones, events,
   mails, escalations), in batches of 500 as the periodic job takes them.
2. **steady state**: a sweep 30 s later over the same SIZE tickets, as the worker runs it
   every 30 s: the time of one sweep (target: under 2 s), and of its range query alone.
3. **calendar edit**: the office calendar's hours changed (17:00 -> 18:00) as the admin saves
   it: every running clock banks the time it used and gets its due time and next check again
   (``sla.reschedule``), in one transaction; its time and number of queries.

Prints the figures; ``docs/benchmarks.md`` keeps them with the date and machine.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVICEDESK = ROOT / ".venv" / "bin" / "servicedesk"
# A Tuesday at 15:00 in Berlin: two working days of tickets behind it.
NOW = datetime(2026, 6, 9, 13, 0, tzinfo=UTC)


def _make(size: int, data: Path) -> None:
    marker = data / "made"
    if marker.exists() and marker.read_text() == str(size):
        return
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    env = {**os.environ, "SERVICEDESK_DATA_DIR": str(data), "DATABASE_URL": "", "REDIS_URL": ""}
    for args in (["migrate", "-v", "0"], ["generate-tickets", str(size), "--seed", "0"]):
        subprocess.run([str(SERVICEDESK), *args], env=env, check=True, cwd=ROOT)
    subprocess.run([sys.executable, __file__, "--inside", "prepare"], env=env, check=True)
    marker.write_text(str(size))


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def _prepare() -> None:
    """Open every ticket, raised in the last two working days, with its clocks."""
    _setup_django()
    import random
    from datetime import timedelta

    from django.db import connection, transaction

    from servicedesk.sla.choices import ClockStatus, Metric
    from servicedesk.sla.clock import due_at, elapsed
    from servicedesk.sla.models import BusinessCalendar, Clock, SLAAction, SLAPolicy, SLATarget
    from servicedesk.tickets.imports.bulk import insert_rows
    from servicedesk.tickets.models import Ticket

    now = NOW
    office = BusinessCalendar.objects.create(
        name="Berlin office", timezone="Europe/Berlin", country="DE",
        hours={d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
    )  # fmt: skip
    policy = SLAPolicy.objects.create(name="Office hours", calendar=office)
    for priority in (1, 2, 3, 4):
        SLATarget.objects.create(policy=policy, metric="response", priority=priority,
                                 duration=timedelta(hours=4))  # fmt: skip
        SLATarget.objects.create(policy=policy, metric="resolution", priority=priority,
                                 duration=timedelta(hours=40))  # fmt: skip
    for threshold, action in ((75, "notify_assignee"), (90, "notify_lead"), (100, "escalate_tier")):
        SLAAction.objects.create(policy=policy, threshold=threshold, action=action)
    calendar = office.calendar()
    rng = random.Random(0)
    # Raised in the last 16 working hours: from two working days back until now.
    earliest = due_at(calendar=calendar, start=now - timedelta(days=6), target=timedelta(0))
    while elapsed(calendar=calendar, start=earliest, end=now) > timedelta(hours=16):
        earliest += timedelta(hours=1)
    span = (now - earliest).total_seconds()
    ids = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE tickets_ticket SET state = 'in_progress', resolved_at = NULL, "
                           "closed_at = NULL, first_response_at = NULL")  # fmt: skip
        for pk in ids:
            created = earliest + timedelta(seconds=rng.uniform(0, span))
            Ticket.objects.filter(pk=pk).update(created_at=created, updated_at=created)
            for metric, target in ((Metric.RESPONSE, 4), (Metric.RESOLUTION, 40)):
                target = timedelta(hours=target)
                answered = metric == Metric.RESPONSE and rng.random() < 0.9
                used = timedelta(minutes=rng.randint(5, 90)) if answered else timedelta(0)
                due = due_at(calendar=calendar, start=created, target=target)
                first = due_at(calendar=calendar, start=created, target=target * 0.75)
                rows.append({
                    "ticket_id": pk, "metric": metric, "policy_id": policy.pk,
                    "target": target, "started_at": created,
                    "status": ClockStatus.MET if answered else ClockStatus.RUNNING,
                    "banked": used, "running_since": None if answered else created,
                    "due_at": due, "next_check_at": None if answered else first,
                    "stopped_at": created + used if answered else None, "reached": 0,
                })  # fmt: skip
            if len(rows) >= 20_000:
                insert_rows(Clock, rows)
                rows = []
        insert_rows(Clock, rows)


def _measure() -> None:
    _setup_django()
    from datetime import timedelta

    import time_machine
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from servicedesk.sla.models import Clock, Milestone
    from servicedesk.sla.sweeper import sla_sweep

    size = Clock.objects.values("ticket_id").distinct().count()
    running = Clock.objects.filter(status="running").count()
    print(f"{size:,} open tickets, {running:,} running clocks")
    with time_machine.travel(NOW, tick=False):
        started, sweeps, found = time.perf_counter(), 0, 0
        while True:
            report = sla_sweep()
            sweeps += 1
            found += report.checked
            if report.checked == 0:
                break
        caught_up = time.perf_counter() - started
    milestones = Milestone.objects.count()
    print(f"catch-up: {found:,} clocks due, {milestones:,} warnings and breaches recorded "
          f"in {sweeps} sweeps, {caught_up:.1f} s ({milestones / caught_up:,.0f} per second)")  # fmt: skip
    times, query = [], []
    for step in range(1, 21):
        with time_machine.travel(NOW + timedelta(seconds=30 * step), tick=False):
            reset_queries()
            began = time.perf_counter()
            report = sla_sweep()
            times.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            with CaptureQueriesContext(connection):
                list(Clock.objects.filter(next_check_at__lte=NOW).values_list("pk")[:500])
            query.append((time.perf_counter() - began) * 1000)
    print(f"steady state, a sweep every 30 s over {size:,} open tickets: median "
          f"{statistics.median(times):.1f} ms, max {max(times):.1f} ms (target: under 2,000 ms); "
          f"the range query alone: median {statistics.median(query):.2f} ms")  # fmt: skip
    _calendar_edit()


def _edit_only() -> None:
    _setup_django()
    _calendar_edit()


def _calendar_edit() -> None:
    from datetime import timedelta

    import time_machine
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from servicedesk.sla.models import BusinessCalendar, Clock
    from servicedesk.sla.reschedule import ClockReschedule

    office = BusinessCalendar.objects.get(name="Berlin office")
    running = Clock.objects.filter(status="running").count()
    when = NOW + timedelta(minutes=15)
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as seen:
        began = time.perf_counter()
        with transaction.atomic():
            reschedule = ClockReschedule(calendar=office.pk, now=when)
            reschedule.begin()
            office.hours = {d: [["09:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")}
            office.save()
            moved = reschedule.finish()
        took = time.perf_counter() - began
    print(f"calendar edit: {running:,} running clocks banked and rescheduled, {moved:,} moved, "
          f"in {took:.1f} s and {len(seen)} queries")  # fmt: skip


def main() -> int:
    if "--inside" in sys.argv:
        inside = {"prepare": _prepare, "measure": _measure, "edit": _edit_only}
        inside[sys.argv[-1]]()
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument(
        "--only-edit", action="store_true", help="time the calendar edit alone (step 3)"
    )
    parser.add_argument("--work-dir", type=Path, default=ROOT / "var" / "bench" / "sla-sweep")
    args = parser.parse_args()
    made = args.work_dir / f"sqlite-{args.size}"
    _make(args.size, made)
    copy = args.work_dir / "run"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(made, copy)
    env = {**os.environ, "SERVICEDESK_DATA_DIR": str(copy), "DATABASE_URL": "", "REDIS_URL": ""}
    # A kept desk was made by older code: bring its schema up to date first.
    subprocess.run([str(SERVICEDESK), "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
    step = "edit" if args.only_edit else "measure"
    subprocess.run([sys.executable, __file__, "--inside", step], env=env, check=True)
    shutil.rmtree(copy, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
