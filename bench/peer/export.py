"""Write generated servicedesk tickets as JSON lines, for django-helpdesk's loader.

    .venv/bin/python bench/peer/export.py --size 100000 --out var/bench/peer/tickets-100000.jsonl

Runs in our virtual environment with our settings. With ``SERVICEDESK_DATA_DIR`` set, it reads
the first SIZE generated tickets (those of the ``gen-`` requesters, in id order) of that desk,
which must hold that many: ``make bench``'s data set, for one. Without it, it first generates
SIZE tickets with ``generate-tickets``' own code (seed 0, history ending now or at --until)
into ``var/bench/peer/source-SIZE/``, reused by later runs once complete. One line per
ticket, shaped by ``mapping.ticket_record``, written beside OUT and renamed into place when
whole; then OUT's ``.json`` companion says where the tickets came from and who logs in (the
service desk's lead).
"""

import argparse
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PEER_VAR = ROOT / "var" / "bench" / "peer"
# What says a desk's tickets are complete: make bench's data set marker, or our own.
MARKERS = ("dataset.json", "generated.complete")


def scratch_dir(size: int) -> Path:
    return PEER_VAR / f"source-{size}"


def source_identity(data_dir: Path) -> dict:
    """Where tickets come from and the marker that changes when they are made again."""
    for name in MARKERS:
        marker = data_dir / name
        if marker.is_file():
            return {"source": str(data_dir), "marker": marker.read_text().strip()}
    return {"source": str(data_dir), "marker": None}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, required=True, help="tickets to export")
    parser.add_argument("--out", type=Path, required=True, help="the JSON-lines file to write")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (when generating)")
    parser.add_argument(
        "--until", help="where a generated history ends, ISO 8601 (as generate-tickets --until)"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.size <= 10_000_000:
        parser.exit(2, f"export.py: error: --size must be from 1 to 10,000,000, not {args.size}\n")
    try:
        until = datetime.fromisoformat(args.until) if args.until else None
    except ValueError:
        parser.exit(2, f"export.py: error: --until must be ISO 8601, not {args.until!r}\n")

    given = os.environ.get("SERVICEDESK_DATA_DIR")
    data_dir = Path(given) if given else scratch_dir(args.size)
    if not given:
        # Our own scratch desk: nothing else in the environment may point it elsewhere.
        os.environ["SERVICEDESK_DATA_DIR"] = str(data_dir)
        for name in ("DATABASE_URL", "SERVICEDESK_SQLITE_PATH", "REDIS_URL"):
            os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    # Importable only once the settings above are configured.
    from bench.peer import source_desk

    if not given:
        source_desk.ensure_generated(data_dir, size=args.size, seed=args.seed, until=until)
    available = source_desk.generated_count()
    if available < args.size:
        print(
            f"export.py: error: {data_dir} holds {available:,} generated tickets, "
            f"fewer than --size {args.size:,}",
            file=sys.stderr,
        )
        return 2
    started = time.monotonic()
    written = write(source_desk.records(args.size), args.out)
    meta = {
        **source_identity(data_dir),
        "size": args.size,
        "tickets": written,
        "login": source_desk.login_person(),
    }
    args.out.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(
        f"exported {written:,} tickets from {data_dir} to {args.out} "
        f"in {time.monotonic() - started:.0f}s",
        file=sys.stderr,
    )
    return 0


def write(records: Iterator[dict], out: Path) -> int:
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    count = 0
    with partial.open("w", encoding="utf-8") as stream:
        for record in records:
            stream.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
    shutil.move(partial, out)
    return count


if __name__ == "__main__":
    sys.exit(main())
