import pytest

from servicedesk.core.errors import (
    EditConflict,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from servicedesk.tickets.choices import TRANSITIONS, EventKind, State
from servicedesk.tickets.models.activity import AppendOnlyError
from servicedesk.tickets.services import (
    comment_add,
    link_add,
    ticket_accept_resolution,
    ticket_reject_resolution,
    ticket_reopen,
    ticket_update,
    watcher_add,
    watcher_remove,
)
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester_ann, service_desk):
    return make_ticket(requester=requester_ann, title="Outlook crashes on start")


def resolve(ticket, agent):
    return ticket_update(
        ticket=ticket, by=agent, changes={"state": State.RESOLVED, "resolution_code": "solved"}
    )


def test_transition_table_shape():
    assert TRANSITIONS[State.CLOSED] == frozenset()
    assert TRANSITIONS[State.CANCELLED] == frozenset()
    assert State.NEW not in TRANSITIONS[State.RESOLVED]
    assert State.CLOSED not in TRANSITIONS[State.IN_PROGRESS]
    assert State.IN_PROGRESS in TRANSITIONS[State.RESOLVED]


def test_update_records_from_and_to(ticket, agent_l1_lee):
    updated = ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={"assignee": agent_l1_lee, "impact": 1, "urgency": 1},
    )
    assert updated.state == State.ASSIGNED
    assert updated.priority == 1
    assert updated.version == 2
    event = updated.events.last()
    assert event.kind == EventKind.UPDATED
    assert event.actor == agent_l1_lee
    assert event.changes == {
        "assignee": [None, "Lee Agent"],
        "impact": [3, 1],
        "urgency": [3, 1],
        "state": ["new", "assigned"],
        "priority": [4, 1],
    }


def test_unchanged_values_record_nothing(ticket, agent_l1_lee):
    same = ticket_update(
        ticket=ticket, by=agent_l1_lee, changes={"impact": 3, "title": ticket.title}
    )
    assert same.version == 1
    assert ticket.events.count() == 1


def test_only_agents_change_fields(ticket, requester_ann):
    with pytest.raises(PermissionDenied):
        ticket_update(ticket=ticket, by=requester_ann, changes={"impact": 1})


def test_unknown_field_and_unknown_state_are_refused(ticket, agent_l1_lee):
    with pytest.raises(ValidationFailed) as error:
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"number": "INC9"})
    assert "number" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": "on_fire"})
    assert "state" in error.value.fields


def test_closing_an_open_ticket_is_not_allowed(ticket, agent_l1_lee):
    with pytest.raises(TransitionNotAllowed):
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.CLOSED})
    ticket.refresh_from_db()
    assert ticket.state == State.NEW
    assert ticket.events.count() == 1


def test_resolving_needs_a_resolution_code(ticket, agent_l1_lee):
    with pytest.raises(ValidationFailed) as error:
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"state": State.RESOLVED})
    assert "resolution_code" in error.value.fields
    resolved = resolve(ticket, agent_l1_lee)
    assert resolved.resolved_at is not None
    assert resolved.resolved_by == agent_l1_lee


def test_stale_version_is_a_conflict_and_changes_nothing(ticket, agent_l1_lee, lead_mo):
    ticket_update(ticket=ticket, by=lead_mo, changes={"urgency": 1}, expected_version=1)
    with pytest.raises(EditConflict):
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"urgency": 2}, expected_version=1)
    ticket.refresh_from_db()
    assert ticket.urgency == 1
    assert ticket.version == 2


def test_reopen_counts_and_clears_resolution_time(ticket, agent_l1_lee):
    resolve(ticket, agent_l1_lee)
    with pytest.raises(ValidationFailed):
        ticket_reopen(ticket=ticket, by=agent_l1_lee, reason=" ")
    reopened = ticket_reopen(ticket=ticket, by=agent_l1_lee, reason="Crashes again after update")
    assert reopened.state == State.ASSIGNED
    assert reopened.reopen_count == 1
    assert reopened.resolved_at is None
    assert reopened.events.last().message == "Crashes again after update"


def test_requester_accepts_or_rejects(ticket, agent_l1_lee, requester_ann, requester_bob):
    resolve(ticket, agent_l1_lee)
    with pytest.raises(PermissionDenied):
        ticket_accept_resolution(ticket=ticket, by=requester_bob)
    rejected = ticket_reject_resolution(ticket=ticket, by=requester_ann, reason="Still crashes")
    assert rejected.reopen_count == 1
    assert rejected.events.last().kind == EventKind.RESOLUTION_REJECTED
    resolve(rejected, agent_l1_lee)
    closed = ticket_accept_resolution(ticket=ticket, by=requester_ann)
    assert closed.state == State.CLOSED
    assert closed.closed_at is not None
    with pytest.raises(TransitionNotAllowed):
        ticket_accept_resolution(ticket=ticket, by=requester_ann)


def test_group_change_counts_a_reassignment_and_drops_a_foreign_assignee(
    ticket, agent_l1_lee, agent_l2_kim, network_team
):
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"assignee": agent_l1_lee})
    moved = ticket_update(
        ticket=ticket, by=agent_l1_lee, changes={"assignment_group": network_team}
    )
    assert moved.reassignment_count == 1
    assert moved.assignee is None
    moved = ticket_update(ticket=moved, by=agent_l2_kim, changes={"assignee": agent_l2_kim})
    assert moved.assignee == agent_l2_kim


