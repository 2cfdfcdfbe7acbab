"""``make bench-peer``: django-helpdesk measured on the same tickets as servicedesk.

    .venv/bin/python bench/peer/run.py [--size 100000] [--samples 30] [--creates 2000]
                                       [--data-dir DIR] [--reload] [--python python3]

Runs in our virtual environment and drives the rest, each step skipped when its result is
already there:

1. ``var/bench/peer/venv``: a virtual environment of its own (the system ``python3``) with
   ``bench/peer/requirements.txt`` (django-helpdesk 2.6.1), installed again when that changes;
2. ``export.py`` (our venv): SIZE tickets as JSON lines, from DIR, else from ``make bench``'s
   data set of that size when it is there (``var/bench/sqlite-SIZE``), else generated;
3. ``load.py`` (the peer's venv): a django-helpdesk database of them, kept by size;
4. ``scenarios.py`` (the peer's venv): api_create, list_first_page, ticket_page and dashboard
   over HTTP on loopback.

The peer's results replace those of the same size in ``var/bench/results-peer.jsonl``, which
``make bench`` shows beside ours; their table is printed here.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Result, table  # noqa: E402
from bench.peer.export import scratch_dir, source_identity  # noqa: E402

VAR = ROOT / "var" / "bench"
PEER_VAR = VAR / "peer"
VENV = PEER_VAR / "venv"
PEER_PYTHON = VENV / "bin" / "python"
REQUIREMENTS = HERE / "requirements.txt"
RESULTS = VAR / "results-peer.jsonl"


def peer_version() -> str:
    for line in REQUIREMENTS.read_text().splitlines():
        if line.startswith("django-helpdesk=="):
            return line.split("==", 1)[1].strip()
    return "(unpinned)"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _run(
    what: str, command: list, *, env: dict[str, str] | None = None, capture: bool = False
) -> str:
    completed = subprocess.run(
        [str(part) for part in command],
        env=env if env is not None else os.environ.copy(),
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench-peer: {what} failed (exit status {completed.returncode})")
    return completed.stdout or ""


def _load() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews the figures."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def ensure_venv(python: str) -> None:
    """The peer's own virtual environment with its pinned requirements (once per change)."""
    stamp = VENV / ".installed"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == wanted and PEER_PYTHON.exists():
        return
    if not PEER_PYTHON.exists():
        if shutil.which(python) is None:
            raise SystemExit(f"bench-peer: no {python} to make the peer's virtual environment")
        say(f"== making {shown(VENV)} ==")
        _run("making the venv", [python, "-m", "venv", VENV])
    say("== installing django-helpdesk and its pinned requirements ==")
    pip = [PEER_PYTHON, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run("pip install", [*pip, "-r", REQUIREMENTS])
    stamp.write_text(wanted + "\n")


def choose_source(size: int, data_dir: Path | None) -> tuple[Path, bool]:
    """Where the tickets come from, and whether the exporter generates them there itself."""
    if data_dir is not None:
        return data_dir.resolve(), False
    made = VAR / f"sqlite-{size}"
    if (made / "dataset.json").is_file():
        return made, False
    return scratch_dir(size), True


def ensure_export(size: int, source: Path, generate: bool, until: str | None) -> Path:
    out = PEER_VAR / f"tickets-{size}.jsonl"
    meta = out.with_suffix(".json")
    if out.exists() and meta.exists() and not (generate and until):
        had = json.loads(meta.read_text())
        if {k: had.get(k) for k in ("source", "marker")} == source_identity(source):
            return out
    say(f"== exporting {size:,} tickets from {shown(source)} ==")
    env = os.environ.copy()
    for name in ("SERVICEDESK_DATA_DIR", "DATABASE_URL", "SERVICEDESK_SQLITE_PATH"):
        env.pop(name, None)
    if not generate:
        env["SERVICEDESK_DATA_DIR"] = str(source)
    command = [ROOT / ".venv" / "bin" / "python", HERE / "export.py", "--size", size, "--out", out]
    _run("export.py", command + (["--until", until] if until else []), env=env)
    return out


def ensure_loaded(size: int, tickets: Path, reload: bool) -> Path:
    db = PEER_VAR / f"helpdesk-{size}.sqlite3"
    meta = db.with_suffix(".json")
    exported = json.loads(tickets.with_suffix(".json").read_text())
    wanted = {k: exported[k] for k in ("source", "marker", "size")}
    loaded = json.loads(meta.read_text()) if db.exists() and meta.exists() else {}
    if not reload and loaded.get("export") == wanted:
        return db
    say(f"== loading {size:,} tickets into django-helpdesk ==")
    _run("load.py", [PEER_PYTHON, HERE / "load.py", "--tickets", tickets, "--db", db])
    return db


def save(results: list[Result]) -> None:
    """Replace the results of this size in RESULTS, keep the others."""
    mine = {(r.scenario, r.database, r.size) for r in results}
    kept = []
    if RESULTS.exists():
        for line in RESULTS.read_text().splitlines():
            if line.strip():
                old = Result.from_json(line)
                if (old.scenario, old.database, old.size) not in mine:
                    kept.append(old)
    RESULTS.write_text("".join(r.to_json() + "\n" for r in kept + results))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="tickets (default 100,000)")
    parser.add_argument("--samples", type=int, default=30, help="timed requests per page")
    parser.add_argument("--creates", type=int, default=2000, help="tickets api_create posts")
    parser.add_argument("--data-dir", type=Path, help="a desk of generated tickets to export")
    parser.add_argument("--until", help="generating: where the history ends (ISO 8601)")
    parser.add_argument("--reload", action="store_true", help="load the peer's database again")
    parser.add_argument("--python", default="python3", help="makes the peer's venv")
    args = parser.parse_args(argv)
    if not 100 <= args.size <= 10_000_000:
        parser.exit(2, f"bench-peer: --size must be from 100 to 10,000,000, not {args.size}\n")
    if args.samples < 1 or args.creates < 1:
        parser.exit(2, "bench-peer: --samples and --creates must be at least 1\n")
    if args.data_dir is not None and not args.data_dir.is_dir():
        parser.exit(2, f"bench-peer: --data-dir {args.data_dir} is not a directory\n")
    started = time.monotonic()
    say(f"bench-peer: load average {_load()} at the start")
    PEER_VAR.mkdir(parents=True, exist_ok=True)
    ensure_venv(args.python)
    source, generate = choose_source(args.size, args.data_dir)
    tickets = ensure_export(args.size, source, generate, args.until)
    db = ensure_loaded(args.size, tickets, args.reload)
    out = _run(
        "scenarios.py",
        [PEER_PYTHON, HERE / "scenarios.py", "--db", db, "--tickets", tickets,
         "--samples", args.samples, "--creates", args.creates],
        capture=True,
    )  # fmt: skip
    results = [Result.from_json(line) for line in out.splitlines() if line.startswith("{")]
    save(results)
    print(f"django-helpdesk {peer_version()} on SQLite, {args.size:,} tickets:\n")
    print(table(results))
    say(
        f"bench-peer: {len(results)} results in {shown(RESULTS)}; "
        f"{time.monotonic() - started:.0f}s in all; load average {_load()} at the end"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
