import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from servicedesk.accounts.tests.factories import AgentFactory, GroupFactory
from servicedesk.tickets.choices import EventKind, LinkKind, State
from servicedesk.tickets.models import Comment, CustomField, Ticket, TicketLink, Watch
from servicedesk.tickets.services import comment_add, link_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket


def text(body: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(body))


def edit_data(ticket: Ticket, **changes) -> dict:
    """What the edit form posts when the agent changes only ``changes``."""
    data = {
        "version": ticket.version,
        "state": ticket.state,
        "impact": ticket.impact,
        "urgency": ticket.urgency,
        "priority": ticket.priority,
        "priority_override_reason": ticket.priority_override_reason,
        "assignment_group": ticket.assignment_group_id or "",
        "assignee": ticket.assignee_id or "",
        "category": ticket.category_id or "",
        "subcategory": ticket.subcategory_id or "",
        "resolution_code": ticket.resolution_code,
        "resolution_notes": ticket.resolution_notes,
    }
    data.update(changes)
    return data


def test_ticket_page_shows_fields_timeline_and_parts(
    as_user, agent_l1_lee, requester_ann, sd_ticket, service_desk
):
    ticket_update(ticket=sd_ticket, by=agent_l1_lee,
                  changes={"assignee": agent_l1_lee, "state": State.IN_PROGRESS})  # fmt: skip
    comment_add(ticket=sd_ticket, by=agent_l1_lee, body="Engineer is on the way.")
    comment_add(ticket=sd_ticket, by=agent_l1_lee, body="Fuser worn out.", is_public=False,
                attachments=[SimpleUploadedFile("log.txt", b"E-202 jam")])  # fmt: skip
    other = make_ticket(requester=requester_ann, title="Second printer jams too")
    link_add(source=other, target=sd_ticket, kind=LinkKind.DUPLICATE_OF, by=agent_l1_lee)

    response = as_user(agent_l1_lee).get(f"/desk/tickets/{sd_ticket.number.lower()}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert sd_ticket.number in body and "Printer on floor 3 jams" in body
    assert "Ann Requester" in body and "Acme" in body
    # Events read as "field: from -> to" with labels, not stored values.
    assert "State: New → In progress" in text(body)
    assert "Assignee: — → Lee Agent" in text(body)
    # Public and internal comments look different.
    assert 'class="desk-comment public"' in body and "Engineer is on the way." in body
    assert 'class="desk-comment internal"' in body and "Internal note" in body
    attachment = sd_ticket.attachments.get()
    assert f'href="/attachments/{attachment.pk}/"' in body
    # The link shows from this side as the reverse relation.
    assert "Duplicated by" in body and other.number in body
    other_page = as_user(agent_l1_lee).get(f"/desk/tickets/{other.number}/").content.decode()
    assert "Duplicate of" in other_page and sd_ticket.number in other_page


def test_edit_changes_state_and_records_an_event(as_user, agent_l1_lee, sd_ticket):
    client = as_user(agent_l1_lee)
    url = f"/desk/tickets/{sd_ticket.number}/edit/"
    response = client.post(
        url, edit_data(sd_ticket, state=State.IN_PROGRESS, assignee=agent_l1_lee.pk)
    )
    assert response.status_code == 302
    assert response.url == f"/desk/tickets/{sd_ticket.number}/"
    sd_ticket.refresh_from_db()
    assert sd_ticket.state == State.IN_PROGRESS
    assert sd_ticket.assignee == agent_l1_lee
    event = sd_ticket.events.filter(kind=EventKind.UPDATED).get()
    assert event.actor == agent_l1_lee
    assert event.changes == {"state": ["new", "in_progress"], "assignee": [None, "Lee Agent"]}
    page = client.get(response.url).content.decode()
    assert f"{sd_ticket.number} updated." in page


def test_unchanged_form_saves_nothing(as_user, agent_l1_lee, sd_ticket):
    client = as_user(agent_l1_lee)
    response = client.post(
        f"/desk/tickets/{sd_ticket.number}/edit/", edit_data(sd_ticket), follow=True
    )
    assert "nothing to change" in response.content.decode()
    assert sd_ticket.events.count() == 1


def test_stale_version_shows_the_conflict_and_keeps_the_input(
    as_user, agent_l1_lee, lead_mo, sd_ticket
):
    stale = edit_data(sd_ticket, state=State.IN_PROGRESS, resolution_notes="My careful notes")
    ticket_update(ticket=sd_ticket, by=lead_mo, changes={"impact": 1})
    sd_ticket.refresh_from_db()
    version, events = sd_ticket.version, sd_ticket.events.count()

    response = as_user(agent_l1_lee).post(f"/desk/tickets/{sd_ticket.number}/edit/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert "changed by someone else" in body
    assert "reload the ticket" in body
    assert "My careful notes" in body
    sd_ticket.refresh_from_db()
    assert (sd_ticket.state, sd_ticket.version, sd_ticket.resolution_notes) == (
        State.NEW,
        version,
        "",
    )
    assert sd_ticket.events.count() == events


def test_invalid_transition_shows_the_error(as_user, agent_l1_lee, sd_ticket):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/", edit_data(sd_ticket, state=State.CLOSED)
    )
    assert response.status_code == 409
    assert f"{sd_ticket.number} cannot go from new to closed." in response.content.decode()
    sd_ticket.refresh_from_db()
    assert sd_ticket.state == State.NEW


def test_resolving_needs_a_code_and_nothing_is_half_saved(as_user, agent_l1_lee, sd_ticket):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/",
        edit_data(sd_ticket, state=State.RESOLVED, impact=1, resolution_notes="Replaced"),
    )
    assert response.status_code == 400
    assert "A resolution code is needed" in response.content.decode()
    assert "Required when resolving." in response.content.decode()
    sd_ticket.refresh_from_db()
    assert (sd_ticket.state, sd_ticket.impact, sd_ticket.resolution_notes) == (State.NEW, 3, "")


