"""The peer benchmark's export: how our tickets become django-helpdesk's (bench/peer/)."""

from datetime import UTC, datetime

import pytest

from bench.peer import mapping
from bench.peer.source_desk import generated, login_person, records
from servicedesk.accounts.models import SupportGroup
from servicedesk.tickets.choices import Priority, State
from servicedesk.tickets.generate.writer import generate_tickets
from servicedesk.tickets.models import Comment
from servicedesk.tickets.tests.factories import make_ticket

# Every one of our states, and the helpdesk status it becomes (never reopened / reopened).
STATUS_OF = {
    State.NEW: (mapping.OPEN, mapping.REOPENED),
    State.ASSIGNED: (mapping.OPEN, mapping.REOPENED),
    State.IN_PROGRESS: (mapping.OPEN, mapping.REOPENED),
    State.AWAITING_USER: (mapping.OPEN, mapping.REOPENED),
    State.AWAITING_VENDOR: (mapping.OPEN, mapping.REOPENED),
    State.AWAITING_CHANGE: (mapping.OPEN, mapping.REOPENED),
    State.RESOLVED: (mapping.RESOLVED, mapping.RESOLVED),
    State.CLOSED: (mapping.CLOSED, mapping.CLOSED),
    State.CANCELLED: (mapping.CLOSED, mapping.CLOSED),
}
AT = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)
LEE = mapping.person(
    username="lee", email="lee@desk.example", first_name="Lee", last_name="Agent", staff=True
)
ANN = mapping.person(
    username="ann", email="ann@acme.example", first_name="Ann", last_name="User", staff=False
)


def _ticket(**changes):
    row = {
        "number": "INC0000042", "title": "VPN drops", "description": "Every few minutes.",
        "group": "Network Team", "priority": 2, "state": "in_progress", "reopen_count": 0,
        "created_at": AT, "updated_at": AT.replace(hour=11), "requester_email": "ann@acme.example",
        "assignee": LEE, "resolution_notes": "",
    }  # fmt: skip
    return {**row, **changes}


def test_every_state_has_a_status():
    assert set(STATUS_OF) == set(State)
    for state, (fresh, reopened) in STATUS_OF.items():
        assert mapping.status(state.value) == fresh, state
        assert mapping.status(state.value, reopen_count=2) == reopened, state


def test_status_numbers_are_helpdesks():
    assert (mapping.OPEN, mapping.REOPENED, mapping.RESOLVED, mapping.CLOSED) == (1, 2, 3, 4)


def test_an_unknown_state_is_refused():
    with pytest.raises(ValueError, match="unknown ticket state 'paused'"):
        mapping.status("paused")


def test_priorities_keep_their_meaning():
    # Ours: 1 critical, 2 high, 3 moderate, 4 low; helpdesk's: 1 critical .. 4 low, 5 very low.
    assert {p.value: mapping.priority(p.value) for p in Priority} == {1: 1, 2: 2, 3: 3, 4: 4}
    for wrong in (0, 5):
        with pytest.raises(ValueError, match="priority must be 1 to 4"):
            mapping.priority(wrong)


def test_only_the_awaiting_states_are_on_hold():
    held = {s for s in State if mapping.ticket_record(_ticket(state=s.value), [])["on_hold"]}
    assert held == {State.AWAITING_USER, State.AWAITING_VENDOR, State.AWAITING_CHANGE}


def test_a_ticket_record_carries_every_field_and_its_comments():
    comments = [
        {"author": ANN, "body": "Still dropping.", "is_public": True, "created_at": AT},
        {"author": LEE, "body": "Checking the tunnel.", "is_public": False,
         "created_at": AT.replace(hour=10)},
    ]  # fmt: skip
    record = mapping.ticket_record(_ticket(reopen_count=1), comments)
    assert record == {
        "number": "INC0000042",
        "queue": "Network Team",
        "title": "VPN drops",
        "description": "Every few minutes.",
        "priority": 2,
        "status": mapping.REOPENED,
        "on_hold": False,
        "created": "2025-03-14T09:26:53+00:00",
        "modified": "2025-03-14T11:26:53+00:00",
        "submitter_email": "ann@acme.example",
        "assigned_to": LEE,
        "resolution": None,
        "followups": [
            {"date": "2025-03-14T09:26:53+00:00", "title": "Comment",
             "comment": "Still dropping.", "public": True, "user": ANN},
            {"date": "2025-03-14T10:26:53+00:00", "title": "Comment",
             "comment": "Checking the tunnel.", "public": False, "user": LEE},
        ],
    }  # fmt: skip


def test_resolution_notes_long_titles_and_unassigned_tickets():
    record = mapping.ticket_record(
        _ticket(title="x" * 255, state="resolved", assignee=None, resolution_notes="Rebooted."),
        [],
    )
    assert record["title"] == "x" * 197 + "..."
    assert len(record["title"]) == mapping.TITLE_MAX
    assert record["status"] == mapping.RESOLVED
    assert record["assigned_to"] is None
    assert record["resolution"] == "Rebooted."
    assert mapping.title("y" * 200) == "y" * 200


def test_a_ticket_without_a_group_or_with_naive_times_is_refused():
    with pytest.raises(ValueError, match="INC0000042 has no group"):
        mapping.ticket_record(_ticket(group=None), [])
    with pytest.raises(ValueError, match="timezone-aware"):
        mapping.ticket_record(_ticket(created_at=datetime(2025, 3, 14, 9, 0)), [])


@pytest.mark.django_db
def test_the_export_reads_generated_tickets_as_they_are_stored(requester_ann, service_desk):
    generate_tickets(count=60, seed=7, now=AT)
    theirs = make_ticket(requester=requester_ann)  # raised by hand, after: not exported
    tickets = list(generated().select_related("assignment_group", "requester", "assignee"))
    assert len(tickets) == 60

    exported = list(records(50))
    assert [r["number"] for r in exported] == [t.number for t in tickets[:50]]
    for ticket, record in zip(tickets, exported, strict=False):
        assert record["queue"] == ticket.assignment_group.name
        assert record["submitter_email"] == ticket.requester.email
        assert record["status"] == mapping.status(ticket.state, reopen_count=ticket.reopen_count)
        assert record["priority"] == ticket.priority
        assert record["created"] == ticket.created_at.isoformat()
        assert record["modified"] == ticket.updated_at.isoformat()
        if ticket.assignee is None:
            assert record["assigned_to"] is None
        else:
            assert record["assigned_to"]["username"] == ticket.assignee.username
            assert record["assigned_to"]["staff"] is True
        comments = Comment.objects.filter(ticket=ticket).order_by("created_at", "pk")
        assert [(f["comment"], f["public"]) for f in record["followups"]] == [
            (c.body, c.is_public) for c in comments
        ]
    assert sum(len(r["followups"]) for r in exported) > 0
    assert any(not f["public"] for r in exported for f in r["followups"])
    assert len(list(records(100))) == 60
    assert theirs.number not in {r["number"] for r in records(100)}


@pytest.mark.django_db
def test_the_login_is_the_service_desk_lead():
    generate_tickets(count=5, seed=1, now=AT)
    lead = SupportGroup.objects.get(name="Service Desk").lead
    who = login_person()
    assert who["username"] == lead.username
    assert who["staff"] is True
