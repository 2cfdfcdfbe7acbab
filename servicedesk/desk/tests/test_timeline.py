from datetime import UTC, datetime

from servicedesk.desk.timeline import (
    SHOWN,
    event_changes,
    field_label,
    timeline,
    value_label,
)
from servicedesk.tickets.choices import Channel, EventKind
from servicedesk.tickets.models import Comment, TicketEvent
from servicedesk.tickets.services import comment_add

NOON = datetime(2026, 3, 2, 12, tzinfo=UTC)


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
    entries = timeline(events=list(sd_ticket.events.all()), comments=[comment]).entries
    kinds = [e.comment.body if e.comment else e.event.kind for e in entries]
    assert kinds == ["created", "On it"]


def test_entries_carry_who_what_and_channel_as_the_page_shows_them(
    as_user, sd_ticket, agent_l1_lee
):
    comment = comment_add(ticket=sd_ticket, by=agent_l1_lee, body="On it")
    gone = Comment.objects.create(
        ticket=sd_ticket, author=None, body="From a deleted user", channel=Channel.EMAIL,
        created_at=comment.created_at,
    )  # fmt: skip
    event = TicketEvent.objects.create(
        ticket=sd_ticket, kind=EventKind.IMPORTED, actor=None, channel=Channel.API,
        created_at=comment.created_at,
    )  # fmt: skip
    entries = {
        e.comment.pk if e.comment else e.event.pk: e
        for e in timeline(events=list(sd_ticket.events.all()), comments=[comment, gone]).entries
    }
    assert (entries[comment.pk].who, entries[comment.pk].channel) == ("Lee Agent", "Desk")
    assert (entries[gone.pk].who, entries[gone.pk].channel) == ("Someone", "Email")
    assert (entries[event.pk].who, entries[event.pk].what, entries[event.pk].channel) == (
        "System",
        "Imported update",
        "API",
    )
    # A kind or channel no longer in the choices reads as stored, as get_FOO_display has it.
    retired = TicketEvent(kind="escalated", channel="fax", created_at=comment.created_at)
    [old] = timeline(events=[retired], comments=[]).entries
    assert (old.what, old.channel) == (retired.get_kind_display(), retired.get_channel_display())
    body = as_user(agent_l1_lee).get(f"/desk/tickets/{sd_ticket.number}/").content.decode()
    assert "<strong>System</strong> <span>imported update</span>" in body
    assert "<strong>Someone</strong>" in body


def test_a_long_timeline_shows_its_newest_entries_and_links_to_the_whole(
    as_user, sd_ticket, agent_l1_lee
):
    for i in range(SHOWN + 4):
        comment_add(ticket=sd_ticket, by=agent_l1_lee, body=f"Update {i}", is_public=False)
    client = as_user(agent_l1_lee)
    page = client.get(f"/desk/tickets/{sd_ticket.number}/").content.decode()

    # The created event and the first four notes are left out, the newest fifty shown.
    assert page.count('<li class="desk-comment internal"') == SHOWN
    assert ">Update 3<" not in page and ">Update 4<" in page
    assert f">Update {SHOWN + 3}<" in page
    assert "5 earlier entries not shown." in page
    assert '<a href="?timeline=all#timeline">Show the whole timeline</a>' in page

    whole = client.get(f"/desk/tickets/{sd_ticket.number}/?timeline=all").content.decode()
    assert whole.count('<li class="desk-comment internal"') == SHOWN + 4
    assert ">Update 0<" in whole and "<span>created</span>" in whole
    assert "earlier entr" not in whole


def test_the_newest_entries_are_counted_after_the_comment_events_give_way():
    events = [TicketEvent(kind=EventKind.COMMENTED, created_at=NOON) for _ in range(3)]
    comments = [Comment(body=str(i), created_at=NOON) for i in range(3)]
    shown = timeline(events=events, comments=comments, newest=2)
    assert (shown.hidden, [e.comment.body for e in shown.entries]) == (1, ["1", "2"])
