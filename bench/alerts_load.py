"""Monitoring alerts over HTTP: 10,000 notifications from 20 alerts, several senders at once.

    .venv/bin/python bench/alerts_load.py [--notifications 10000] [--senders 8] [--workers 3]
        [--port 8110] [--database-url postgres://...] [--doc]

Migrates a fresh database (SQLite in a temporary directory, or the PostgreSQL database named
by --database-url, which must be empty), sets up four alert sources (Alertmanager, PagerDuty
Events v2, Zabbix, generic JSON) of five alerts each, and runs gunicorn on loopback. Then:

1. the load: all but 20 of the notifications, from ``--senders`` threads sharing one work
   list, so that one alert's notifications arrive on several connections at once (its very
   first trigger included). Each alert fires, repeats, is acknowledged (PagerDuty, Zabbix)
   or has one member of its group resolve while the group still fires (Alertmanager); the
   generic source also gets resolves for alerts that never fired (recorded, not filed);
2. the recoveries: one resolve per alert.

It checks that every notification was answered 202 and stored, that there are exactly 20
incidents, one per alert key, none duplicated, each with as many occurrences as its alert
fired, and all resolved by their source at the end. It prints p50/p99 receiver latency and
throughput of the load phase; ``--doc`` appends them to docs/benchmarks.md.
"""

import argparse
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import machine, percentile  # noqa: E402
from bench.httpload import Request, _wait_for, throughput  # noqa: E402

PYTHON = Path(sys.executable)
KINDS = ("alertmanager", "pagerduty_events_v2", "zabbix", "generic")
PER_SOURCE = 5


def alert_names() -> list[tuple[str, int]]:
    return [(kind, n) for kind in KINDS for n in range(PER_SOURCE)]


def body(kind: str, n: int, what: str) -> dict:
    """One notification of alert ``n`` of a ``kind`` source: trigger, ack, partial or resolve."""
    host, service = f"{kind[:4]}-host-{n:02d}", f"{kind[:4]}-svc-{n:02d}"
    if kind == "alertmanager":
        members = []
        for i in range(2):
            status = (
                "resolved" if (what == "resolve" or (what == "partial" and i == 1)) else "firing"
            )
            members.append({
                "status": status,
                "labels": {"alertname": f"HighLatency{n}", "instance": f"{host}-{i}:9100", "job": service, "severity": "critical"},
                "annotations": {"description": f"latency high on {host}-{i}"},
                "startsAt": "2026-12-04T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
                "fingerprint": f"{n:08x}{i:08x}",
            })  # fmt: skip
        return {
            "version": "4", "groupKey": f'{{}}:{{alertname="HighLatency{n}"}}', "receiver": "desk",
            "status": "resolved" if what == "resolve" else "firing", "alerts": members,
            "groupLabels": {"alertname": f"HighLatency{n}"},
            "commonLabels": {"alertname": f"HighLatency{n}", "job": service, "severity": "critical"},
            "commonAnnotations": {}, "externalURL": "http://alertmanager.example.com",
        }  # fmt: skip
    if kind == "pagerduty_events_v2":
        action = {"trigger": "trigger", "ack": "acknowledge", "resolve": "resolve"}[what]
        event = {"routing_key": "0" * 32, "dedup_key": f"pd-{n}", "event_action": action}
        if action == "trigger":
            event["payload"] = {
                "summary": f"Disk full on {host}",
                "source": host,
                "component": service,
                "severity": "error",
            }
        return event
    if kind == "zabbix":
        return {
            "eventid": str(9000 + n), "eventname": f"Problem: Agent unreachable on {host}",
            "eventvalue": "0" if what == "resolve" else "1", "eventupdate": "1" if what == "ack" else "0",
            "eventack": "Yes" if what == "ack" else "No", "hostname": host, "severity": "4",
            "eventtags": f"service:{service}",
        }  # fmt: skip
    status = {"trigger": "firing", "resolve": "resolved", "ghost": "resolved"}[what]
    key = f"ghost-{random.randrange(10**9)}" if what == "ghost" else f"gen-{n}"
    return {
        "id": key,
        "title": f"Queue backlog on {host}",
        "host": host,
        "service": service,
        "status": status,
        "severity": "warning",
    }


