"""Inbound mail end to end: raw store, parse, ticket or comment committed, on SQLite.

    .venv/bin/python bench/email_ingest.py [--rounds 5] [--samples 5] [--corpus ../shared/corpus]

Input: the full messages of the shared corpus (``../shared/corpus/email/messages/*.eml``,
61 of them: clients, charsets, HTML-only mail, attachments, auto-replies and bounces). Each
round feeds every message once with its Message-ID made new for the round, so that none is
skipped as a duplicate (the corpus itself holds a few messages twice, in other line endings:
those are duplicates, as they would be in real traffic); in odd rounds each message is also a
reply (In-Reply-To) to its copy of the round before, so about half of what a person wrote
becomes a comment on a ticket, half a new ticket. A message goes through exactly what a
transport does: ``inbound_message_store`` (its own commit) and ``inbound_message_process``
(one transaction: ticket or comment or note, attachments, threading record). The figure is
messages per second over a sample of ``rounds`` x 61 messages, the median of ``samples``
samples, each in a fresh database (made by ``migrate`` in a temporary data directory).
Target: >= 100 messages/s.
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVICEDESK = ROOT / ".venv" / "bin" / "servicedesk"
TARGET = 100.0
_MESSAGE_ID = re.compile(rb"^(Message-ID:[ \t]*<?)([^>\s]*)", re.IGNORECASE | re.MULTILINE)


def corpus_messages(corpus: Path) -> list[bytes]:
    return [path.read_bytes() for path in sorted((corpus / "email" / "messages").glob("*.eml"))]


def for_round(raw: bytes, round_no: int) -> bytes:
    """The same message with a Message-ID (and bytes) of its own in this round; in odd rounds
    a reply (In-Reply-To) to its copy of the round before, so half the mail is comments."""
    marked = _MESSAGE_ID.sub(rb"\1r%d.\2" % round_no, raw, count=1)
    head = b"X-Bench-Round: %d\r\n" % round_no
    found = _MESSAGE_ID.search(raw)
    if round_no % 2 and found and found.group(2):
        head += b"In-Reply-To: <r%d.%s>\r\n" % (round_no - 1, found.group(2))
    return head + marked.lstrip(b"\r\n")


def _inside(messages_dir: str, rounds: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from servicedesk.accounts.models import SupportGroup
    from servicedesk.channels.email.models import InboundMessage, Mailbox
    from servicedesk.channels.email.services import inbound_message_process, inbound_message_store
    from servicedesk.tickets.models import Comment, Ticket

    group = SupportGroup.objects.create(name="Service Desk")
    mailbox = Mailbox.objects.create(name="Help", address="help@example.org", group=group)
    raws = [p.read_bytes() for p in sorted(Path(messages_dir).glob("*.eml"))]
    inputs = [for_round(raw, n) for n in range(rounds) for raw in raws]
    began, cpu = time.perf_counter(), time.process_time()
    for raw in inputs:
        stored = inbound_message_store(mailbox=mailbox, raw=raw, transport="pipe")
        inbound_message_process(message_id=stored.pk)
    seconds = time.perf_counter() - began
    cpu = time.process_time() - cpu
    states = dict.fromkeys(["processed", "discarded", "duplicate", "quarantined", "received"], 0)
    for state in InboundMessage.objects.values_list("state", flat=True):
        states[state] += 1
    print(
        f"{len(inputs)} {seconds:.3f} {cpu:.3f} {Ticket.objects.count()} {Comment.objects.count()} "
        + " ".join(f"{k}={v}" for k, v in states.items())
    )


def sample(messages_dir: Path, rounds: int) -> tuple[float, str]:
    with tempfile.TemporaryDirectory(prefix="bench-email-") as data:
        env = {**os.environ, "SERVICEDESK_DATA_DIR": data, "DATABASE_URL": "", "REDIS_URL": ""}
        subprocess.run([str(SERVICEDESK), "migrate", "-v", "0"], env=env, check=True, cwd=ROOT)
        done = subprocess.run(
            [sys.executable, __file__, "--inside", str(messages_dir), str(rounds)],
            env=env, check=True, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
    count, seconds, cpu, tickets, comments, *states = done.stdout.split()
    detail = (
        f"{tickets} tickets, {comments} comments; {' '.join(states)}; "
        f"{int(count) / float(cpu):.1f} messages per CPU-second of the process"
    )
    return int(count) / float(seconds), detail


def main() -> int:
    if "--inside" in sys.argv:
        _inside(sys.argv[-2], int(sys.argv[-1]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    messages_dir = args.corpus / "email" / "messages"
    count = len(list(messages_dir.glob("*.eml")))
    if not count:
        print(f"no messages under {messages_dir}", file=sys.stderr)
        return 2
    rates = []
    for n in range(args.samples):
        rate, detail = sample(messages_dir, args.rounds)
        rates.append(rate)
        print(f"sample {n + 1}: {rate:.1f} messages/s ({args.rounds} x {count}; {detail})")
    median = statistics.median(rates)
    met = "met" if median >= TARGET else "MISSED"
    print(
        f"email_ingest (sqlite, end to end): median {median:.1f} messages/s, "
        f"min {min(rates):.1f}, max {max(rates):.1f} over {len(rates)} samples; "
        f"target >= {TARGET:g}: {met}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
