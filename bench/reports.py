"""How long each report takes over a generated desk: ``make bench`` runs it as the ``reports``
scenario (through the REST API); this script runs the engine directly, with CPU time beside the
wall clock, which a loaded machine inflates.

    SERVICEDESK_DATA_DIR=var/bench/sqlite-1000000 .venv/bin/python bench/reports.py
    DATABASE_URL=postgres://.../bench_1000000 .venv/bin/python bench/reports.py --samples 5

Each case runs once to warm the database's pages, then ``--samples`` times; it prints one line
per case (median and worst wall time, median CPU time of this process, the query count) and a
JSON line per case (``bench.common.Result``) with ``--json``. Targets: 1 s on PostgreSQL, 3 s on
SQLite, for the worst sample.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.common import Result, check_target  # noqa: E402
from servicedesk.accounts.choices import Role  # noqa: E402
from servicedesk.accounts.models import User  # noqa: E402
from servicedesk.reports.selectors import report_list, report_query_parse, report_run  # noqa: E402
from servicedesk.tickets.models import Ticket  # noqa: E402

TARGET_MS = {"postgresql": 1000, "sqlite": 3000}


def cases() -> list[tuple[str, dict, User | None]]:
    """Every report over the whole history as the command line runs it (every ticket), the
    cuts a lead uses most, and two reports as an agent of one group (visibility applied)."""
    out: list[tuple[str, dict, User | None]] = [(info.name, {}, None) for info in report_list()]
    out += [
        ("volume", {"interval": "day"}, None),
        ("volume", {"interval": "week", "by": ""}, None),
        ("volume", {"by": "group"}, None),
        ("resolution-time", {"by": "priority"}, None),
        ("resolution-time", {"by": "group"}, None),
        ("sla", {"by": "priority"}, None),
        ("reassignments", {"by": "category"}, None),
    ]
    agent = (
        User.objects.filter(role=Role.AGENT, is_active=True, support_groups__isnull=False)
        .order_by("pk")
        .first()
    )
    if agent is not None:
        out += [("volume", {"by": "priority"}, agent), ("agents", {}, agent)]
    return out


def measure(name: str, params: dict, user, samples: int):
    query = report_query_parse({k: v for k, v in params.items() if v}, name=name)
    report_run(user=user, query=query)  # warm-up
    walls, cpus = [], []
    for _ in range(samples):
        wall, cpu = time.perf_counter(), time.process_time()
        report_run(user=user, query=query)
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    with CaptureQueriesContext(connection) as queries:
        report_run(user=user, query=query)
    return walls, cpus, len(queries)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print Result JSON lines")
    parser.add_argument("--only", nargs="*", default=[], help="report names")
    args = parser.parse_args()
    vendor = connection.vendor
    size = Ticket.objects.count()
    target = TARGET_MS[vendor]
    print(f"# {vendor}, {size:,} tickets, {args.samples} samples, load {os.getloadavg()}")
    print(f"{'report':<26}{'cut':<24}{'user':<8}{'median ms':>10}{'worst ms':>10}"
          f"{'cpu ms':>9}{'queries':>8}  target")  # fmt: skip
    missed = 0
    for name, params, user in cases():
        if args.only and name not in args.only:
            continue
        walls, cpus, queries = measure(name, params, user, args.samples)
        cut = " ".join(f"{k}={v}" for k, v in params.items() if v) or "-"
        who = "agent" if user else "all"
        ok = max(walls) <= target
        missed += not ok
        print(f"{name:<26}{cut:<24}{who:<8}{statistics.median(walls):>10.0f}{max(walls):>10.0f}"
              f"{statistics.median(cpus):>9.0f}{queries:>8}  {'met' if ok else 'MISSED'}")  # fmt: skip
        if args.json:
            result = Result(
                scenario="reports", database=vendor, size=size, samples=walls, queries=queries,
                note=f"{name} {cut} ({who})",
            )  # fmt: skip
            print(check_target(result, p95_ms=target).to_json())
    print(f"# load after: {os.getloadavg()}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
