"""The benchmark suite: ``make bench`` runs it all, ``make bench ONLY=desk_queue`` one scenario.

    .venv/bin/python bench/run.py [--databases sqlite,postgres] [--sizes 100000,1000000]
                                  [--only SCENARIO ...] [--samples 30] [--no-doc]

For each database and size it makes (once) a generated data set with ``servicedesk
generate-tickets`` and keeps it under ``var/bench/`` (PostgreSQL: a database ``bench_<size>``
on the server ``BENCH_POSTGRES_URL`` names), brought up to date with ``migrate`` before each
run. A data set is made again when the generator's code changes. Then it runs:

- the in-process scenarios of ``bench/scenarios.py`` (desk queues, API lists, a deep page, the
  ticket page, text search, the dashboard, the portal list, the reports) at every size;
- ``api_create``: tickets created through the REST API over HTTP, gunicorn on loopback with 2
  workers, 4 concurrent clients, into a copy of the smallest data set;
- ``worker_memory``: one gunicorn worker's resident memory after 1,000 requests of a mix of
  pages and API calls, at the largest size.

It prints one table and appends it, with the date and the machine, to ``docs/benchmarks.md``;
when ``make bench-peer`` has left ``var/bench/results-peer.jsonl``, the peer's figures are
shown beside ours with the ratio.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, Result, append_to_doc, check_target, peer_table, table  # noqa: E402
from bench.httpload import Request, children, rss_mib, serve, throughput  # noqa: E402

VAR = ROOT / "var" / "bench"  # data sets and results; --work-dir moves it
PYTHON = ROOT / ".venv" / "bin" / "python"
SERVICEDESK = ROOT / ".venv" / "bin" / "servicedesk"
GENERATOR = ROOT / "servicedesk" / "tickets" / "generate"
PEER_RESULTS = VAR / "results-peer.jsonl"
IN_PROCESS = (
    "desk_queue", "desk_queue_filtered", "api_list", "deep_page", "ticket_page", "text_search",
    "dashboard", "portal_list", "reports",
)  # fmt: skip
OVER_HTTP = ("api_create", "worker_memory")
CREATES = 2000
MEMORY_REQUESTS = 1000
QUICK = {"samples": 2, "creates": 100, "memory_requests": 60}  # --quick: the harness, not figures
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
# The peer's scenarios and the one of ours each is compared with: (scenario, note).
PEER_PAIRS = {
    "api_create": ("api_create", None),
    "list_first_page": ("desk_queue", "open, lead"),  # their default list: open tickets
    "ticket_page": ("ticket_page", "200 events, 50 comments"),
    "dashboard": ("dashboard", "lead, sees all"),
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def generator_fingerprint() -> str:
    """Changes when the generator's code or profile changes: then data sets are made again."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.rglob("*")):
        if path.suffix in (".py", ".json"):
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


