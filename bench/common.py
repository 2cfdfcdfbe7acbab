"""What every benchmark shares: one result shape, its statistics, the table and the machine.

Standard library only, so the peer's scripts (which run in django-helpdesk's own virtual
environment) report in the same shape as ours. A scenario produces a ``Result``: the samples it
timed (milliseconds per request, or another unit it names) and the SQL queries one request ran.
"""

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DOC = ROOT / "docs" / "benchmarks.md"


@dataclass
class Result:
    """One scenario at one size on one database.

    ``samples`` are per-request times in ms, unless ``unit`` says otherwise (``tickets/s``,
    ``MiB``): then the figure is ``value`` and the samples are what it was computed from.
    """

    scenario: str
    database: str
    size: int
    samples: list[float] = field(default_factory=list)
    queries: int | None = None
    unit: str = "ms"
    value: float | None = None
    target: str = ""  # e.g. "p95 <= 50 ms"
    met: bool | None = None
    note: str = ""
    system: str = "servicedesk"  # or "django-helpdesk"

    def stats(self) -> dict[str, float]:
        return summarise(self.samples)

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> "Result":
        return cls(**json.loads(line))


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile, linear between the closest ranks (as numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarise(samples: list[float]) -> dict[str, float]:
    """Median, p95 and spread (the interquartile range, p75 - p25) of ``samples``."""
    if not samples:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "spread": float("nan")}
    return {
        "n": len(samples),
        "median": statistics.median(samples),
        "p95": percentile(samples, 95),
        "spread": percentile(samples, 75) - percentile(samples, 25),
    }


def check_target(
    result: Result,
    *,
    p95_ms: float | None = None,
    at_least: float | None = None,
    at_most: float | None = None,
) -> Result:
    """Fill ``target`` and ``met``: a p95 ceiling for timings, or a floor/ceiling on ``value``."""
    if p95_ms is not None:
        result.target = f"p95 <= {p95_ms:g} ms"
        result.met = result.stats()["p95"] <= p95_ms
    elif at_least is not None:
        result.target = f">= {at_least:g} {result.unit}"
        result.met = result.value is not None and result.value >= at_least
    elif at_most is not None:
        result.target = f"<= {at_most:g} {result.unit}"
        result.met = result.value is not None and result.value <= at_most
    return result


def _size(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def _figure(x: float | None) -> str:
    if x is None or x != x:  # None or NaN
        return "-"
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.1f}"


def table(results: list[Result]) -> str:
    """The results as one Markdown table (readable as plain text too)."""
    head = ("scenario", "db", "size", "median", "p95", "spread", "queries", "target", "met")
    rows = [head, tuple("---" for _ in head)]
    for r in results:
        s = r.stats()
        if r.value is not None:
            median, p95, spread = f"{_figure(r.value)} {r.unit}", "-", "-"
        else:
            median, p95, spread = (f"{_figure(s[k])} ms" for k in ("median", "p95", "spread"))
        met = "" if r.met is None else ("yes" if r.met else "**missed**")
        name = r.scenario if not r.note else f"{r.scenario} ({r.note})"
        rows.append(
            (
                name,
                r.database,
                _size(r.size),
                median,
                p95,
                spread,
                "-" if r.queries is None else str(r.queries),
                r.target,
                met,
            )
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def peer_table(ours: list[Result], theirs: list[Result]) -> str:
    """Our figure beside django-helpdesk's for the scenarios both ran, and the ratio."""
    head = ("scenario", "db", "size", "servicedesk", "django-helpdesk", "ratio")
    rows = [head, tuple("---" for _ in head)]
    mine = {(r.scenario, r.database, r.size): r for r in ours}
    for peer in theirs:
        us = mine.get((peer.scenario, peer.database, peer.size))
        if us is None:
            continue
        if us.value is not None:  # a throughput: higher is better
            a, b, unit = us.value, peer.value or float("nan"), us.unit
            ratio = a / b if b else float("nan")
            rows.append(
                (
                    us.scenario,
                    us.database,
                    _size(us.size),
                    f"{_figure(a)} {unit}",
                    f"{_figure(b)} {unit}",
                    f"{ratio:.1f}x more",
                )
            )
        else:  # a time: lower is better
            a, b = us.stats()["median"], peer.stats()["median"]
            ratio = b / a if a else float("nan")
            rows.append(
                (
                    us.scenario,
                    us.database,
                    _size(us.size),
                    f"{_figure(a)} ms",
                    f"{_figure(b)} ms",
                    f"{ratio:.1f}x faster",
                )
            )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine() -> str:
    """One line on where the figures come from: CPU, cores, memory, Python, OS."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores{memory}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()}"
    )


def git_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def append_to_doc(title: str, body: str, *, path: Path = RESULTS_DOC) -> None:
    """Add a dated section (date, machine, revision, then ``body``) to the end of ``path``."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"\n## {title}: {stamp}\n\nMachine: {machine()}. Revision {git_revision()}.\n\n{body}\n"
    )
    with path.open("a", encoding="utf-8") as out:
        out.write(section)


def emit(result: Result, stream=None) -> None:
    """Write one result as a JSON line (how a scenario process hands results back)."""
    print(result.to_json(), file=stream or sys.stdout, flush=True)


@contextmanager
def fresh_sqlite_desk(prefix: str) -> Iterator[None]:
    """This process set up on a new, migrated SQLite desk in a temporary folder (removed after):
    for the in-process benchmarks that build their own data."""
    with tempfile.TemporaryDirectory(prefix=prefix) as data:
        os.environ.update(SERVICEDESK_DATA_DIR=data, DATABASE_URL="", REDIS_URL="")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        yield
