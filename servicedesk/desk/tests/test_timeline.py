from servicedesk.desk.timeline import event_changes, field_label, timeline, value_label
from servicedesk.tickets.choices import EventKind
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.services import comment_add


def test_labels_are_readable():
    assert field_label("assignment_group") == "Group"
    assert field_label("duplicate_of_from") == "Duplicated by"
    assert field_label("impact") == "Impact"
    assert value_label("state", "awaiting_user") == "Awaiting user"
    assert value_label("priority", 1) == "1 - Critical"
    assert value_label("resolution_code", "workaround") == "Solved (work around)"
    assert value_label("comment", "internal") == "internal note"
    assert value_label("assignee", None) == "—"
    assert value_label("state", "retired") == "retired"


def test_from_is_shown_for_field_changes_not_for_additions():
    update = TicketEvent(kind=EventKind.UPDATED, changes={"assignee": [None, "Lee"]})
    created = TicketEvent(kind=EventKind.CREATED, changes={"state": [None, "new"]})
    [change] = event_changes(update)
    assert (change.label, change.old, change.new, change.show_old) == ("Assignee", "—", "Lee", True)
    [change] = event_changes(created)
    assert (change.new, change.show_old) == ("New", False)


def test_comment_events_give_way_to_the_comment(sd_ticket, agent_l1_lee):
    comment = comment_add(ticket=sd_ticket, by=agent_l1_lee, body="On it")
    entries = timeline(events=list(sd_ticket.events.all()), comments=[comment])
    kinds = [e.comment.body if e.comment else e.event.kind for e in entries]
    assert kinds == ["created", "On it"]
