"""The in-process scenarios: pages and API lists timed through Django's own request handling.

    .venv/bin/python bench/scenarios.py --database sqlite --size 1000000 [--only NAME ...]

Run by ``bench/run.py`` against a generated database (``SERVICEDESK_DATA_DIR`` or
``DATABASE_URL`` say which); prints one JSON line per result (``bench.common.Result``). Each
request goes through the whole stack a browser's request meets after the socket: middleware,
sessions, visibility, the view, the template or serializer. A warm-up runs first, then each
request is timed ``--samples`` times; one more run, outside the timing, counts its SQL queries.

``--prepare`` adds what the scenarios need and generated data lacks, once: the ticket with 200
events and 50 comments. ``--credentials`` prints an API token and a session key for the
see-all lead (used by ``run.py`` for the scenarios over HTTP).
"""

import argparse
import html
import json
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from bench.common import Result, check_target, emit  # noqa: E402
from servicedesk.accounts.choices import Role, Tier  # noqa: E402
from servicedesk.accounts.models import SupportGroup, User  # noqa: E402
from servicedesk.accounts.services import api_token_create  # noqa: E402
from servicedesk.core import clock  # noqa: E402
from servicedesk.tickets.choices import EventKind, State  # noqa: E402
from servicedesk.tickets.imports.bulk import insert_rows  # noqa: E402
from servicedesk.tickets.models import Category, Comment, Ticket, TicketEvent  # noqa: E402

BIG_TICKET_REF = "BENCH-200-EVENTS-50-COMMENTS"
REPORT_NAMES = (
    "volume", "backlog", "resolution-time", "first-response", "sla", "reopens", "reassignments",
    "first-contact-resolution", "channels", "agents", "groups",
)  # fmt: skip
QUEUES = ("mine", "groups", "unassigned", "open", "resolved", "all")
DEEP_PAGE = 200  # the page asked for; a data set too small for it walks to page size / 60


@dataclass(frozen=True)
class Personas:
    lead: User  # leads the service desk and sees every ticket
    agent: User  # an agent of one L2 group, who sees that group's tickets
    requester: User  # the end user who raised the most tickets

    @classmethod
    def find(cls) -> "Personas":
        desk = SupportGroup.objects.get(name=settings.SERVICEDESK_DEFAULT_GROUP)
        lead = desk.lead or User.objects.filter(can_see_all_tickets=True).order_by("pk").first()
        # The L2 group with the most open tickets, and its member with the most assigned.
        group = (
            SupportGroup.objects.filter(tier=Tier.L2)
            .annotate(n=Count("tickets"))
            .order_by("-n", "pk")
            .first()
        )
        agent = (
            group.members.filter(role=Role.AGENT, can_see_all_tickets=False)
            .annotate(n=Count("assigned_tickets"))
            .order_by("-n", "pk")
            .first()
        )
        requester = (
            Ticket.objects.values("requester_id")
            .annotate(n=Count("id"))
            .order_by("-n", "requester_id")
            .first()
        )
        return cls(lead=lead, agent=agent, requester=User.objects.get(pk=requester["requester_id"]))


@dataclass(frozen=True)
class Case:
    scenario: str
    note: str
    user: User
    path: str | Callable[[Client], str]  # a callable finds its path first (a deep page)
    p95_ms: float | None  # None: measured, with no target of its own
    # At most this many samples (a report takes a second or more: 30 would take minutes).
    max_samples: int | None = None


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _next_link(body: bytes, *, api: bool) -> str | None:
    if api:
        return json.loads(body)["next"]
    match = re.search(rb'rel="next" href="([^"]+)"', body)
    return html.unescape(match.group(1).decode()) if match else None


def _deep(start: str, *, api: bool, depth: int) -> Callable[[Client], str]:
    """Follow ``next`` links from ``start`` to page ``depth``; the path of that page."""

    def walk(client: Client) -> str:
        path = start
        for page in range(1, depth):
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            link = _next_link(response.content, api=api)
            if link is None:
                raise RuntimeError(f"{start} has only {page} pages")
            path = link.removeprefix("http://testserver")
            if path.startswith("?"):  # the desk's pager links are relative to the page
                path = start.split("?", 1)[0] + path
        return path

    return walk


