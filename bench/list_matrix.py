"""Every ticket list with every filter and every sort: the worst cases, not the typical ones.

    .venv/bin/python bench/list_matrix.py [--sizes 1000000] [--databases sqlite,postgres]

``make bench`` times a few representative lists 30 times each; this sweep asks every desk
queue with each filter alone and each sort alone, the API list likewise, and page 200 of the
lists over every ticket, as three people: the service desk lead who sees every ticket, the
agent whose groups hold the most tickets, and the agent whose groups hold the fewest. Each case
is requested once to warm up, then three times; the median counts. It prints how many cases
stay within 50 ms and the slowest ten, for docs/deployment.md ("Indexes and query counts").
It reads the data sets that ``make bench`` made (``bench/run.py --datasets-only`` makes them).
"""

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LIMIT_MS = 50
SORTS = ("number", "priority", "created", "updated")


def _measure() -> list[dict]:
    """Run inside a data set's environment: the cases and their median times."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from datetime import timedelta

    from django.db.models import Count
    from django.test import Client

    from bench.scenarios import DEEP_PAGE, Personas, _deep
    from servicedesk.accounts.choices import Role
    from servicedesk.accounts.models import User
    from servicedesk.api.views.tickets import ORDERINGS as API_ORDERINGS
    from servicedesk.core import clock
    from servicedesk.desk.queues import QUEUES
    from servicedesk.tickets.models import Category

    lead = Personas.find().lead
    agents = (
        User.objects.filter(role=Role.AGENT, can_see_all_tickets=False, is_active=True)
        .annotate(n=Count("support_groups__tickets"))
        .filter(n__gt=0)
        .order_by("-n", "pk")
    )
    people = {"lead": lead, "busiest agent": agents.first(), "quietest agent": agents.last()}
    category = Category.objects.filter(parent=None).order_by("pk").first()
    month_ago = (clock.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")

    def filters(user: User) -> dict[str, str]:
        group = user.support_groups.order_by("pk").values_list("pk", flat=True).first()
        return {
            "no filter": "",
            "priority 1": "priority=1",
            "awaiting user": "state=awaiting_user",
            "one group": f"group={group or ''}",
            "one category": f"category={category.pk if category else ''}",
            "channel email": "channel=email",
            "kind request": "kind=request",
            "last 30 days": f"created_after={month_ago}",
            "text printer": "q=printer",
        }

    out = []
    for who, user in people.items():
        client = Client()
        client.force_login(user)
        paths: dict[str, str] = {}
        for queue in QUEUES:
            for name, query in filters(user).items():
                paths[f"desk {queue}, {name}"] = f"/desk/tickets/?queue={queue}&{query}"
            for sort in SORTS:
                for signed in (sort, f"-{sort}"):
                    paths[f"desk {queue}, sort {signed}"] = (
                        f"/desk/tickets/?queue={queue}&sort={signed}"
                    )
        for name, query in filters(user).items():
            paths[f"API, {name}"] = f"/api/v1/tickets/?{query}"
        for ordering in API_ORDERINGS:
            paths[f"API, ordering {ordering}"] = f"/api/v1/tickets/?ordering={ordering}"
        for name, start, api in (("desk all", "/desk/tickets/?queue=all", False),
                                 ("API", "/api/v1/tickets/", True)):  # fmt: skip
            # Someone who sees fewer than 200 pages of tickets has no such page.
            with contextlib.suppress(RuntimeError):
                paths[f"{name}, page {DEEP_PAGE}"] = _deep(start, api=api, depth=DEEP_PAGE)(client)
        for case, path in paths.items():
            answer = client.get(path)
            if answer.status_code == 400 and "awaiting user" in case:
                continue  # a queue of resolved tickets offers no other state to filter by
            if answer.status_code != 200:
                raise SystemExit(f"list_matrix: {path} answered {answer.status_code}")
            times = []
            for _ in range(3):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            out.append({"who": who, "case": case, "ms": statistics.median(times)})
    return out


def main() -> int:
    if "--inside" in sys.argv:
        print(json.dumps(_measure()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000000")
    parser.add_argument("--databases", default="sqlite,postgres")
    args = parser.parse_args()

    from bench.run import DEFAULT_POSTGRES, VAR, Dataset

    postgres = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    for database in args.databases.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            ds = Dataset(database, size, postgres, VAR)
            if not ds.ready():
                print(f"{database} {size:,}: no data set; run bench/run.py --datasets-only")
                continue
            done = subprocess.run(
                [sys.executable, __file__, "--inside"], env={**os.environ, **ds.env()},
                cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
            if done.returncode:
                print(done.stderr, file=sys.stderr)
                return 1
            found = json.loads(done.stdout.splitlines()[-1])
            within = sum(1 for row in found if row["ms"] <= LIMIT_MS)
            print(f"\n{database}, {size:,} tickets: {within} of {len(found)} cases within "
                  f"{LIMIT_MS} ms; the slowest:")  # fmt: skip
            for row in sorted(found, key=lambda r: -r["ms"])[:10]:
                print(f"  {row['ms']:8.1f} ms  {row['who']}: {row['case']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