class Dataset:
    """A generated data set on one database: where it is and how to make or copy it."""

    def __init__(self, database: str, size: int, postgres_url: str, var: Path):
        self.database, self.size = database, size
        self.admin_url = postgres_url
        self.var = var
        self.dir = var / f"{database}-{size}"
        self.marker = self.dir / "dataset.json"

    @property
    def db_name(self) -> str:
        return f"bench_{self.size}"

    def env(self, *, db_name: str | None = None, data_dir: Path | None = None) -> dict[str, str]:
        env = {
            "SERVICEDESK_DATA_DIR": str(data_dir or self.dir),
            "SERVICEDESK_DEBUG": "0",
            "DATABASE_URL": "",
            "REDIS_URL": "",
        }
        if self.database == "postgres":
            env["DATABASE_URL"] = _with_db(self.admin_url, db_name or self.db_name)
        return env

    def ready(self) -> bool:
        if not self.marker.exists():
            return False
        made = json.loads(self.marker.read_text())
        if made.get("fingerprint") != generator_fingerprint():
            return False
        return self.database != "postgres" or _pg_exists(self.admin_url, self.db_name)

    def make(self) -> None:
        if self.ready():
            _manage(["migrate", "--noinput", "-v", "0"], self.env())
            _bench(["--prepare"], self.env())
            return
        say(f"== making the {self.database} data set of {self.size:,} tickets ==")
        if self.dir.exists():
            shutil.rmtree(self.dir)
        self.dir.mkdir(parents=True)
        if self.database == "postgres":
            _pg(self.admin_url, f'DROP DATABASE IF EXISTS "{self.db_name}"')
            _pg(self.admin_url, f'CREATE DATABASE "{self.db_name}"')
        started = time.monotonic()
        _manage(["migrate", "--noinput", "-v", "0"], self.env())
        _manage(["generate-tickets", str(self.size), "--seed", "0"], self.env())
        _bench(["--prepare"], self.env())
        seconds = time.monotonic() - started
        self.marker.write_text(json.dumps({
            "size": self.size, "fingerprint": generator_fingerprint(), "seconds": round(seconds),
        }))  # fmt: skip

    @contextmanager
    def copy(self):
        """A throw-away copy for scenarios that write (the data set itself stays as made)."""
        if self.database == "postgres":
            name = f"bench_copy_{uuid.uuid4().hex[:8]}"
            _pg(self.admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{self.db_name}"')
            try:
                yield self.env(db_name=name, data_dir=self.dir)
            finally:
                _pg(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        with tempfile.TemporaryDirectory(dir=self.var, prefix="copy-") as tmp:
            for path in self.dir.iterdir():
                if path.is_file():
                    shutil.copy2(path, tmp)
            yield self.env(data_dir=Path(tmp))


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _pg(url: str, sql: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else ""


def _pg_exists(url: str, name: str) -> bool:
    return bool(_pg(url, f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def postgres_reachable(url: str) -> bool:
    try:
        _pg(url, "SELECT 1")
        return True
    except Exception as exc:  # any failure means: not here
        say(
            f"PostgreSQL at {urlsplit(url).hostname} is not reachable ({exc.__class__.__name__}); skipped"
        )
        return False


def _run(command: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    completed = subprocess.run(
        command, env={**os.environ, **env}, cwd=ROOT, text=True,
        stdout=subprocess.PIPE if capture else None,
    )  # fmt: skip
    if completed.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command[:3])} ... failed ({completed.returncode})")
    return completed.stdout or ""


def _manage(args: list[str], env: dict[str, str]) -> str:
    return _run([str(SERVICEDESK), *args], env)


def _bench(args: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    return _run([str(PYTHON), str(ROOT / "bench" / "scenarios.py"), *args], env, capture=capture)


def in_process(ds: Dataset, only: list[str], samples: int) -> list[Result]:
    names = [n for n in IN_PROCESS if not only or n in only]
    if not names:
        return []
    say(f"== {ds.database}, {ds.size:,} tickets: {', '.join(names)} ==")
    out = _bench(
        ["--database", ds.database, "--size", str(ds.size), "--samples", str(samples),
         "--only", *names], ds.env(), capture=True,
    )  # fmt: skip
    return [Result.from_json(line) for line in out.splitlines() if line.startswith("{")]


def _credentials(env: dict[str, str]) -> dict[str, str]:
    return json.loads(_bench(["--credentials"], env, capture=True))


def _create_body(i: int) -> bytes:
    return json.dumps({
        "kind": "incident",
        "title": f"Benchmark ticket {i}: VPN drops every few minutes",
        "description": "Raised by the benchmark suite through the REST API.",
        "impact": 2, "urgency": 2,
    }).encode()  # fmt: skip


def api_create(ds: Dataset, *, creates: int = CREATES) -> Result:
    say(f"== {ds.database}, {ds.size:,} tickets: api_create ({creates} tickets, 4 clients) ==")
    with ds.copy() as env:
        who = _credentials(env)
        headers = (("Authorization", f"Bearer {who['token']}"),
                   ("Content-Type", "application/json"))  # fmt: skip
        with serve(python=PYTHON, app="config.wsgi", env=env, workers=2, cwd=ROOT) as (port, _):
            warm = [
                Request("POST", "/api/v1/tickets/", _create_body(i), headers) for i in range(50)
            ]
            throughput(port, warm, clients=4)
            work = [Request("POST", "/api/v1/tickets/", _create_body(i), headers)
                    for i in range(creates)]  # fmt: skip
            load = throughput(port, work, clients=4)
    if set(load.statuses) != {201}:
        raise SystemExit(f"bench: api_create answers were {load.statuses}, not all 201")
    result = Result(
        scenario="api_create", database=ds.database, size=ds.size, samples=load.latencies_ms,
        unit="tickets/s", value=load.rate, note="HTTP, 2 workers, 4 clients",
    )  # fmt: skip
    return check_target(result, at_least=500)


def worker_memory(ds: Dataset, *, requests: int = MEMORY_REQUESTS) -> Result:
    """One worker's resident memory after a thousand requests of the everyday mix."""
    say(f"== {ds.database}, {ds.size:,} tickets: worker_memory ({requests} requests) ==")
    env = ds.env()
    who = _credentials(env)
    api = (("Authorization", f"Bearer {who['token']}"),)
    desk = (("Cookie", f"sessionid={who['session']}"),)
    mix = [
        Request("GET", "/desk/tickets/?queue=all", headers=desk),
        Request("GET", "/desk/tickets/?queue=open&priority=2", headers=desk),
        Request("GET", "/desk/tickets/?queue=all&q=printer", headers=desk),
        Request("GET", "/api/v1/tickets/", headers=api),
        Request("GET", "/api/v1/tickets/?is_open=true&page_size=100", headers=api),
        Request("GET", "/api/v1/tickets/?q=outlook", headers=api),
    ]
    with serve(python=PYTHON, app="config.wsgi", env=env, workers=1, cwd=ROOT) as (port, master):
        worker = _worker_of(master.pid)
        throughput(port, mix[:1], clients=1)
        started = rss_mib(worker)
        throughput(port, [mix[i % len(mix)] for i in range(requests)], clients=2)
        after = rss_mib(worker)
    result = Result(
        scenario="worker_memory", database=ds.database, size=ds.size, samples=[started, after],
        unit="MiB", value=after, note=f"RSS after {requests} requests; {started:.0f} MiB at start",
    )  # fmt: skip
    return check_target(result, at_most=80)


def _as_peer(results: list[Result]) -> list[Result]:
    """Our results under the names of the peer's scenarios they compare with."""
    out = []
    for name, (scenario, note) in PEER_PAIRS.items():
        for r in results:
            if r.scenario == scenario and (note is None or r.note == note):
                out.append(Result(**{**r.__dict__, "scenario": name}))
    return out


def _worker_of(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = children(master)
        if found:
            return found[0]
        time.sleep(0.1)
    raise SystemExit("bench: gunicorn started no worker within 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--no-doc", action="store_true", help="print only; leave the docs alone")
    parser.add_argument("--quick", action="store_true", help="few samples: checks the harness")
    parser.add_argument("--datasets-only", action="store_true", help="make the data sets, no runs")
    parser.add_argument("--work-dir", type=Path, default=VAR, help="where data sets are kept")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    )
    args = parser.parse_args()
    known = set(IN_PROCESS) | set(OVER_HTTP)
    unknown = [n for n in args.only if n not in known]
    if unknown:
        parser.exit(
            2, f"bench: unknown scenario {unknown[0]!r}; known: {', '.join(sorted(known))}\n"
        )
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.exit(
            2, f"bench: --sizes takes whole numbers separated by commas, not {args.sizes!r}\n"
        )
    if not sizes or min(sizes) < 100:
        parser.exit(2, "bench: every size must be at least 100 tickets\n")
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    if set(databases) - {"sqlite", "postgres"}:
        parser.exit(2, "bench: --databases takes sqlite, postgres or both\n")
    if "postgres" in databases and not postgres_reachable(args.postgres_url):
        databases.remove("postgres")
    var = args.work_dir.resolve()
    var.mkdir(parents=True, exist_ok=True)
    quick = QUICK if args.quick else {}
    samples = quick.get("samples", args.samples)
    started = time.monotonic()
    results: list[Result] = []
    wanted = set(args.only) or known
    for database in databases:
        sets = [Dataset(database, size, args.postgres_url, var) for size in sizes]
        for ds in sets:
            ds.make()
        if args.datasets_only:
            continue
        for ds in sets:
            results += in_process(ds, args.only, samples)
        if "api_create" in wanted:
            results.append(api_create(sets[0], creates=quick.get("creates", CREATES)))
        if "worker_memory" in wanted:
            requests = quick.get("memory_requests", MEMORY_REQUESTS)
            results.append(worker_memory(sets[-1], requests=requests))
    if args.datasets_only:
        say(f"bench: data sets ready in {time.monotonic() - started:.0f}s")
        return 0
    body = table(results)
    print(body)
    peer_results = var / PEER_RESULTS.name
    if peer_results.exists():
        theirs = [Result.from_json(line) for line in peer_results.read_text().splitlines() if line]
        beside = peer_table(_as_peer(results), theirs)
        if beside.count("\n") > 1:
            print("\nBeside django-helpdesk (make bench-peer):\n")
            print(beside)
            body += "\n\nBeside django-helpdesk (from `make bench-peer`):\n\n" + beside
    say(f"bench: {len(results)} results in {time.monotonic() - started:.0f}s")
    if not args.no_doc:
        missed = sum(1 for r in results if r.met is False)
        title = "make bench" + (f" ({', '.join(args.only)})" if args.only else "")
        append_to_doc(title, body + f"\n\n{missed} of {len(results)} figures missed their target.")
        say("bench: appended to docs/benchmarks.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