def workload(total: int, seed: int = 7) -> tuple[list[tuple[str, int, str]], Counter]:
    """The load phase's notifications (kind, n, what) and the firing ones per alert.

    It starts with every alert's trigger twice over, so that the first deliveries of each key
    race each other on different connections; the rest is shuffled.
    """
    rng = random.Random(seed)
    names = alert_names()
    size = total - len(names)  # the recoveries come after
    firsts = [(kind, n, "trigger") for kind, n in names] * 2
    mixed = {
        "alertmanager": "partial",
        "pagerduty_events_v2": "ack",
        "zabbix": "ack",
        "generic": "ghost",
    }
    rest = []
    per_alert = (size - len(firsts)) // len(names)
    for kind, n in names:
        rest += [(kind, n, mixed[kind] if i % 10 == 9 else "trigger") for i in range(per_alert)]
    rest += [("generic", 0, "ghost")] * (size - len(firsts) - len(rest))
    rng.shuffle(rest)
    load = firsts + rest
    fires = Counter((k, n) for k, n, w in load if w in ("trigger", "partial"))
    return load, fires


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path):
    out = log.open("ab")
    process = subprocess.Popen(
        [str(PYTHON), "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--keep-alive", "30",
         "--access-logfile", "/dev/null", "--log-level", "warning"],
        env={**os.environ, **env}, cwd=ROOT, stdout=out, stderr=out, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(port, process, 60)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        out.close()


def free_port(first: int) -> int:
    for port in range(first, first + 10):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise SystemExit(f"bench: no free port in {first}-{first + 9}")


def setup(env: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Migrate and make the sources; {kind: (slug, token)}."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from servicedesk.accounts.models import SupportGroup
    from servicedesk.channels.alerts.models import AlertSource
    from servicedesk.channels.alerts.services import alert_source_save

    SupportGroup.objects.get_or_create(name="Service Desk")
    sources = {}
    for kind in KINDS:
        slug = kind.replace("_", "-")
        _, token = alert_source_save(
            source=AlertSource(), values={"name": kind, "slug": slug, "kind": kind}, new_token=True
        )
        sources[kind] = (slug, token)
    return sources


def request(sources, kind: str, n: int, what: str) -> Request:
    slug, token = sources[kind]
    raw = json.dumps(body(kind, n, what)).encode()
    return Request(
        "POST",
        f"/api/v1/alerts/{slug}/",
        raw,
        (("Content-Type", "application/json"), ("X-Alert-Token", token)),
    )


def check(expected_fires: Counter, notifications: int) -> list[str]:
    from django.db import connection
    from django.db.models import Count

    from servicedesk.channels.alerts.models import Alert, AlertDelivery
    from servicedesk.tickets.models import Ticket

    connection.close()
    problems = []
    deliveries = AlertDelivery.objects.count()
    states = dict(AlertDelivery.objects.values_list("state").annotate(n=Count("id")))
    if deliveries != notifications:
        problems.append(f"{deliveries} deliveries stored for {notifications} notifications")
    if set(states) != {"processed"}:
        problems.append(f"delivery states {states}")
    tickets = Ticket.objects.filter(channel="monitoring")
    if tickets.count() != 20:
        problems.append(f"{tickets.count()} incidents, not 20")
    per_key = Alert.objects.values("source__kind", "key").annotate(
        episodes=Count("id"), incidents=Count("ticket", distinct=True)
    )
    for row in per_key:
        if row["episodes"] != 1 or row["incidents"] != 1:
            problems.append(
                f"{row['source__kind']} {row['key']}: {row['episodes']} episodes, {row['incidents']} incidents"
            )
    if Alert.objects.values("ticket").annotate(n=Count("id")).filter(n__gt=1).exists():
        problems.append("an incident holds two alerts")
    if len(per_key) != 20:
        problems.append(f"{len(per_key)} alert keys, not 20")
    for alert in Alert.objects.select_related("source", "ticket"):
        n = (
            int(alert.title.split("-")[-1])
            if alert.source.kind != "alertmanager"
            else int(alert.key.split("HighLatency")[1].split('"')[0])
        )
        want = expected_fires[(alert.source.kind, n)]
        if alert.occurrences != want:
            problems.append(
                f"{alert.key}: {alert.occurrences} occurrences, {want} firing notifications sent"
            )
        if alert.ticket.state != "resolved" or alert.ticket.resolved_by_id is not None:
            problems.append(f"{alert.ticket.number} is {alert.ticket.state} at the end")
    return problems


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8110, help="first of ten ports to try")
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--doc", action="store_true", help="append the figures to docs/benchmarks.md"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alerts-bench-") as data:
        env = {
            "SERVICEDESK_DATA_DIR": data,
            "SERVICEDESK_DEBUG": "0",
            "DATABASE_URL": args.database_url,
            "REDIS_URL": "",
        }
        sources = setup(env)
        load, fires = workload(args.notifications)
        recoveries = [request(sources, kind, n, "resolve") for kind, n in alert_names()]
        work = [request(sources, *item) for item in load]
        port = free_port(args.port)
        before = load_average()
        with gunicorn(env, port, args.workers, Path(data) / "gunicorn.log") as server:
            started = time.perf_counter()
            main_load = throughput(port, work, clients=args.senders)
            ends = throughput(port, recoveries, clients=args.senders)
            seconds = time.perf_counter() - started
            server_cpu = _cpu_seconds(server.pid)
        after = load_average()
        statuses = Counter(main_load.statuses) + Counter(ends.statuses)
        problems = [] if set(statuses) == {202} else [f"answers {dict(statuses)}"]
        problems += check(fires, args.notifications)
        latencies = main_load.latencies_ms + ends.latencies_ms
        database = "PostgreSQL" if args.database_url else "SQLite"
        figures = {
            "database": database,
            "notifications": len(latencies),
            "senders": args.senders,
            "workers": args.workers,
            "seconds": round(seconds, 1),
            "per_second": round(len(latencies) / seconds, 1),
            "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies), 1),
            "server_cpu_s": round(server_cpu, 1) if server_cpu is not None else None,
            "load_before": before,
            "load_after": after,
            "problems": problems,
        }
        print(json.dumps(figures, indent=2))
        if args.doc:
            _append(figures)
        ok = not problems and seconds <= 60 and figures["p99_ms"] < 200
        return 0 if ok else 1


