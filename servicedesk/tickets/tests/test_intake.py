import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.accounts.tests.factories import AgentFactory
from servicedesk.core import config
from servicedesk.core.errors import ValidationFailed
from servicedesk.tickets.choices import Channel, EventKind, Kind, State
from servicedesk.tickets.models import (
    Attachment,
    Category,
    NumberSequence,
    PriorityMatrixCell,
    Ticket,
)
from servicedesk.tickets.services import _common, ticket_create
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_numbers_are_per_kind(requester_ann, service_desk):
    first = make_ticket(requester=requester_ann)
    request = make_ticket(requester=requester_ann, kind=Kind.REQUEST)
    second = make_ticket(requester=requester_ann)
    problem = make_ticket(requester=requester_ann, kind=Kind.PROBLEM)
    change = make_ticket(requester=requester_ann, kind=Kind.CHANGE)
    assert [first.number, second.number] == ["INC0000001", "INC0000002"]
    assert request.number == "REQ0000001"
    assert problem.number == "PRB0000001"
    assert change.number == "CHG0000001"


def test_numbering_continues_after_the_sequence(requester_ann, service_desk):
    NumberSequence.objects.create(kind=Kind.INCIDENT, last=34_000)
    assert make_ticket(requester=requester_ann).number == "INC0034001"


def test_numbering_without_update_returning(requester_ann, service_desk, monkeypatch):
    # SQLite before 3.35 has no UPDATE ... RETURNING: the sequence is bumped, then read.
    monkeypatch.setattr(_common, "_update_returning", lambda: False)
    first, second = make_ticket(requester=requester_ann), make_ticket(requester=requester_ann)
    assert [first.number, second.number] == ["INC0000001", "INC0000002"]
    assert NumberSequence.objects.get(kind=Kind.INCIDENT).last == 2


def test_numbering_uses_update_returning_where_the_database_has_it(requester_ann, service_desk):
    make_ticket(requester=requester_ann)
    with CaptureQueriesContext(connection) as queries:
        assert _common.next_number(Kind.INCIDENT) == "INC0000002"
    assert len(queries) == 1
    assert "RETURNING" in queries[0]["sql"]


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"),
    [
        (1, 1, 1),
        (1, 2, 2),
        (1, 3, 3),
        (2, 1, 2),
        (2, 2, 3),
        (2, 3, 4),
        (3, 1, 3),
        (3, 2, 4),
        (3, 3, 4),
    ],
)
def test_priority_follows_the_default_matrix(
    requester_ann, service_desk, impact, urgency, priority
):
    ticket = make_ticket(requester=requester_ann, impact=impact, urgency=urgency)
    assert ticket.priority == priority
    assert ticket.priority_override_reason == ""


def test_matrix_is_configurable(requester_ann, service_desk):
    PriorityMatrixCell.objects.filter(impact=3, urgency=3).update(priority=3)
    config.changed()  # update() sends no signal (core.config)
    assert make_ticket(requester=requester_ann, impact=3, urgency=3).priority == 3


def test_priority_override_needs_a_reason(requester_ann, agent_l1_lee):
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, by=agent_l1_lee, impact=3, urgency=3, priority=1)
    assert "priority_override_reason" in error.value.fields
    assert Ticket.objects.count() == 0
    ticket = make_ticket(
        requester=requester_ann, by=agent_l1_lee, impact=3, urgency=3, priority=1,
        priority_override_reason="CEO's laptop before the board meeting",
    )  # fmt: skip
    assert ticket.priority == 1
    assert ticket.events.get().message == "CEO's laptop before the board meeting"


def test_created_event_records_the_starting_values(requester_ann, service_desk):
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2, channel=Channel.EMAIL)
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED
    assert event.actor == requester_ann
    assert event.channel == Channel.EMAIL
    assert event.changes["priority"] == [None, 3]
    assert event.changes["state"] == [None, State.NEW]
    assert event.changes["assignment_group"] == [None, "Service Desk"]


def test_unrouted_ticket_goes_to_the_service_desk_and_category_group_wins(
    requester_ann, service_desk, network_team
):
    network = Category.objects.create(name="Network", default_group=network_team)
    assert make_ticket(requester=requester_ann).assignment_group == service_desk
    assert make_ticket(requester=requester_ann, category=network).assignment_group == network_team


