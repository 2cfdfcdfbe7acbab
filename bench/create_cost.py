"""What one ticket create costs the server: CPU time and SQL statements, in one process.

    .venv/bin/python bench/create_cost.py [--creates 500] [--sql]

``make bench``'s api_create measures tickets a second over HTTP, which on the shared two cores
depends on what everyone else runs; this measures what one create costs, which does not. It
migrates a fresh SQLite database in a temporary directory (or uses ``DATABASE_URL``), makes a
small desk (a service desk group with its lead, who sees every ticket and holds an API token,
an end user, the demo's priority matrix, an office-hours SLA policy, five triage rules) and
sends ``POST /api/v1/tickets/`` through Django's whole stack (middleware, token
authentication, the API view, the services, triage, the SLA and notification observers):

- ``bench body``: what ``bench/run.py``'s api_create posts (the lead's own ticket, impact and
  urgency given, no mail);
- ``for an end user``: the lead names the end user as requester (one acknowledgement mail).

Per case: the statements of one create (``--sql`` prints them), and the median over
``--rounds`` rounds of ``--creates`` creates of the process's CPU time per create
(``time.process_time``: the load of the machine does not count in it, the load's cache misses
still do a little).
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
os.environ.setdefault("SERVICEDESK_DEBUG", "0")
os.environ["SERVICEDESK_ACK_LIMIT_PER_HOUR"] = "1000000"
if not os.environ.get("DATABASE_URL"):
    os.environ["SERVICEDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="create-cost-")


def _setup():
    from django.core.management import call_command
    from django.test import Client

    from servicedesk.accounts.choices import Role
    from servicedesk.accounts.models import SupportGroup, User
    from servicedesk.accounts.services import api_token_create
    from servicedesk.sla.models import BusinessCalendar, SLAPolicy, SLATarget
    from servicedesk.tickets.models import Category
    from servicedesk.triage.choices import Operator
    from servicedesk.triage.models import Rule, RuleCondition

    call_command("migrate", verbosity=0)
    desk, _ = SupportGroup.objects.get_or_create(name="Service Desk")
    network, _ = SupportGroup.objects.get_or_create(name="Network Team", defaults={"tier": "L2"})
    lead, _ = User.objects.get_or_create(
        username="bench-lead",
        defaults={"email": "lead@desk.example", "role": Role.AGENT, "can_see_all_tickets": True},
    )
    desk.members.add(lead)
    ann, _ = User.objects.get_or_create(username="bench-ann", defaults={"email": "ann@a.example"})
    categories = [Category.objects.get_or_create(name=f"Category {i}")[0] for i in range(5)]
    for i, word in enumerate(("printer", "outlook", "password", "laptop", "wi-fi")):
        rule, made = Rule.objects.get_or_create(
            name=f"bench rule {i}",
            defaults={"position": i, "set_category": categories[i], "set_group": network},
        )
        if made:
            RuleCondition.objects.create(
                rule=rule, field="title", operator=Operator.CONTAINS, value=word
            )
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name="Office hours",
        defaults={
            "timezone": "Europe/Paris",
            "hours": {
                "mon": [["09:00", "17:00"]],
                "tue": [["09:00", "17:00"]],
                "wed": [["09:00", "17:00"]],
                "thu": [["09:00", "17:00"]],
                "fri": [["09:00", "17:00"]],
            },
        },
    )
    policy, made = SLAPolicy.objects.get_or_create(
        name="Standard", defaults={"calendar": calendar, "order": 1}
    )
    if made:
        from datetime import timedelta

        for priority in (1, 2, 3, 4):
            SLATarget.objects.create(
                policy=policy, metric="response", priority=priority, duration=timedelta(hours=4)
            )
            SLATarget.objects.create(
                policy=policy, metric="resolution", priority=priority,
                duration=timedelta(hours=40),
            )  # fmt: skip
    _, key = api_token_create(user=lead, name="create-cost")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}"), ann


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--creates", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="print the statements of one create")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection

    client, ann = _setup()
    bench_body = {
        "kind": "incident", "title": "Benchmark ticket: VPN drops every few minutes",
        "description": "Raised by the benchmark suite through the REST API.",
        "impact": 2, "urgency": 2,
    }  # fmt: skip
    cases = {
        "bench body": bench_body,
        "for an end user": {**bench_body, "requester": ann.pk},
    }

    def post(body: dict) -> None:
        response = client.post(
            "/api/v1/tickets/", json.dumps(body), content_type="application/json"
        )
        if response.status_code != 201:
            raise SystemExit(f"create: {response.status_code} {response.content[:300]!r}")

    print(f"{connection.vendor}, {args.rounds} rounds of {args.creates} creates per case")
    for name, body in cases.items():
        for _ in range(20):
            post(body)
        queries = []

        def log(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(log):
            post(body)
        cpu = []
        for _ in range(args.rounds):
            started = time.process_time()
            for _ in range(args.creates):
                post(body)
            cpu.append((time.process_time() - started) * 1000 / args.creates)
        print(
            f"{name:<16} {len(queries):>3} statements, CPU per create: median "
            f"{statistics.median(cpu):.2f} ms (rounds {min(cpu):.2f}-{max(cpu):.2f})"
        )
        if args.sql:
            for sql in queries:
                print(f"    {sql[:220]}")


if __name__ == "__main__":
    main()
