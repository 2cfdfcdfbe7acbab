"""The SLA arithmetic timed: due_at() and elapsed() on an office calendar with a year of holidays.

    .venv/bin/python bench/sla_calc.py [--samples 20000] [--seed 0]

Standalone: the arithmetic is pure, so there is no database and no data set, and the suite of
``bench/run.py`` (which runs each scenario per database and size) has nowhere to put it. The
calendar is Mon-Fri 09:00-12:00 and 13:00-17:00 in Europe/Berlin with the public holidays of
Bavaria and a few of the company's own (a half day among them). Starts spread over 2026 (nights,
weekends and holidays included), targets from a minute to ten working weeks, and ends of
``elapsed`` from minutes to months after their start. Times are per call, in microseconds, with
the year tables built (the first call in a year builds its table: that cost is printed apart).
Target: a median under 50 us for ``due_at``.
"""

import argparse
import gc
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import summarise  # noqa: E402
from servicedesk.sla.calendar import Calendar, calendar_from_dict  # noqa: E402
from servicedesk.sla.clock import due_at, elapsed  # noqa: E402
from servicedesk.sla.spans import year_spans  # noqa: E402

TARGET_MEDIAN_US = 50
OFFICE = {
    "timezone": "Europe/Berlin",
    "hours": {
        day: [["09:00", "12:00"], ["13:00", "17:00"]] for day in ("mon", "tue", "wed", "thu", "fri")
    },
    "holidays": [
        "2026-02-16",
        "2026-06-19",
        {"date": "2026-12-24", "hours": [["09:00", "12:00"]]},
        "2026-12-31",
    ],
    "country_holidays": {"country": "DE", "subdivision": "BY"},
}
TARGET_MINUTES = (1, 15, 60, 4 * 60, 8 * 60, 16 * 60, 40 * 60, 80 * 60, 160 * 60, 350 * 60)


def _starts(rng: random.Random, n: int) -> list[datetime]:
    year = datetime(2026, 1, 1, tzinfo=UTC)
    return [year + timedelta(seconds=rng.randrange(365 * 86_400)) for _ in range(n)]


def _time(call, cases) -> list[float]:
    """Microseconds per call, one sample per case."""
    clock = time.perf_counter_ns
    samples = []
    gc.disable()
    try:
        for case in cases:
            began = clock()
            call(*case)
            samples.append((clock() - began) / 1000)
    finally:
        gc.enable()
    return samples


def _cold_table_us(calendar: Calendar) -> float:
    year_spans.cache_clear()
    began = time.perf_counter_ns()
    year_spans(calendar, 2026)
    return (time.perf_counter_ns() - began) / 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    calendar = calendar_from_dict(OFFICE)
    cold_us = _cold_table_us(calendar)

    starts = _starts(rng, args.samples)
    targets = [timedelta(minutes=rng.choice(TARGET_MINUTES)) for _ in starts]
    due_cases = list(zip(starts, targets, strict=True))
    ends = [s + timedelta(minutes=rng.choice(TARGET_MINUTES) * 3) for s in starts]
    elapsed_cases = list(zip(starts, ends, strict=True))
    paused_cases = [
        (s, t, ((s + timedelta(hours=2), s + timedelta(hours=30)), (s + timedelta(days=3), None)))
        for s, t in due_cases
    ]

    def one_due(start, target):
        due_at(calendar=calendar, start=start, target=target)

    def one_elapsed(start, end):
        elapsed(calendar=calendar, start=start, end=end)

    def one_paused(start, target, pauses):
        due_at(calendar=calendar, start=start, target=target, pauses=pauses)

    for call, cases in ((one_due, due_cases), (one_elapsed, elapsed_cases)):
        _time(call, cases[:2000])  # warm up: year tables, caches, the interpreter
    rows = [
        ("due_at", _time(one_due, due_cases)),
        ("elapsed", _time(one_elapsed, elapsed_cases)),
        ("due_at, 2 pauses", _time(one_paused, paused_cases)),
    ]
    print(f"SLA arithmetic, {args.samples:,} calls each; microseconds per call")
    print("| computation | median | p95 | spread | target | met |")
    print("| --- | --- | --- | --- | --- | --- |")
    met_all = True
    for name, samples in rows:
        s = summarise(samples)
        target, met = "", ""
        if name == "due_at":
            met_all = s["median"] < TARGET_MEDIAN_US
            target, met = f"median < {TARGET_MEDIAN_US} us", "yes" if met_all else "**missed**"
        print(
            f"| {name} | {s['median']:.1f} | {s['p95']:.1f} | {s['spread']:.1f} | {target} | {met} |"
        )
    print(f"building one year's table (first call in a year): {cold_us:,.0f} us")
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main())
