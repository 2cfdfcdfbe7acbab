"""What the notifications add to a ticket write: SQL queries and time, in process.

    .venv/bin/python bench/notify_cost.py [--samples 200]

Runs on a fresh SQLite database in a temporary directory (or on ``DATABASE_URL``), with a
Service Desk group, an agent (lee, with an API token), an end user (ann) and a watcher. Each
case is a request through Django's whole stack (middleware, token auth, the API view, the
services, both ticket observers), timed ``--samples`` times after a warm-up; one more request,
outside the timing, counts its SQL queries. The same cases run again with the notification
observer taken out, so the difference is what the notifications cost:

- ``create, agent for self``: what ``bench/run.py``'s api_create posts (no mail: an agent's
  own ticket is not acknowledged);
- ``create for an end user``: the agent names ann as requester; one acknowledgement;
- ``public reply``: the agent answers ann's ticket, which bob watches; two reply mails.

The acknowledgement rate limit is lifted (``SERVICEDESK_ACK_LIMIT_PER_HOUR``) so every create
queues its mail, with its count query, as the first three of an hour do.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["SERVICEDESK_ACK_LIMIT_PER_HOUR"] = "1000000"
if not os.environ.get("DATABASE_URL"):
    os.environ["SERVICEDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="notify-cost-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from servicedesk.accounts.choices import Role  # noqa: E402
from servicedesk.accounts.models import SupportGroup, User  # noqa: E402
from servicedesk.accounts.services import api_token_create  # noqa: E402
from servicedesk.core.models import OutboxMessage  # noqa: E402
from servicedesk.notifications.services import ticket_event_notify  # noqa: E402
from servicedesk.tickets import observers  # noqa: E402
from servicedesk.tickets.services import ticket_create, watcher_add  # noqa: E402


def _setup() -> tuple[Client, User, str]:
    call_command("migrate", verbosity=0)
    desk, _ = SupportGroup.objects.get_or_create(name="Service Desk")
    lee, _ = User.objects.get_or_create(
        username="bench-lee", defaults={"email": "lee@desk.example", "role": Role.AGENT}
    )
    desk.members.add(lee)
    ann, _ = User.objects.get_or_create(username="bench-ann", defaults={"email": "ann@a.example"})
    bob, _ = User.objects.get_or_create(username="bench-bob", defaults={"email": "bob@a.example"})
    _, key = api_token_create(user=lee, name="notify-cost")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    ticket = ticket_create(by=ann, requester=ann, title="Bench: replies land here")
    watcher_add(ticket=ticket, by=lee, user=bob)
    return client, ann, ticket.number


def _case(name: str, call, samples: int) -> dict:
    for _ in range(10):
        call()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as queries:
        call()
    return {"case": name, "queries": len(queries), "median_ms": round(statistics.median(times), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    client, ann, number = _setup()

    def post(path: str, body: dict):
        response = client.post(path, json.dumps(body), content_type="application/json")
        if response.status_code != 201:
            raise SystemExit(f"{path}: {response.status_code} {response.content[:300]!r}")

    cases = {
        "create, agent for self": lambda: post("/api/v1/tickets/", {"title": "VPN drops"}),
        "create for an end user": lambda: post(
            "/api/v1/tickets/", {"title": "VPN drops", "requester": ann.pk}
        ),
        "public reply": lambda: post(
            f"/api/v1/tickets/{number}/comments/", {"body": "Which client version?"}
        ),
    }
    results = []
    for notifying in (True, False):
        if not notifying:
            observers._observers.remove(ticket_event_notify)
        for name, call in cases.items():
            row = _case(name, call, args.samples)
            row["notifications"] = notifying
            results.append(row)
            print(json.dumps(row), flush=True)
    print(f"\n{connection.vendor}, {args.samples} samples per case, medians:")
    print(f"{'case':<26} {'queries':>14} {'ms':>16}")
    for name in cases:
        on, off = (next(r for r in results if r["case"] == name and r["notifications"] is n)
                   for n in (True, False))  # fmt: skip
        print(f"{name:<26} {off['queries']:>5} -> {on['queries']:<6} "
              f"{off['median_ms']:>7} -> {on['median_ms']:<7}")  # fmt: skip
    print(f"outbox rows made: {OutboxMessage.objects.count()}")


if __name__ == "__main__":
    main()