def test_requester_change_moves_organisation_and_renews_the_status_token(
    ticket, agent_l1_lee, requester_bob
):
    old_token = ticket.access_token
    changed = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"requester": requester_bob})
    assert changed.organisation == requester_bob.organisation
    assert changed.access_token != old_token
    assert len(changed.access_token) >= 32


def test_first_public_agent_reply_is_the_first_response(ticket, agent_l1_lee, requester_ann):
    comment_add(ticket=ticket, by=agent_l1_lee, body="Checking the logs", is_public=False)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    comment_add(ticket=ticket, by=requester_ann, body="Any news?")
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    comment_add(ticket=ticket, by=agent_l1_lee, body="Please try safe mode")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_requester_reply_brings_waiting_ticket_back(ticket, agent_l1_lee, requester_ann):
    ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={"assignee": agent_l1_lee, "state": State.AWAITING_USER},
    )
    comment_add(ticket=ticket, by=requester_ann, body="Here is the log file")
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS


def test_end_users_cannot_write_internal_notes_and_closed_tickets_take_no_comment(
    ticket, agent_l1_lee, requester_ann
):
    with pytest.raises(ValidationFailed):
        comment_add(ticket=ticket, by=requester_ann, body="psst", is_public=False)
    resolve(ticket, agent_l1_lee)
    ticket_accept_resolution(ticket=ticket, by=requester_ann)
    with pytest.raises(ValidationFailed) as error:
        comment_add(ticket=ticket, by=requester_ann, body="one more thing")
    assert error.value.code == "ticket_closed"
    assert ticket.comments.count() == 0


def test_events_are_append_only(ticket):
    event = ticket.events.get()
    event.message = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_only_agents_reopen_and_only_resolved_tickets(ticket, agent_l1_lee, requester_ann):
    with pytest.raises(TransitionNotAllowed):
        ticket_reopen(ticket=ticket, by=agent_l1_lee, reason="not even resolved")
    resolve(ticket, agent_l1_lee)
    with pytest.raises(PermissionDenied):
        ticket_reopen(ticket=ticket, by=requester_ann, reason="requesters reject instead")
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED
    assert ticket.reopen_count == 0


def test_only_agents_link_tickets_and_choose_watchers(
    ticket, requester_ann, requester_bob, agent_l1_lee
):
    other = make_ticket(requester=requester_ann, title="Second screen flickers")
    with pytest.raises(PermissionDenied):
        link_add(source=ticket, target=other, kind="related", by=requester_ann)
    with pytest.raises(PermissionDenied):
        watcher_add(ticket=ticket, user=requester_bob, by=requester_ann)
    watcher_add(ticket=ticket, user=requester_bob, by=agent_l1_lee)
    watcher_remove(ticket=ticket, user=requester_bob, by=requester_bob)
    assert not ticket.watchers.exists()
    assert [e.kind for e in ticket.events.all()][-2:] == [
        EventKind.WATCHER_ADDED,
        EventKind.WATCHER_REMOVED,
    ]


def test_closed_and_cancelled_tickets_are_read_only(ticket, agent_l1_lee, requester_ann):
    resolve(ticket, agent_l1_lee)
    with pytest.raises(ValidationFailed):
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"resolution_code": ""})
    ticket_accept_resolution(ticket=ticket, by=requester_ann)
    with pytest.raises(TransitionNotAllowed) as error:
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"title": "Rewritten history"})
    assert "closed ticket cannot be changed" in error.value.message
    ticket.refresh_from_db()
    assert ticket.title == "Outlook crashes on start"


def test_link_events_are_for_agents_only(ticket, requester_ann, agent_l1_lee):
    other = make_ticket(requester=requester_ann, title="Second screen flickers")
    link_add(source=ticket, target=other, kind="related", by=agent_l1_lee)
    assert ticket.events.filter(kind=EventKind.LINKED, is_internal=True).count() == 1
    assert other.events.filter(kind=EventKind.LINKED, is_internal=True).count() == 1


def test_text_that_no_database_stores_is_refused(ticket, agent_l1_lee, requester_ann):
    with pytest.raises(ValidationFailed) as error:
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"custom_fields": {"note": "\ud800"}})
    assert "custom_fields.note" in error.value.fields
    with pytest.raises(ValidationFailed):
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"custom_fields": {"\ud800": 1}})
    with pytest.raises(ValidationFailed):
        ticket_update(ticket=ticket, by=agent_l1_lee, changes={"description": "nul \x00 byte"})
    with pytest.raises(ValidationFailed):
        comment_add(ticket=ticket, by=requester_ann, body="broken \udfff text")
    ticket.refresh_from_db()
    assert ticket.version == 1
    assert ticket.custom_fields == {}


def test_a_reply_leaves_an_open_edit_form_valid(ticket, agent_l1_lee):
    comment_add(ticket=ticket, by=agent_l1_lee, body="Please try safe mode")
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None
    assert ticket.version == 1
    updated = ticket_update(
        ticket=ticket, by=agent_l1_lee, changes={"urgency": 2}, expected_version=1
    )
    assert updated.urgency == 2
