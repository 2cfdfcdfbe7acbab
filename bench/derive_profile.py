"""Derive the ticket generator's profile from the real ServiceNow event log, once.

    .venv/bin/python bench/derive_profile.py [LOG] [-o PROFILE]

LOG defaults to ``../shared/corpus/servicenow/incident_event_log.csv.zip`` next to the
project, PROFILE to ``servicedesk/tickets/generate/profile.json``. The derivation itself is
``servicedesk.tickets.generate.derive``; this is its command line.
"""

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from servicedesk.tickets.generate.derive import derive, profile_text, read_log  # noqa: E402

DEFAULT_LOG = ROOT.parent / "shared" / "corpus" / "servicenow" / "incident_event_log.csv.zip"
DEFAULT_OUT = ROOT / "servicedesk" / "tickets" / "generate" / "profile.json"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", nargs="?", type=Path, default=DEFAULT_LOG)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    if not args.log.is_file():
        print(f"derive_profile: {args.log} is not a file", file=sys.stderr)
        return 2
    log = read_log(args.log)
    text = profile_text(derive(log.incidents, log.rows))
    args.output.write_text(text, encoding="utf-8")
    print(f"{args.output.name}: {len(text):,} bytes from {len(log.incidents):,} incidents")
    return 0


if __name__ == "__main__":
    sys.exit(main())
