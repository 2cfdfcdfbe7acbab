"""The benchmark suite itself runs: every scenario gives a figure on a small generated data set.

This checks the harness (data set, scenarios, HTTP load, table), not speed: speeds are in
docs/benchmarks.md, measured by ``make bench`` on a quiet machine.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import Result, summarise, table  # noqa: E402
from bench.run import IN_PROCESS, OVER_HTTP  # noqa: E402

SIZE = 400


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[list[Result], str]:
    work = tmp_path_factory.mktemp("bench")
    env = {**os.environ, "DATABASE_URL": "", "REDIS_URL": ""}
    done = subprocess.run(
        [sys.executable, "bench/run.py", "--databases", "sqlite", "--sizes", str(SIZE),
         "--quick", "--no-doc", "--work-dir", str(work)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    return rows, done.stdout


def test_every_scenario_reports_a_figure(quick_run):
    rows, _ = quick_run
    names = {row.split(" | ")[0].removeprefix("| ").split(" (")[0] for row in rows[2:]}
    assert names == set(IN_PROCESS) | set(OVER_HTTP)
    # Every page scenario counted its queries, and each needed at least the session's.
    page_rows = [row for row in rows[2:] if row.split(" (")[0].removeprefix("| ") in IN_PROCESS]
    assert all(int(row.split(" | ")[6]) >= 1 for row in page_rows)
    assert all(f"| sqlite | {SIZE} |" in row for row in rows[2:])


def test_the_deep_page_walks_past_the_first(quick_run):
    _, out = quick_run
    assert f"deep_page (desk page {SIZE // 60})" in out
    assert f"deep_page (API page {SIZE // 60})" in out


def test_summary_statistics():
    stats = summarise([10.0, 20.0, 30.0, 40.0, 50.0])
    assert stats["median"] == 30.0
    assert stats["p95"] == pytest.approx(48.0)
    assert stats["spread"] == pytest.approx(20.0)  # p75 40 - p25 20


def test_table_marks_a_missed_target():
    result = Result("desk_queue", "sqlite", 1_000_000, samples=[60.0] * 5, queries=9,
                    target="p95 <= 50 ms", met=False, note="all, lead")  # fmt: skip
    assert table([result]).splitlines()[-1] == (
        "| desk_queue (all, lead) | sqlite | 1M | 60.0 ms | 60.0 ms | 0.0 ms | 9 "
        "| p95 <= 50 ms | **missed** |"
    )