def _search_terms() -> dict[str, str]:
    """A common word, a nearly unique token from the data itself, and two words together."""
    rare = (
        Ticket.objects.filter(description__contains="Asset tag ")
        .order_by("pk")
        .values_list("description", flat=True)
        .first()
    )
    token = re.search(r"Asset tag ([A-Z]{2}-\d{5})", rare or "")
    return {
        "common word": "printer",
        "rare token": token.group(1) if token else "LT-12345",
        "two words": "outlook slow",
    }


def cases(people: Personas, size: int) -> list[Case]:
    desk, api = reverse("desk:tickets"), "/api/v1/tickets/"
    lead, agent = people.lead, people.agent
    group_id = agent.support_groups.order_by("pk").values_list("pk", flat=True).first()
    category = Category.objects.filter(parent=None).order_by("pk").first()
    month_ago = (clock.now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    depth = max(2, min(DEEP_PAGE, size // 60))
    out: list[Case] = []
    for queue in QUEUES:
        out.append(Case("desk_queue", f"{queue}, lead", lead, f"{desk}?queue={queue}", 50))
        out.append(Case("desk_queue", f"{queue}, L2 agent", agent, f"{desk}?queue={queue}", 50))
    filtered = {
        "all, priority 1": "queue=all&priority=1",
        "all, awaiting user": "queue=all&state=awaiting_user",
        "all, one group": f"queue=all&group={group_id}",
        "all, one category": f"queue=all&category={category.pk if category else ''}",
        "all, last 30 days": f"queue=all&created_after={month_ago}",
        "open, by priority": "queue=open&sort=priority",
    }
    for note, query in filtered.items():
        out.append(Case("desk_queue_filtered", note, lead, f"{desk}?{query}", 50))
    out.append(Case("api_list", "no filter", lead, api, 50))
    out.append(Case("api_list", "priority 1", lead, f"{api}?priority=1", 50))
    out.append(
        Case("api_list", "open, one group", lead, f"{api}?is_open=true&group={group_id}", 50)
    )
    out.append(Case("api_list", "L2 agent", agent, api, 50))
    out.append(
        Case(
            "deep_page",
            f"desk page {depth}",
            lead,
            _deep(f"{desk}?queue=all", api=False, depth=depth),
            50,
        )
    )
    out.append(Case("deep_page", f"API page {depth}", lead, _deep(api, api=True, depth=depth), 50))
    big = (
        Ticket.objects.filter(external_ref=BIG_TICKET_REF).values_list("number", flat=True).first()
    )
    if big:
        out.append(
            Case(
                "ticket_page",
                "200 events, 50 comments",
                lead,
                reverse("desk:ticket", args=[big]),
                80,
            )
        )
        # The page shows the newest 50 entries (desk.timeline.SHOWN); the whole timeline is
        # the page's "show all" link, measured too but with no target of its own.
        whole = reverse("desk:ticket", args=[big]) + "?timeline=all"
        out.append(Case("ticket_page", "whole timeline (?timeline=all)", lead, whole, None))
        out.append(Case("ticket_page", "API events", lead, f"/api/v1/tickets/{big}/events/", 80))
    for note, term in _search_terms().items():
        out.append(
            Case(
                "text_search",
                f"desk, {note}",
                lead,
                f"{desk}?queue=all&q={term.replace(' ', '+')}",
                200,
            )
        )
        out.append(
            Case("text_search", f"API, {note}", lead, f"{api}?q={term.replace(' ', '+')}", 200)
        )
    out.append(
        Case(
            "text_search", "desk, L2 agent, common word", agent, f"{desk}?queue=all&q=printer", 200
        )
    )
    try:
        dashboard = reverse("desk:dashboard")
    except NoReverseMatch:
        dashboard = None
    if dashboard:
        out.append(Case("dashboard", "lead, sees all", lead, dashboard, 1000))
        out.append(Case("dashboard", "L2 agent", agent, dashboard, 1000))
    # Each report over the whole history as a lead who sees every ticket, through the REST
    # API; targets from the reporting issue (bench/reports.py runs the engine alone).
    report_p95 = 1000 if connection.vendor == "postgresql" else 3000
    for name in REPORT_NAMES:
        out.append(Case("reports", name, lead, f"/api/v1/reports/{name}/", report_p95, 5))
    out.append(Case("reports", "volume by group", lead, "/api/v1/reports/volume/?by=group",
                    report_p95, 5))  # fmt: skip
    out.append(
        Case(
            "portal_list",
            "requester with most tickets",
            people.requester,
            reverse("portal:tickets"),
            50,
        )
    )
    return out  # fmt: skip


def run_case(case: Case, *, database: str, size: int, samples: int) -> Result:
    client = _client(case.user)
    path = case.path(client) if callable(case.path) else case.path
    samples = min(samples, case.max_samples or samples)
    for _ in range(1 if case.max_samples else 3):  # warm-up: caches, templates, the pages
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(
                f"{case.scenario} ({case.note}): {path} answered {response.status_code}"
            )
    timings = []
    for _ in range(samples):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    result = Result(
        scenario=case.scenario, database=database, size=size, samples=timings,
        queries=len(queries), note=case.note,
    )  # fmt: skip
    return check_target(result, p95_ms=case.p95_ms)


def prepare() -> None:
    """Give one ticket 200 events and 50 comments (once), for the ticket-page scenario."""
    if Ticket.objects.filter(external_ref=BIG_TICKET_REF).exists():
        return
    ticket = Ticket.objects.filter(state=State.IN_PROGRESS).order_by("-created_at").first()
    ticket = ticket or Ticket.objects.order_by("-created_at").first()
    agent = ticket.assignee or User.objects.filter(role=Role.AGENT).order_by("pk").first()
    start = ticket.created_at
    comments = [
        {"ticket_id": ticket.pk, "author_id": agent.pk if i % 2 else ticket.requester_id,
         "body": f"Update {i}: checked the logs again and the cache was cleared on the server.",
         "is_public": i % 3 != 0, "channel": "desk", "created_at": start + timedelta(minutes=10 * i)}
        for i in range(50)
    ]  # fmt: skip
    existing = TicketEvent.objects.filter(ticket=ticket).count()
    events = [
        {"ticket_id": ticket.pk, "kind": EventKind.UPDATED.value, "actor_id": agent.pk,
         "channel": "desk", "created_at": start + timedelta(minutes=5 * i + 1),
         "changes": {"priority": [3, 2] if i % 2 else [2, 3]}, "message": "", "is_internal": False}
        for i in range(max(0, 200 - existing))
    ]  # fmt: skip
    with transaction.atomic():
        insert_rows(Comment, comments)
        insert_rows(TicketEvent, events)
        Ticket.objects.filter(pk=ticket.pk).update(external_ref=BIG_TICKET_REF)


def credentials() -> dict[str, str]:
    lead = Personas.find().lead
    _, key = api_token_create(user=lead, name="benchmark")
    session = SessionStore()
    session[SESSION_KEY] = str(lead.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = lead.get_session_auth_hash()
    session.create()
    return {"token": key, "session": session.session_key, "user": lead.username}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="sqlite")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--only", nargs="*", default=[], help="scenario names to run")
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--credentials", action="store_true")
    args = parser.parse_args()
    if args.prepare:
        prepare()
        return 0
    if args.credentials:
        print(json.dumps(credentials()))
        return 0
    people = Personas.find()
    for case in cases(people, args.size):
        if args.only and case.scenario not in args.only:
            continue
        emit(run_case(case, database=args.database, size=args.size, samples=args.samples))
    return 0


if __name__ == "__main__":
    sys.exit(main())
