"""Read (and when asked, first generate) the servicedesk tickets the peer benchmark exports.

Imported by ``export.py`` once Django is set up with our settings, and by the tests.
"""

import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db.models import QuerySet
from django.utils import timezone

from bench.peer.mapping import person, ticket_record
from servicedesk.accounts.choices import STAFF_ROLES
from servicedesk.accounts.models import SupportGroup, User
from servicedesk.tickets.generate.directory import USERNAME_PREFIX
from servicedesk.tickets.generate.writer import generate_tickets
from servicedesk.tickets.models import Comment, Ticket

CHUNK = 5000
COMPLETE = "generated.complete"  # written into the scratch desk once all its tickets are in
# (export.MARKERS reads it)

_TICKET_FIELDS = (
    "pk", "number", "title", "description", "assignment_group__name", "priority", "state",
    "reopen_count", "created_at", "updated_at", "requester__email", "assignee_id",
    "resolution_notes",
)  # fmt: skip


def generated() -> QuerySet[Ticket]:
    """The generated tickets (their requesters are the ``gen-`` pool), oldest id first."""
    return Ticket.objects.filter(requester__username__startswith=USERNAME_PREFIX).order_by("pk")


def generated_count() -> int:
    return generated().count()


def ensure_generated(
    data_dir: Path, *, size: int, seed: int = 0, until: datetime | None = None
) -> None:
    """Make ``data_dir`` (the current settings' desk) hold ``size`` generated tickets whose
    history ends at ``until`` (naive: in the desk's time zone) or now.

    A desk left incomplete by an interrupted run, or made with other arguments, is emptied and
    generated again.
    """
    if until is not None and timezone.is_naive(until):
        until = timezone.make_aware(until)
    marker = data_dir / COMPLETE
    made = f"{size} {seed} {until.isoformat() if until else 'now'}"
    if marker.exists() and marker.read_text().strip() == made:
        return
    call_command("migrate", verbosity=0, interactive=False)
    if generated_count():
        call_command("flush", verbosity=0, interactive=False)

    def progress(done: int, total: int, seconds: float) -> None:
        print(f"generated {done:,}/{total:,} tickets in {seconds:.0f}s", file=sys.stderr)

    generate_tickets(count=size, seed=seed, batch=10_000, now=until, progress=progress)
    marker.write_text(made + "\n")


def _person(user: User) -> dict:
    return person(
        username=user.username,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        staff=user.role in STAFF_ROLES,
    )


def _people() -> dict[int, dict]:
    users = User.objects.only("username", "email", "first_name", "last_name", "role")
    return {user.pk: _person(user) for user in users}


def login_person() -> dict:
    """Who the benchmarks log in as: the service desk's lead, who sees every ticket (as
    ``bench/scenarios.py`` picks its lead)."""
    desk = SupportGroup.objects.filter(name=settings.SERVICEDESK_DEFAULT_GROUP).first()
    lead = desk.lead if desk else None
    lead = lead or User.objects.filter(can_see_all_tickets=True).order_by("pk").first()
    if lead is None:
        raise ValueError("the desk has no service desk lead and nobody who sees every ticket")
    return _person(lead)


def records(size: int) -> Iterator[dict]:
    """The first ``size`` generated tickets as ``mapping.ticket_record`` lines, in id order."""
    people = _people()
    last_pk = 0
    left = size
    while left > 0:
        rows = list(generated().filter(pk__gt=last_pk).values(*_TICKET_FIELDS)[: min(CHUNK, left)])
        if not rows:
            return
        last_pk = rows[-1]["pk"]
        left -= len(rows)
        comments: dict[int, list[dict]] = {row["pk"]: [] for row in rows}
        for c in (
            Comment.objects.filter(ticket_id__in=list(comments))
            .order_by("ticket_id", "created_at", "pk")
            .values("ticket_id", "author_id", "body", "is_public", "created_at")
        ):
            c["author"] = people.get(c["author_id"])
            comments[c["ticket_id"]].append(c)
        for row in rows:
            row["group"] = row["assignment_group__name"]
            row["requester_email"] = row["requester__email"]
            row["assignee"] = people.get(row["assignee_id"])
            yield ticket_record(row, comments[row["pk"]])
