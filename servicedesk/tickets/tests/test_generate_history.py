"""``generate-tickets``: every generated ticket agrees with its events, comments and people,
and its history run through the real services writes the same rows."""

from collections import Counter
from itertools import zip_longest

import pytest
import time_machine
from django.db import transaction

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import Membership, SupportGroup, User
from servicedesk.tickets.choices import TRANSITIONS, EventKind, State
from servicedesk.tickets.models import NumberSequence, Ticket
from servicedesk.tickets.services import (
    comment_add,
    ticket_accept_resolution,
    ticket_create,
    ticket_reject_resolution,
    ticket_update,
)
from servicedesk.tickets.services.lifecycle import apply_changes
from servicedesk.tickets.tests.generated import NOW, History, history, kept_for_module

pytestmark = pytest.mark.django_db

COUNT = 2500
_WORKING = TRANSITIONS[State.RESOLVED] - {State.CLOSED}


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker) -> History:
    with kept_for_module(django_db_blocker, count=COUNT, seed=5):
        yield history()


def offenders(generated: History, broken) -> list[str]:
    """Numbers of the tickets for which ``broken(ticket, events, comments)`` is true."""
    return [
        t.number
        for t in generated.tickets
        if broken(t, generated.events[t.id], generated.comments[t.id])
    ]


def state_moves(events) -> list[tuple]:
    return [tuple(e.changes["state"]) for e in events if "state" in e.changes]


def group_moves(events) -> list[tuple]:
    return [tuple(e.changes["assignment_group"]) for e in events if "assignment_group" in e.changes]


def test_every_ticket_was_generated(generated):
    assert len(generated.tickets) == COUNT
    assert all(generated.events[t.id][0].kind == EventKind.CREATED for t in generated.tickets)


def test_states_move_by_the_transition_table_and_end_where_the_ticket_is(generated):
    def broken(ticket, events, _):
        moves = state_moves(events)
        chained = all(a[1] == b[0] for a, b in zip(moves, moves[1:], strict=False))
        allowed = all(to in TRANSITIONS[before] for before, to in moves[1:])
        return (
            moves[0] != (None, State.NEW)
            or not chained
            or not allowed
            or moves[-1][1] != ticket.state
        )

    assert offenders(generated, broken) == []
    # The shapes the profile holds show up: closed, cancelled, still open, reopened.
    states = Counter(t.state for t in generated.tickets)
    assert states[State.CLOSED] > 0.9 * COUNT
    assert states[State.CANCELLED] > 0
    assert states[State.NEW] + states[State.ASSIGNED] + states[State.IN_PROGRESS] > 0
    assert any(t.reopen_count for t in generated.tickets)


def test_reassignment_count_is_the_number_of_group_changes(generated):
    def broken(ticket, events, _):
        moves = group_moves(events)
        chained = all(a[1] == b[0] for a, b in zip(moves, moves[1:], strict=False))
        counted = [
            e.changes["reassignment_count"] for e in events[1:] if "assignment_group" in e.changes
        ]
        return (
            not chained
            or len(moves) - 1 != ticket.reassignment_count
            or moves[-1][1] != ticket.assignment_group.name
            or counted != [[n, n + 1] for n in range(ticket.reassignment_count)]
        )

    assert offenders(generated, broken) == []
    assert max(t.reassignment_count for t in generated.tickets) >= 5


def test_reopen_count_is_the_number_of_rejected_resolutions(generated):
    def broken(ticket, events, _):
        rejected = [e for e in events if e.kind == EventKind.RESOLUTION_REJECTED]
        return len(rejected) != ticket.reopen_count or any(
            e.changes["state"][0] != State.RESOLVED
            or e.changes["state"][1] not in _WORKING
            or e.actor_id != ticket.requester_id
            or not e.message
            for e in rejected
        )

    assert offenders(generated, broken) == []


def test_resolution_and_closing_times_are_in_order_and_match_their_events(generated):
    def broken(ticket, events, _):
        resolving = [e for e in events if e.changes.get("state", [None, None])[1] == "resolved"]
        closing = [e for e in events if e.changes.get("state", [None, None])[1] == "closed"]
        if ticket.state == State.CLOSED:
            return not (
                ticket.closed_at >= ticket.resolved_at >= ticket.created_at
                and ticket.closed_at == closing[0].created_at
                and ticket.resolved_at == resolving[-1].created_at
                and ticket.resolved_by_id == resolving[-1].actor_id
                and ticket.resolution_code
            )
        if ticket.state == State.RESOLVED:
            return ticket.closed_at is not None or ticket.resolved_at != resolving[-1].created_at
        return ticket.closed_at is not None or ticket.resolved_at is not None or closing

    assert offenders(generated, broken) == []


