"""Load exported tickets into a fresh django-helpdesk database (runs in the peer's venv).

    var/bench/peer/venv/bin/python bench/peer/load.py --tickets T.jsonl --db D.sqlite3

Migrates a new SQLite file beside D, bulk-creates the queues, users (with their helpdesk
settings), tickets and follow-ups of T (written by ``export.py``, shaped by ``mapping.py``),
readies who and what the scenarios use, and writes that to D's ``.json`` companion. The
database is renamed to D only once it is whole.

The scenarios log in as the user T's ``.json`` names (our service desk's lead, as ours do),
with a password and an API token made here. The ticket page is the ticket with the most
follow-ups, topped up to ``MIN_FOLLOWUPS`` if it has fewer (``make bench``'s data set gives
its big ticket 50 comments, a data set of our own has none that large). This is set-up, not
measured: bulk inserts skip helpdesk's per-save work (mail, ticket-change rows), which no
benchmark scenario reads.
"""

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
BATCH = 5000
API_QUEUE = "Service Desk"  # where API-created tickets go: the generator's L1 group
PASSWORD = "bench-peer-2026"  # the benchmark agent's; the database serves loopback only
MIN_FOLLOWUPS = 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=Path, required=True)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    exported = args.tickets.with_suffix(".json")
    if not args.tickets.is_file() or not exported.is_file():
        parser.exit(2, f"load.py: error: no export at {args.tickets} (and its .json)\n")
    export = json.loads(exported.read_text())

    partial = args.db.with_name(args.db.name + ".partial")
    for stale in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        stale.unlink(missing_ok=True)
    os.environ["PEER_DB"] = str(partial)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_project.settings")
    sys.path.insert(0, str(HERE))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    loader = Loader(login=export["login"])
    with args.tickets.open(encoding="utf-8") as stream:
        batch = []
        for line in stream:
            batch.append(json.loads(line))
            if len(batch) == BATCH:
                loader.add(batch)
                batch = []
                print(f"loaded {loader.tickets:,} tickets", file=sys.stderr)
        if batch:
            loader.add(batch)
    meta = loader.finish()
    meta["export"] = {k: export[k] for k in ("source", "marker", "size")}
    meta["load_seconds"] = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    os.replace(partial, args.db)
    args.db.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(
        f"loaded {loader.tickets:,} tickets and {loader.followups:,} follow-ups "
        f"in {meta['load_seconds']:.0f}s into {args.db}",
        file=sys.stderr,
    )
    return 0


class Loader:
    """Creates queues and users as tickets name them, then the tickets and their follow-ups."""

    def __init__(self, *, login: dict) -> None:
        # Imported here, once Django is set up by main().
        from django.contrib.auth import get_user_model
        from django.db import transaction
        from django.utils.text import slugify
        from helpdesk.models import FollowUp, Queue, Ticket, UserSettings

        self.atomic, self.slugify = transaction.atomic, slugify
        self.User, self.Queue, self.Ticket = get_user_model(), Queue, Ticket
        self.FollowUp, self.UserSettings = FollowUp, UserSettings
        # The rows carry their own times: keep them instead of "now".
        Ticket._meta.get_field("created").auto_now_add = False
        Ticket._meta.get_field("modified").auto_now = False
        self.login = {**login, "staff": True}
        self.queues: dict[str, int] = {}
        self.users: dict[str, int] = {}
        self.tickets = 0
        self.followups = 0
        self.busiest: tuple[int, int, str] = (-1, 0, "")  # follow-ups, ticket id, our number

    def _queue(self, title: str) -> int:
        if title not in self.queues:
            queue = self.Queue.objects.create(title=title, slug=self.slugify(title)[:50])
            self.queues[title] = queue.pk
        return self.queues[title]

    def _users(self, people: list[dict]) -> None:
        new = {p["username"]: p for p in people if p and p["username"] not in self.users}
        if not new:
            return
        created = self.User.objects.bulk_create(
            [
                self.User(
                    username=p["username"],
                    email=p["email"],
                    first_name=p["first_name"][:150],
                    last_name=p["last_name"][:150],
                    is_staff=p["staff"],
                    password="!",  # unusable: nobody logs in as them, but the agent below
                )
                for p in new.values()
            ]
        )
        self.UserSettings.objects.bulk_create([self.UserSettings(user=u) for u in created])
        self.users.update((u.username, u.pk) for u in created)

    def add(self, records: list[dict]) -> None:
        with self.atomic():
            people = [r["assigned_to"] for r in records]
            people += [f["user"] for r in records for f in r["followups"]]
            self._users(people)
            tickets = [
                self.Ticket(
                    title=r["title"],
                    queue_id=self._queue(r["queue"]),
                    created=datetime.fromisoformat(r["created"]),
                    modified=datetime.fromisoformat(r["modified"]),
                    submitter_email=r["submitter_email"],
                    assigned_to_id=self.users[r["assigned_to"]["username"]]
                    if r["assigned_to"]
                    else None,
                    status=r["status"],
                    on_hold=r["on_hold"],
                    description=r["description"],
                    resolution=r["resolution"],
                    priority=r["priority"],
                )
                for r in records
            ]
            self.Ticket.objects.bulk_create(tickets)
            followups = []
            for r, ticket in zip(records, tickets, strict=True):
                for f in r["followups"]:
                    followups.append(
                        self.FollowUp(
                            ticket_id=ticket.pk,
                            date=datetime.fromisoformat(f["date"]),
                            title=f["title"],
                            comment=f["comment"],
                            public=f["public"],
                            user_id=self.users[f["user"]["username"]] if f["user"] else None,
                        )
                    )
                if len(r["followups"]) > self.busiest[0]:
                    self.busiest = (len(r["followups"]), ticket.pk, r["number"])
            self.FollowUp.objects.bulk_create(followups)
        self.tickets += len(records)
        self.followups += len(followups)

    def _top_up(self) -> int:
        """Give the busiest ticket ``MIN_FOLLOWUPS`` follow-ups; how many it has then."""
        had, ticket_id, _ = self.busiest
        if had >= MIN_FOLLOWUPS:
            return had
        ticket = self.Ticket.objects.get(pk=ticket_id)
        author = ticket.assigned_to_id or self.users[self.login["username"]]
        self.FollowUp.objects.bulk_create(
            self.FollowUp(
                ticket_id=ticket_id,
                date=ticket.created + timedelta(minutes=10 * (i + 1)),
                title="Comment",
                comment=f"Update {i}: checked the logs again and cleared the cache on the server.",
                public=i % 3 != 0,
                user_id=author,
            )
            for i in range(MIN_FOLLOWUPS - had)
        )
        self.followups += MIN_FOLLOWUPS - had
        return MIN_FOLLOWUPS

    def finish(self) -> dict:
        """Ready the agent the scenarios log in as, and the ticket page's ticket."""
        from rest_framework.authtoken.models import Token

        self._users([self.login])
        agent = self.User.objects.get(username=self.login["username"])
        agent.set_password(PASSWORD)
        agent.is_staff = True
        agent.save()
        token = Token.objects.create(user=agent)
        _, ticket_id, number = self.busiest
        followups = self._top_up()
        return {
            "tickets": self.tickets,
            "followups": self.followups,
            "queues": len(self.queues),
            "users": len(self.users),
            "agent": agent.username,
            "password": PASSWORD,
            "token": token.key,
            "queue_id": self.queues.get(API_QUEUE) or next(iter(self.queues.values())),
            "ticket_id": ticket_id,
            "ticket_number": number,
            "ticket_followups": followups,
        }


if __name__ == "__main__":
    sys.exit(main())
