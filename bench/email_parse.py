"""The email parser timed: ``parse_message`` over the shared corpus of real messages.

    .venv/bin/python bench/email_parse.py [--rounds 30] [--corpus ../shared/corpus/email]

Standalone: parsing is pure (no database), so ``bench/run.py``'s per-database, per-size pages
have nowhere to put it. One round parses every complete message of the corpus (the ``*.eml``
files: 61 from six mail systems' test collections, bounces, HTML-only, PGP, broken MIME, eight
charsets) once, in a fixed order, after two rounds of warm-up. A round's rate is messages per
second; the figure is the median over the rounds, with the interquartile range as its spread.
Per-message times (milliseconds, every message of every round) show where the cost is.
Target: the issue's 100 messages a second is for the whole ingest (raw store, parse, ticket
committed); the parse alone should leave most of that budget: a median of at least 250 a second.
"""

import argparse
import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import ROOT, summarise  # noqa: E402
from servicedesk.channels.email.parsing import parse_message  # noqa: E402

TARGET_PER_SECOND = 250


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "email")
    args = parser.parse_args()
    paths = sorted((args.corpus / "messages").glob("*.eml"))
    if not paths:
        print(f"no messages under {args.corpus / 'messages'}", file=sys.stderr)
        return 2
    messages = [(path.name, path.read_bytes()) for path in paths]
    for _ in range(2):
        for _name, raw in messages:
            parse_message(raw)
    clock = time.perf_counter_ns
    rates: list[float] = []
    per_message: dict[str, list[float]] = {name: [] for name, _raw in messages}
    gc.disable()
    try:
        for _ in range(args.rounds):
            round_ns = 0
            for name, raw in messages:
                began = clock()
                parse_message(raw)
                spent = clock() - began
                round_ns += spent
                per_message[name].append(spent / 1e6)
            rates.append(len(messages) / (round_ns / 1e9))
    finally:
        gc.enable()
    rate = summarise(rates)
    every = summarise([ms for samples in per_message.values() for ms in samples])
    slowest = sorted(per_message.items(), key=lambda item: -summarise(item[1])["median"])[:3]
    size = sum(len(raw) for _name, raw in messages)
    met = rate["median"] >= TARGET_PER_SECOND
    print(
        f"parse_message over {len(messages)} messages ({size / 1024:.0f} KiB), {args.rounds} rounds"
    )
    print("| figure | median | p95 | spread |")
    print("| --- | --- | --- | --- |")
    print(f"| messages per second (per round) | {rate['median']:.0f} | | {rate['spread']:.0f} |")
    print(
        f"| ms per message | {every['median']:.2f} | {every['p95']:.2f} | {every['spread']:.2f} |"
    )
    for name, samples in slowest:
        print(f"| slowest: {name}, ms | {summarise(samples)['median']:.2f} | | |")
    print(f"target: median >= {TARGET_PER_SECOND}/s: {'met' if met else 'MISSED'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