def test_first_response_is_the_first_public_agent_comment(generated):
    agents = set(User.objects.exclude(role=Role.END_USER).values_list("pk", flat=True))

    def broken(ticket, _, comments):
        replies = [c.created_at for c in comments if c.is_public and c.author_id in agents]
        return ticket.first_response_at != (replies[0] if replies else None)

    assert offenders(generated, broken) == []
    assert sum(t.first_response_at is not None for t in generated.tickets) > COUNT / 4


def test_comments_and_their_events_are_one_to_one(generated):
    def broken(ticket, events, comments):
        said = [e for e in events if e.kind == EventKind.COMMENTED]
        return [(e.created_at, e.actor_id, not e.is_internal, e.channel) for e in said] != [
            (c.created_at, c.author_id, c.is_public, c.channel) for c in comments
        ]

    assert offenders(generated, broken) == []


def test_updated_at_is_the_last_event_and_nothing_happens_after_now(generated):
    def broken(ticket, events, comments):
        times = [e.created_at for e in events]
        return (
            ticket.created_at != times[0]
            or ticket.updated_at != times[-1]
            or times != sorted(times)
            or ticket.updated_at > NOW
            or any(c.created_at > NOW for c in comments)
        )

    assert offenders(generated, broken) == []


def test_version_counts_every_change_but_comments(generated):
    def broken(ticket, events, _):
        changes = [e for e in events[1:] if e.kind != EventKind.COMMENTED]
        return ticket.version != 1 + len(changes)

    assert offenders(generated, broken) == []


def test_the_assignee_is_a_member_of_the_assignment_group(generated):
    members = set(Membership.objects.values_list("group_id", "user_id"))

    def broken(ticket, _, __):
        if ticket.assignee_id is None:
            # Only a ticket nobody took yet has no assignee.
            return ticket.state not in (State.NEW, State.CANCELLED)
        return (ticket.assignment_group_id, ticket.assignee_id) not in members

    assert offenders(generated, broken) == []


def test_the_requesters_organisation_is_on_the_ticket(generated):
    people = {u.pk: u for u in User.objects.all()}

    def broken(ticket, _, __):
        requester = people[ticket.requester_id]
        return (
            requester.role != Role.END_USER
            or ticket.organisation_id is None
            or ticket.organisation_id != requester.organisation_id
        )

    assert offenders(generated, broken) == []


def test_numbers_of_each_kind_are_consecutive_from_one(generated):
    by_kind: dict[str, list[int]] = {}
    for ticket in generated.tickets:
        by_kind.setdefault(ticket.kind, []).append(int(ticket.number[3:]))
    assert set(by_kind) == {"incident", "request", "problem", "change"}
    for kind, numbers in by_kind.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), kind
        assert NumberSequence.objects.get(kind=kind).last == len(numbers)
    # Numbers follow creation: the older ticket has the lower number.
    for kind in by_kind:
        ordered = sorted((t for t in generated.tickets if t.kind == kind), key=lambda t: t.pk)
        assert [t.created_at for t in ordered] == sorted(t.created_at for t in ordered)


# ---- the same history through the services -------------------------------------------------


def _assignee(name: str, group: SupportGroup, ticket: Ticket) -> User:
    # Events name people; names may repeat, so prefer the person the ticket ends with.
    candidates = [u for u in group.members.all() if u.name == name]
    return next((u for u in candidates if u.pk == ticket.assignee_id), candidates[0])


