"""Write generated tickets in batches: numbers, tickets, events and comments in bulk.

Like the ServiceNow import, this records a history rather than replaying it through
``ticket_create``/``ticket_update``: the services would stamp every change with today's clock
and take a million round trips. Each batch is one transaction: its numbers (one bump of each
kind's ``NumberSequence``), its tickets, events and comments, so an interrupted run leaves
whole batches and a re-run adds more with the numbers carrying on.
"""

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as midnight
from random import Random

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone

from servicedesk.core import clock
from servicedesk.core.errors import ValidationFailed
from servicedesk.tickets.choices import DEFAULT_PRIORITY_MATRIX, NUMBER_DIGITS, NUMBER_PREFIX
from servicedesk.tickets.generate.directory import directory_ensure
from servicedesk.tickets.generate.history import Made, TicketMaker
from servicedesk.tickets.generate.profile import Profile, Weighted, load_profile
from servicedesk.tickets.imports.bulk import gc_paused, insert_rows, statistics_refresh
from servicedesk.tickets.models import (
    Comment,
    NumberSequence,
    PriorityMatrixCell,
    Ticket,
    TicketEvent,
)

MAX_TICKETS = 10_000_000
MAX_BATCH = 50_000
YEARS = 5
# SQLite's page cache for this connection while it writes (KiB, negative as SQLite takes it):
# the ticket indexes on requester, group and assignee take rows all over their trees.
_SQLITE_CACHE_KIB = 256 * 1024


@dataclass(slots=True)
class GenerateSummary:
    tickets: int = 0
    events: int = 0
    comments: int = 0
    users_created: int = 0
    users: int = 0  # the generated pool, created now or before
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.tickets / self.seconds if self.seconds > 0 else 0.0


class GenerateStopped(Exception):
    """A batch failed in the database (locked, full, gone): it was rolled back whole, and the
    batches before it are kept, numbered without gaps."""

    def __init__(
        self, *, done: int, total: int, cause: DatabaseError, step: str = "a batch"
    ) -> None:
        reason = " ".join(str(cause).split()) or type(cause).__name__
        super().__init__(
            f"the database refused {step} ({reason}); {done:,} of {total:,} tickets were "
            "written before it and nothing of it; run again to add more"
        )
        self.done = done


def generate_tickets(
    *,
    count: int,
    seed: int = 0,
    batch: int = 5000,
    now: datetime | None = None,
    profile: Profile | None = None,
    progress: Callable[[int, int, float], None] | None = None,
) -> GenerateSummary:
    """Create ``count`` tickets with their history, created over the last five years.

    The same seed on the same database gives the same tickets (access tokens, which are
    secrets, excepted). ``progress(done, count, seconds)`` is called after each batch.
    """
    if not 1 <= count <= MAX_TICKETS:
        raise ValidationFailed(f"The number of tickets must be from 1 to {MAX_TICKETS:,}.")
    if not 1 <= batch <= MAX_BATCH:
        raise ValidationFailed(f"The batch size must be from 1 to {MAX_BATCH:,}.")
    started = time.monotonic()
    now = now or clock.now()
    profile = profile or load_profile()
    rng = Random(seed)
    summary = GenerateSummary()
    with gc_paused(), _sqlite_cache():
        try:
            with transaction.atomic():
                directory = directory_ensure(profile=profile)
            matrix = _matrix()
        except DatabaseError as exc:
            step = "the generated people, groups and categories"
            raise GenerateStopped(done=0, total=count, cause=exc, step=step) from exc
        summary.users_created, summary.users = directory.users_created, directory.pool_size
        maker = TicketMaker(profile=profile, directory=directory, matrix=matrix, now=now)
        moments = created_times(rng, profile=profile, count=count, now=now)
        for start in range(0, count, batch):
            made = [
                maker.make(rng, created=moment, kind=profile.kinds.draw(rng))
                for moment in moments[start : start + batch]
            ]
            try:
                with transaction.atomic():
                    events, comments = _write(made)
            except DatabaseError as exc:
                raise GenerateStopped(done=summary.tickets, total=count, cause=exc) from exc
            # Counted once committed, so that a failure at commit counts none of the batch.
            summary.tickets += len(made)
            summary.events += events
            summary.comments += comments
            if progress is not None:
                progress(summary.tickets, count, time.monotonic() - started)
    statistics_refresh()
    summary.seconds = time.monotonic() - started
    return summary


def created_times(rng: Random, *, profile: Profile, count: int, now: datetime) -> list[float]:
    """``count`` creation moments over the last five years, oldest first, on the log's
    weekdays and hours of the day (read in the desk's time zone)."""
    tz = timezone.get_default_timezone()
    today = timezone.localtime(now, tz).date()
    first = today - timedelta(days=round(365.25 * YEARS))
    days = [first + timedelta(days=n) for n in range((today - first).days + 1)]
    starts = [datetime.combine(day, midnight(), tz).timestamp() for day in days]
    day_pick = Weighted(starts, [profile.weekday[day.weekday()] for day in days])
    hour_pick = Weighted(range(24), profile.hour)
    earliest, latest = starts[0], now.timestamp()
    moments: list[float] = []
    while len(moments) < count:
        moment = day_pick.draw(rng) + hour_pick.draw(rng) * 3600 + int(rng.random() * 3600)
        if earliest <= moment <= latest:
            moments.append(moment)
    moments.sort()
    return moments


def _matrix() -> dict[tuple[int, int], int]:
    matrix = dict(DEFAULT_PRIORITY_MATRIX)
    matrix.update(
        ((cell.impact, cell.urgency), cell.priority) for cell in PriorityMatrixCell.objects.all()
    )
    return matrix


def _number(made: list[Made]) -> None:
    """Give the batch its numbers: each kind's sequence is bumped once, by the batch's count."""
    counts = Counter(m.ticket["kind"] for m in made)
    following: dict[str, int] = {}
    for kind, n in sorted(counts.items()):
        NumberSequence.objects.get_or_create(kind=kind)
        NumberSequence.objects.filter(kind=kind).update(last=F("last") + n)
        following[kind] = (
            NumberSequence.objects.values_list("last", flat=True).get(kind=kind) - n + 1
        )
    for m in made:
        kind = m.ticket["kind"]
        m.ticket["number"] = f"{NUMBER_PREFIX[kind]}{following[kind]:0{NUMBER_DIGITS}d}"
        following[kind] += 1


def _write(made: list[Made]) -> tuple[int, int]:
    """Store one batch; returns how many events and comments it wrote."""
    _number(made)
    # Sequences only grow, so every id given to this batch is above the highest one before it.
    before = Ticket.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    insert_rows(Ticket, [m.ticket for m in made])
    ids = dict(Ticket.objects.filter(pk__gt=before).values_list("number", "pk"))
    events, comments = [], []
    for m in made:
        ticket_id = ids[m.ticket["number"]]
        for event in m.events:
            event["ticket_id"] = ticket_id
        for comment in m.comments:
            comment["ticket_id"] = ticket_id
        events += m.events
        comments += m.comments
    insert_rows(TicketEvent, events)
    if comments:
        insert_rows(Comment, comments)
    return len(events), len(comments)


@contextmanager
def _sqlite_cache() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = -{_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")
