"""What triage costs a ticket create: queries and time, in-process on SQLite.

    .venv/bin/python bench/triage_create.py [--creates 300] [--rounds 5] [--rules 50]

Migrates a fresh database in a temporary directory and makes a small desk (a service desk of
five agents, a network team of three, ten categories). Then it raises tickets through
``ticket_create`` in four set-ups, ``--rounds`` times each in turn, ``--creates`` tickets a
round, and prints, per set-up, the queries of one create and the median of the rounds' mean
time per create (the set-ups take turns within each round):

- ``untriaged``: the pipeline suspended (what ``ticket_create`` costs without triage);
- ``no rules``: triage with no rule and no strategy (the routing to the service desk);
- ``rules``: ``--rules`` keyword rules, one in ten matching some titles, the last routing
  what is left to the service desk;
- ``rules + round robin``: the same, the service desk assigning by round robin.

The machine is shared while this runs: compare the set-ups of one run, not runs of two days.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import fresh_sqlite_desk  # noqa: E402

TITLES = ("VPN drops every hour", "Printer on floor 3 jams", "Password expired",
          "Outlook will not start", "Wi-Fi slow in the meeting room", "New starter needs a laptop")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--rules", type=int, default=50)
    args = parser.parse_args()
    with fresh_sqlite_desk("triage-bench-"):
        run(args)


def run(args) -> None:
    from contextlib import nullcontext

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from servicedesk.accounts.choices import Role
    from servicedesk.accounts.models import SupportGroup, User
    from servicedesk.tickets.models import Category
    from servicedesk.tickets.services import ticket_create
    from servicedesk.triage.choices import Operator, Strategy
    from servicedesk.triage.models import GroupRouting, Rule, RuleCondition
    from servicedesk.triage.pipeline import suspended

    desk = SupportGroup.objects.create(name="Service Desk")
    network = SupportGroup.objects.create(name="Network Team", tier="L2")
    for i in range(5):
        desk.members.add(User.objects.create(username=f"agent{i}", role=Role.AGENT))
    for i in range(3):
        network.members.add(User.objects.create(username=f"net{i}", role=Role.AGENT))
    categories = [Category.objects.create(name=f"Category {i}") for i in range(10)]
    requester = User.objects.create(username="ann", email="ann@acme.example", location="HQ")

    for i in range(args.rules - 1):
        words = "vpn, wi-fi" if i % 10 == 0 else f"never-{i}, absent-{i}"
        rule = Rule.objects.create(
            name=f"rule {i}", position=i, set_category=categories[i % 10],
            set_group=network if i % 10 == 0 else None,
        )  # fmt: skip
        RuleCondition.objects.create(rule=rule, field="text", operator=Operator.CONTAINS,
                                     value=words)  # fmt: skip
    last = Rule.objects.create(name="rest", position=10_000, set_group=desk)
    RuleCondition.objects.create(rule=last, field="group", operator=Operator.IS_EMPTY)
    routing = GroupRouting.objects.create(group=desk, strategy=Strategy.NONE)

    def state(rules: bool, strategy: str) -> None:
        # Through save(), as the admin does: the kept rules see the change.
        for rule in Rule.objects.all():
            rule.is_active = rules
            rule.save()
        routing.strategy = strategy
        routing.save()

    setups = [
        ("untriaged", suspended, False, Strategy.NONE),
        ("no rules", nullcontext, False, Strategy.NONE),
        (f"{args.rules} rules", nullcontext, True, Strategy.NONE),
        (f"{args.rules} rules + round robin", nullcontext, True, Strategy.ROUND_ROBIN),
    ]
    n = 0

    def create() -> None:
        nonlocal n
        n += 1
        ticket_create(by=requester, requester=requester, title=TITLES[n % len(TITLES)],
                      description="Since this morning.")  # fmt: skip

    means: dict[str, list[float]] = {name: [] for name, *_ in setups}
    queries: dict[str, int] = {}
    # Round after round, each set-up in turn: the database grows alike under each of them.
    for _ in range(args.rounds):
        for name, context, rules, strategy in setups:
            state(rules, strategy)
            with context():
                create()  # warm: the kept rules, the calendars
                with CaptureQueriesContext(connection) as captured:
                    create()
                queries[name] = len(captured)
                start = time.perf_counter()
                for _ in range(args.creates):
                    create()
                means[name].append((time.perf_counter() - start) / args.creates * 1000)
    results = [
        {"setup": name, "queries": queries[name],
         "ms_per_create_median": round(statistics.median(means[name]), 2),
         "ms_rounds": [round(m, 2) for m in means[name]]}
        for name, *_ in setups
    ]  # fmt: skip
    base = results[0]
    for row in results:
        row["extra_queries"] = row["queries"] - base["queries"]
        row["extra_ms"] = round(row["ms_per_create_median"] - base["ms_per_create_median"], 2)
        print(json.dumps(row))


if __name__ == "__main__":
    main()