def replay(ticket: Ticket, events, comments) -> Ticket:
    """Run the generated history through the services, each step at its recorded time."""
    created = events[0]
    first_group = SupportGroup.objects.get(name=created.changes["assignment_group"][1])
    with time_machine.travel(created.created_at, tick=False):
        copy = ticket_create(
            by=created.actor, requester=ticket.requester, title=ticket.title,
            description=ticket.description, kind=ticket.kind, channel=ticket.channel,
            impact=ticket.impact, urgency=ticket.urgency, category=ticket.category,
            subcategory=ticket.subcategory, assignment_group=first_group,
        )  # fmt: skip
    said = iter(comments)
    group = first_group
    for event in events[1:]:
        # Fresh for each step, as a request loads it: the services check against what they get.
        copy = Ticket.objects.select_related("assignment_group", "category").get(pk=copy.pk)
        with time_machine.travel(event.created_at, tick=False):
            step = event.changes
            if event.kind == EventKind.COMMENTED:
                comment = next(said)
                comment_add(
                    ticket=copy, by=comment.author, body=comment.body,
                    is_public=comment.is_public, channel=comment.channel,
                )  # fmt: skip
            elif event.kind == EventKind.RESOLUTION_REJECTED:
                ticket_reject_resolution(
                    ticket=copy, by=event.actor, reason=event.message, channel=event.channel
                )
            elif event.kind == EventKind.RESOLUTION_ACCEPTED:
                ticket_accept_resolution(ticket=copy, by=event.actor, channel=event.channel)
            elif event.actor is None:  # the desk closes a resolution nobody answered
                with transaction.atomic():
                    apply_changes(
                        ticket=copy, by=None, changes={"state": step["state"][1]},
                        channel=event.channel, message=event.message,
                    )  # fmt: skip
            else:
                changes = {}
                if "assignment_group" in step:
                    group = SupportGroup.objects.get(name=step["assignment_group"][1])
                    changes["assignment_group"] = group
                if "assignee" in step:
                    changes["assignee"] = _assignee(step["assignee"][1], group, ticket)
                for field in ("state", "resolution_code", "resolution_notes"):
                    if field in step:
                        changes[field] = step[field][1]
                ticket_update(ticket=copy, by=event.actor, changes=changes, channel=event.channel)
    return Ticket.objects.get(pk=copy.pk)


FACTS = (
    "kind", "title", "description", "state", "channel", "requester_id", "reported_by_id",
    "organisation_id", "category_id", "subcategory_id", "impact", "urgency", "priority",
    "assignment_group_id", "assignee_id", "reassignment_count", "reopen_count", "created_at",
    "updated_at", "first_response_at", "resolved_at", "closed_at", "resolved_by_id",
    "resolution_code", "resolution_notes", "version",
)  # fmt: skip


def facts(ticket: Ticket) -> dict:
    return {name: getattr(ticket, name) for name in FACTS}


def timeline(ticket: Ticket) -> list[tuple]:
    return [
        (e.kind, e.actor_id, e.channel, e.created_at, e.changes, e.message, e.is_internal)
        for e in ticket.events.order_by("created_at", "id")
    ]


def spoken(ticket: Ticket) -> list[tuple]:
    return [
        (c.author_id, c.body, c.is_public, c.channel, c.created_at)
        for c in ticket.comments.order_by("created_at", "id")
    ]


def varied(generated: History, per_shape: int = 12) -> list[Ticket]:
    """A few tickets of every shape (final state, reopened, reassigned, kinds of events,
    channel), and every ticket an agent kept while it moved between two of their groups."""

    def shape(t: Ticket) -> tuple:
        kinds = {e.kind for e in generated.events[t.id]}
        return (t.state, t.reopen_count > 0, t.reassignment_count > 1, len(kinds), t.channel)

    def kept_by_its_agent(t: Ticket) -> bool:
        assignee = None
        for event in generated.events[t.id][1:]:
            moved = event.changes.get("assignment_group")
            named = event.changes.get("assignee")
            if moved and assignee and (named is None or named[0] == named[1]):
                return True
            assignee = named[1] if named else assignee
        return False

    picked: dict[tuple, list[Ticket]] = {}
    for ticket in generated.tickets:
        shapes = picked.setdefault(shape(ticket), [])
        if len(shapes) < per_shape:
            shapes.append(ticket)
    kept = [t for t in generated.tickets if kept_by_its_agent(t)]
    assert kept, "no ticket moved between two groups of its assignee; choose another seed"
    return [t for tickets in picked.values() for t in tickets] + kept


def difference(copy: Ticket, ticket: Ticket) -> str:
    """What the services wrote otherwise than the generator, or "" when nothing."""
    theirs, ours = facts(copy), facts(ticket)
    fields = {k: (theirs[k], ours[k]) for k in FACTS if theirs[k] != ours[k]}
    if fields:
        return f"{ticket.number}: services, generator: {fields}"
    for what, read in (("event", timeline), ("comment", spoken)):
        for theirs_row, ours_row in zip_longest(read(copy), read(ticket)):
            if theirs_row != ours_row:
                return f"{ticket.number}: {what} by the services {theirs_row}, generated {ours_row}"
    return ""


def test_the_services_write_the_same_history(generated):
    sample = varied(generated)
    assert len(sample) > 100
    assert {t.state for t in sample} >= {State.NEW, State.CLOSED, State.CANCELLED}
    differences = []
    for ticket in sample:
        copy = replay(ticket, generated.events[ticket.id], generated.comments[ticket.id])
        differences.append(difference(copy, ticket))
    assert [d for d in differences if d] == []