def test_assignee_outside_the_group_is_a_field_error(
    as_user, agent_l1_lee, agent_l2_kim, sd_ticket
):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/", edit_data(sd_ticket, assignee=agent_l2_kim.pk)
    )
    assert response.status_code == 400
    assert "Kim Agent is not a member of Service Desk." in response.content.decode()
    sd_ticket.refresh_from_db()
    assert sd_ticket.assignee is None


def test_public_reply_and_internal_note_with_attachments(as_user, agent_l1_lee, sd_ticket):
    client = as_user(agent_l1_lee)
    url = f"/desk/tickets/{sd_ticket.number}/reply/"
    response = client.post(url, {
        "body": "Please restart the printer.", "visibility": "public",
        "attachments": [SimpleUploadedFile("steps.txt", b"1. off\n2. on\n"),
                        SimpleUploadedFile("photo.txt", b"not really a photo")],
    })  # fmt: skip
    assert response.status_code == 302
    response = client.post(url, {
        "body": "Vendor ticket 4711 opened.", "visibility": "internal",
        "attachments": SimpleUploadedFile("vendor.txt", b"case 4711"),
    }, follow=True)  # fmt: skip
    assert f"Internal note added on {sd_ticket.number}." in response.content.decode()

    public, internal = Comment.objects.filter(ticket=sd_ticket).order_by("pk")
    assert (public.is_public, public.body, public.author) == (
        True,
        "Please restart the printer.",
        agent_l1_lee,
    )
    assert sorted(a.filename for a in public.attachments.all()) == ["photo.txt", "steps.txt"]
    assert (internal.is_public, internal.body) == (False, "Vendor ticket 4711 opened.")
    assert [a.filename for a in internal.attachments.all()] == ["vendor.txt"]
    sd_ticket.refresh_from_db()
    assert sd_ticket.first_response_at is not None


def test_empty_reply_is_refused_with_the_services_message(as_user, agent_l1_lee, sd_ticket):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/reply/", {"body": "  ", "visibility": "public"}
    )
    assert response.status_code == 400
    assert "A comment needs some text or an attachment." in response.content.decode()
    assert not Comment.objects.exists()


def test_links_to_visible_tickets_only(as_user, agent_l1_lee, sd_ticket, net_ticket, requester_ann):
    client = as_user(agent_l1_lee)
    other = make_ticket(requester=requester_ann, title="Same printer, floor 4")
    url = f"/desk/tickets/{sd_ticket.number}/links/"
    response = client.post(url, {"kind": LinkKind.CAUSED_BY, "target": other.number.lower()})
    assert response.status_code == 302
    assert TicketLink.objects.filter(source=sd_ticket, target=other, kind="caused_by").exists()

    response = client.post(url, {"kind": LinkKind.RELATED, "target": net_ticket.number})
    assert response.status_code == 400
    assert f"No ticket {net_ticket.number} that you can see." in response.content.decode()
    response = client.post(url, {"kind": LinkKind.RELATED, "target": sd_ticket.number})
    assert "cannot be linked to itself" in response.content.decode()
    assert TicketLink.objects.count() == 1