def test_an_inactive_category_group_falls_back_to_the_service_desk(
    requester_ann, service_desk, network_team
):
    network_team.is_active = False
    network_team.save()
    network = Category.objects.create(name="Network", default_group=network_team)
    assert make_ticket(requester=requester_ann, category=network).assignment_group == service_desk


def test_agent_logging_a_call_is_reported_by(requester_ann, agent_l1_lee):
    ticket = make_ticket(requester=requester_ann, by=agent_l1_lee, channel=Channel.PHONE)
    assert ticket.reported_by == agent_l1_lee
    assert ticket.requester == requester_ann
    assert ticket.organisation == requester_ann.organisation


def test_assignee_on_create_means_assigned(requester_ann, agent_l1_lee, service_desk):
    ticket = make_ticket(requester=requester_ann, by=agent_l1_lee, assignee=agent_l1_lee)
    assert ticket.state == State.ASSIGNED
    assert ticket.assignment_group == service_desk


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"impact": 7}, "impact"),
        ({"urgency": 0}, "urgency"),
        ({"kind": "incidentt"}, "kind"),
        ({"channel": "fax"}, "channel"),
        ({"priority": 9, "priority_override_reason": "because"}, "priority"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(
    requester_ann, service_desk, fields, bad_field
):
    fields = {"title": "VPN drops every hour", **fields}
    with pytest.raises(ValidationFailed) as error:
        ticket_create(by=requester_ann, requester=requester_ann, **fields)
    assert bad_field in error.value.fields
    assert Ticket.objects.count() == 0


def test_subcategory_must_belong_to_the_category(requester_ann, service_desk):
    network = Category.objects.create(name="Network")
    hardware = Category.objects.create(name="Hardware")
    printer = Category.objects.create(name="Printer", parent=hardware)
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, category=network, subcategory=printer)
    assert "subcategory" in error.value.fields


def test_assignee_must_be_an_agent_of_the_group(
    requester_ann, requester_bob, agent_l2_kim, service_desk
):
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, assignee=requester_bob)
    assert "assignee" in error.value.fields
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, assignment_group=service_desk, assignee=agent_l2_kim)
    assert "assignee" in error.value.fields


def test_attachments_are_stored_with_sniffed_type(requester_ann, service_desk):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    upload = SimpleUploadedFile("screenshot.txt", png, content_type="text/plain")
    ticket = make_ticket(requester=requester_ann, attachments=[upload])
    attachment = ticket.attachments.get()
    assert attachment.content_type == "image/png"
    assert attachment.filename == "screenshot.txt"
    assert attachment.size == len(png)
    with attachment.file.open("rb") as stored:
        assert stored.read() == png


def test_attachment_over_the_limit_stores_nothing(requester_ann, service_desk, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    upload = SimpleUploadedFile("dump.bin", b"x" * 1001)
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, attachments=[upload])
    assert "attachments" in error.value.fields
    assert "1000" in error.value.message or "limit" in error.value.message
    assert Ticket.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_attachment_filename_is_reduced_to_a_safe_base_name(requester_ann, service_desk):
    upload = SimpleUploadedFile("../../etc/passwd", b"root:x:0:0")
    ticket = make_ticket(requester=requester_ann, attachments=[upload])
    attachment = ticket.attachments.get()
    assert attachment.filename == "passwd"
    assert attachment.content_type == "text/plain"
    assert ".." not in attachment.file.name


def test_named_agent_takes_a_group_they_belong_to(
    requester_ann, service_desk, network_team, agent_l2_kim
):
    network = Category.objects.create(name="Network", default_group=network_team)
    ticket = make_ticket(
        requester=requester_ann,
        category=Category.objects.create(name="Printing"),
        assignee=agent_l2_kim,
    )
    assert ticket.assignment_group == network_team
    assert (
        make_ticket(
            requester=requester_ann, category=network, assignee=agent_l2_kim
        ).assignment_group
        == network_team
    )
    loner = AgentFactory(username="solo")
    with pytest.raises(ValidationFailed) as error:
        make_ticket(requester=requester_ann, assignee=loner)
    assert "assignee" in error.value.fields
