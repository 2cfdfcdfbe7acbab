"""The event-log export at scale: CPU time, throughput and peak memory of a whole export.

    .venv/bin/python bench/eventlog_export.py --data-dir DIR [--tickets N] [--formats csv,xes]

DIR is a servicedesk data directory (SERVICEDESK_DATA_DIR: its SQLite database); with
``--tickets N`` it is first filled with ``servicedesk generate-tickets N --seed 1`` (about 6.8
events a ticket, so 150,000 tickets make about a million events). Set DATABASE_URL to measure
on PostgreSQL instead. Each export runs ``servicedesk eventlog-export --format F`` in a child
process of its own, writing to /dev/null, and the figures come from that child's own resource
usage (wait4): user + system CPU seconds, which the machine's other load barely moves, and the
peak resident memory, which must not grow with the number of events (the export streams).
Wall-clock time is printed beside them for reference only.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICEDESK = ROOT / ".venv" / "bin" / "servicedesk"
PYTHON = ROOT / ".venv" / "bin" / "python"


def _env(data_dir: Path) -> dict[str, str]:
    return {**os.environ, "SERVICEDESK_DATA_DIR": str(data_dir)}


def _events(env: dict[str, str]) -> int:
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings'); "
        "django.setup(); from servicedesk.tickets.models import TicketEvent; "
        "print(TicketEvent.objects.count())"
    )
    out = subprocess.run([PYTHON, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
    return int(out.stdout.strip())


def _export(fmt: str, env: dict[str, str]) -> dict[str, float]:
    started = time.monotonic()
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(
            [SERVICEDESK, "eventlog-export", "--format", fmt], env=env, cwd=ROOT, stdout=sink
        )
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"eventlog-export --format {fmt} failed")
    return {
        "cpu": usage.ru_utime + usage.ru_stime,
        "wall": wall,
        "rss_mib": usage.ru_maxrss / 1024,  # KiB on Linux
    }


def _baseline(env: dict[str, str]) -> float:
    """Peak memory of a servicedesk command that exports nothing (the process's own floor)."""
    with open(os.devnull, "wb") as sink:
        child = subprocess.Popen(
            [SERVICEDESK, "eventlog-export", "--format", "csv", "--from", "2999-01-01"],
            env=env,
            cwd=ROOT,
            stdout=sink,
        )
        _, _, usage = os.wait4(child.pid, 0)
    return usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--tickets", type=int, default=0)
    parser.add_argument("--formats", default="csv,xes")
    args = parser.parse_args()
    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = _env(args.data_dir)
    subprocess.run([SERVICEDESK, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    if args.tickets:
        subprocess.run(
            [SERVICEDESK, "generate-tickets", str(args.tickets), "--seed", "1"],
            env=env,
            cwd=ROOT,
            check=True,
        )
    events = _events(env)
    database = "postgres" if os.environ.get("DATABASE_URL") else "sqlite"
    floor = _baseline(env)
    print(f"{database}, {events:,} events; empty export peak RSS {floor:.0f} MiB")
    print("| format | events | CPU s | events per CPU s | peak RSS MiB | wall s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for fmt in args.formats.split(","):
        figures = _export(fmt, env)
        rate = events / figures["cpu"] if figures["cpu"] else 0
        print(
            f"| {fmt} | {events:,} | {figures['cpu']:.1f} | {rate:,.0f} | "
            f"{figures['rss_mib']:.0f} | {figures['wall']:.1f} |"
        )


if __name__ == "__main__":
    main()
