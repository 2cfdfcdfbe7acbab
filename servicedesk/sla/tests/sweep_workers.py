"""Helper processes for test_sweep_processes: set up due clocks, sweep them, count what was
recorded. Run as ``python -m servicedesk.sla.tests.sweep_workers <command> ...`` with the
database in the environment (SERVICEDESK_SQLITE_PATH or DATABASE_URL); each command prints one
JSON line."""

import json
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from servicedesk.accounts.choices import Role, Tier  # noqa: E402
from servicedesk.accounts.tests.factories import (  # noqa: E402
    AgentFactory,
    GroupFactory,
    UserFactory,
)
from servicedesk.core import clock  # noqa: E402
from servicedesk.core.models import OutboxMessage  # noqa: E402
from servicedesk.sla.choices import Action  # noqa: E402
from servicedesk.sla.models import (  # noqa: E402
    BusinessCalendar,
    EscalationTarget,
    Milestone,
    SLAAction,
    SLAPolicy,
    SLATarget,
)
from servicedesk.sla.sweeper import sla_sweep  # noqa: E402
from servicedesk.tickets.choices import EventKind  # noqa: E402
from servicedesk.tickets.models import TicketEvent  # noqa: E402
from servicedesk.tickets.tests.factories import make_ticket  # noqa: E402

# Every threshold of both clocks (1h response, 2h resolution, 24x7) has passed by then.
LATER = timedelta(hours=3)
BATCH = 5  # clocks per sweep: small, so that the two workers' batches overlap many times


def setup(tickets: int) -> dict:
    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0)
    lead = AgentFactory(username="mo", role=Role.LEAD, email="mo@example.org")
    desk = GroupFactory(name="Service Desk", tier=Tier.L1, lead=lead)
    network = GroupFactory(name="Network Team", tier=Tier.L2, lead=lead)
    EscalationTarget.objects.create(group=desk, escalate_to=network)
    agent = AgentFactory(username="lee", email="lee@example.org")
    desk.members.add(agent, lead)
    ann = UserFactory(username="ann")
    calendar = BusinessCalendar.objects.create(name="Always", timezone="UTC", always_open=True)
    policy = SLAPolicy.objects.create(name="Standard", calendar=calendar)
    for priority in (1, 2, 3, 4):
        SLATarget.objects.create(
            policy=policy, metric="response", priority=priority, duration=timedelta(hours=1)
        )
        SLATarget.objects.create(
            policy=policy, metric="resolution", priority=priority, duration=timedelta(hours=2)
        )
    # Actions whose effect does not depend on which clock of a ticket is swept first: the
    # lead leads both groups, and the ticket escalates once, whichever clock breaches first.
    for threshold, action in ((75, Action.NOTIFY_LEAD), (90, Action.NOTIFY_LEAD)):
        SLAAction.objects.create(policy=policy, threshold=threshold, action=action)
    SLAAction.objects.create(policy=policy, threshold=100, action=Action.ESCALATE_TIER)
    for _ in range(tickets):
        make_ticket(requester=ann, assignment_group=desk, assignee=agent)
    return {"sweep_at": (clock.now() + LATER).isoformat()}


def sweep(ready: str, go: str, at: str) -> dict:
    now = datetime.fromisoformat(at)
    connection.ensure_connection()
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.01)
    totals = {"checked": 0, "milestones": 0, "actions": 0, "skipped": 0, "sweeps": 0}
    while True:
        report = sla_sweep(now=now, limit=BATCH)
        if not report.checked:
            return totals
        totals["sweeps"] += 1
        for name in ("checked", "milestones", "actions", "skipped"):
            totals[name] += getattr(report, name)


def count() -> dict:
    return {
        "milestones": Milestone.objects.count(),
        "warning_events": TicketEvent.objects.filter(kind=EventKind.SLA_WARNING).count(),
        "breach_events": TicketEvent.objects.filter(kind=EventKind.SLA_BREACHED).count(),
        "escalations": TicketEvent.objects.filter(message__contains="escalated to").count(),
        # The SLA's own mails: the notifications of the setup's tickets are not the sweep's.
        "mails": OutboxMessage.objects.filter(key__startswith="sla:").count(),
        "mail_keys": OutboxMessage.objects.filter(key__startswith="sla:")
        .values("key")
        .distinct()
        .count(),
    }


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "setup":
        answer = setup(int(args[0]))
    elif command == "sweep":
        answer = sweep(*args)
    else:
        answer = count()
    print(json.dumps(answer))