def test_watchers_added_by_username_or_email_and_removed(
    as_user, agent_l1_lee, requester_bob, lead_mo, sd_ticket
):
    client = as_user(agent_l1_lee)
    url = f"/desk/tickets/{sd_ticket.number}/watchers/"
    assert client.post(url, {"login": "BOB"}).status_code == 302
    assert client.post(url, {"login": "mo@example.org"}).status_code == 302
    assert set(Watch.objects.values_list("user__username", flat=True)) == {"bob", "mo"}
    page = client.get(f"/desk/tickets/{sd_ticket.number}/").content.decode()
    assert "Bob Requester" in page and "Mo Lead" in page

    response = client.post(url, {"login": "nobody@example.org"})
    assert response.status_code == 400
    assert "No active user" in response.content.decode()

    remove = f"/desk/tickets/{sd_ticket.number}/watchers/{requester_bob.pk}/remove/"
    assert client.post(remove).status_code == 302
    assert list(Watch.objects.values_list("user__username", flat=True)) == ["mo"]
    assert sd_ticket.events.filter(kind=EventKind.WATCHER_REMOVED).count() == 1


def test_other_groups_tickets_are_404_for_every_action(as_user, agent_l2_kim, sd_ticket):
    client = as_user(agent_l2_kim)
    base = f"/desk/tickets/{sd_ticket.number}/"
    assert client.get(base).status_code == 404
    assert client.post(base + "edit/", edit_data(sd_ticket, state="in_progress")).status_code == 404
    assert client.post(base + "reply/", {"body": "hi", "visibility": "public"}).status_code == 404
    assert client.post(base + "watchers/", {"login": "kim"}).status_code == 404
    sd_ticket.refresh_from_db()
    assert sd_ticket.state == State.NEW and not sd_ticket.comments.exists()


def test_actions_only_take_posts(as_user, agent_l1_lee, sd_ticket):
    assert as_user(agent_l1_lee).get(f"/desk/tickets/{sd_ticket.number}/edit/").status_code == 405


def test_ticket_page_queries_do_not_grow_with_the_agents_in_the_system(
    as_user, agent_l1_lee, lead_mo, sd_ticket, django_assert_max_num_queries
):
    client = as_user(agent_l1_lee)
    url = f"/desk/tickets/{sd_ticket.number}/"
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    for g in range(3):
        group = GroupFactory(name=f"Regional Team {g}")
        group.members.add(*(AgentFactory(username=f"reg{g}_{i}") for i in range(10)))
    # 20: the page, its Triage box (decisions, pending suggestions) and its Knowledge box
    # (articles by all words then any word, linked articles, similar resolved tickets).
    with django_assert_max_num_queries(20), CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert len(after) == len(before), [q["sql"][:80] for q in after.captured_queries]
    # The thirty are in the page's group map, but not offered for a Service Desk ticket.
    field = response.context["edit_form"]["assignee"]
    assert [label for _, label in field.field.widget.choices] == [
        "— unassigned —",
        "Lee Agent",
        "Mo Lead",
    ]


def test_a_closed_ticket_offers_no_reply_or_edit_form(
    as_user, agent_l1_lee, requester_ann, sd_ticket
):
    ticket_update(ticket=sd_ticket, by=agent_l1_lee, changes={"state": State.CANCELLED})
    page = as_user(agent_l1_lee).get(f"/desk/tickets/{sd_ticket.number}/").content.decode()
    assert "it is final and takes no more replies or changes" in page
    assert f'action="/desk/tickets/{sd_ticket.number}/edit/"' not in page
    assert f'action="/desk/tickets/{sd_ticket.number}/reply/"' not in page
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/", edit_data(sd_ticket, urgency=1)
    )
    assert response.status_code == 409
    sd_ticket.refresh_from_db()
    assert sd_ticket.urgency == 3


def test_custom_fields_show_their_labels(as_user, agent_l1_lee, requester_ann, service_desk):
    CustomField.objects.create(key="asset_tag", label="Asset tag")
    CustomField.objects.create(key="on_site", label="On site", type="boolean")
    ticket = make_ticket(
        requester=requester_ann,
        custom_fields={"asset_tag": "LT-0042", "on_site": False, "symptom": "Symptom 72"},
    )
    page = text(as_user(agent_l1_lee).get(f"/desk/tickets/{ticket.number}/").content.decode())
    assert "Asset tagLT-0042" in page
    assert "On siteNo" in page
    assert "symptomSymptom 72" in page