def _cpu_seconds(master: int) -> float | None:
    """User + system CPU of gunicorn's workers so far (from /proc), seconds."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    pids = [master] + [
        int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()
    ]
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _append(f: dict) -> None:
    from bench.common import git_revision

    line = (
        f"| {time.strftime('%Y-%m-%d')} | {f['database']} | {f['notifications']:,} | {f['senders']} | "
        f"{f['workers']} | {f['seconds']} s | {f['per_second']}/s | {f['p50_ms']} ms | {f['p99_ms']} ms | "
        f"{f['server_cpu_s']} s | {f['load_before']} → {f['load_after']} | "
        f"{'none' if not f['problems'] else '; '.join(f['problems'])} |"
    )
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text()
    heading = "## Monitoring alerts over HTTP (bench/alerts_load.py)"
    if heading not in text:
        text += (
            f"\n{heading}\n\n10,000 notifications from 20 alerts (4 sources × 5) over HTTP on loopback, "
            "gunicorn sync workers, the senders sharing one work list; then one resolve per alert. "
            "Checked: every notification answered 202 and stored, 20 incidents, one per key, "
            "occurrences = firing notifications, all resolved by their source. Target: within 60 s, "
            "p99 < 200 ms on SQLite.\n\n"
            f"Machine: {machine()}. Revision {git_revision()}.\n\n"
            "| date | database | notifications | senders | workers | wall | throughput | p50 | p99 | "
            "server CPU | load average (1/5/15 min) before → after | problems |\n"
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        )
    path.write_text(text.rstrip("\n") + "\n" + line + "\n")


if __name__ == "__main__":
    sys.exit(main())
