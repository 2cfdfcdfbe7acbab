"""Raising, reading and changing tickets through /api/v1/tickets/."""

import pytest

from servicedesk.api.tests.helpers import TICKETS, error, url
from servicedesk.tickets.choices import Channel, EventKind, Kind, State
from servicedesk.tickets.models import Category, Ticket, TicketEvent
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_end_user_raises_a_ticket_for_themselves(client_for, requester_ann, service_desk, hardware):
    response = client_for(requester_ann).post(
        TICKETS,
        {"title": "  Laptop will not boot ", "description": "Black screen", "impact": 2,
         "urgency": 1, "category": hardware.pk, "kind": "request"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    ticket = Ticket.objects.get()
    assert body["number"] == ticket.number == "REQ0000001"
    assert response["Location"] == url(ticket)
    assert response["ETag"] == '"1"'
    assert body["title"] == "Laptop will not boot"
    assert body["requester"] == {"id": requester_ann.pk, "name": "Ann Requester"}
    assert body["category"] == {"id": hardware.pk, "name": "Hardware"}
    assert body["assignment_group"] == {"id": service_desk.pk, "name": "Service Desk"}
    assert (body["impact"], body["urgency"], body["priority"]) == (2, 1, 2)
    assert body["channel"] == Channel.API
    assert body["organisation"]["name"] == "Acme"
    assert "access_token" not in body
    assert ticket.events.get().channel == Channel.API


def test_agent_raises_a_ticket_for_a_requester(
    client_for, agent_l1_lee, requester_bob, service_desk
):
    response = client_for(agent_l1_lee).post(
        TICKETS,
        {"title": "VPN drops", "requester": requester_bob.pk, "channel": "phone",
         "assignee": agent_l1_lee.pk, "assignment_group": service_desk.pk,
         "custom_fields": {"site": "Leeds", "floor": 3}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    ticket = Ticket.objects.get()
    assert ticket.requester == requester_bob
    assert ticket.reported_by == agent_l1_lee
    assert ticket.channel == Channel.PHONE
    assert ticket.state == State.ASSIGNED
    assert ticket.custom_fields == {"site": "Leeds", "floor": 3}
    assert response.json()["assignee"] == {"id": agent_l1_lee.pk, "name": "Lee Agent"}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 256}, "title"),
        ({"title": "Ok", "impact": 7}, "impact"),
        ({"title": "Ok", "urgency": "high"}, "urgency"),
        ({"title": "Ok", "kind": "change"}, "kind"),
        ({"title": "Ok", "assignee": 1}, "assignee"),
        ({"title": "Ok", "priority": 1}, "priority"),
        ({"title": "Ok", "colour": "red"}, "colour"),
        ({"title": "Ok", "category": 999999}, "category"),
        ({"title": "Ok", "category": 2**70}, "category"),
        ({"title": "Ok", "description": "bad \x00 byte"}, "description"),
    ],
)
def test_end_user_create_refuses_bad_input(client_for, requester_ann, payload, field):
    response = client_for(requester_ann).post(TICKETS, payload, format="json")
    assert response.status_code == 400
    err = error(response)
    assert err["code"] == "validation_error"
    assert field in err["fields"]
    assert not Ticket.objects.exists()


def test_end_user_is_told_which_fields_are_for_agents(client_for, requester_ann, agent_l1_lee):
    response = client_for(requester_ann).post(
        TICKETS, {"title": "Ok", "assignee": agent_l1_lee.pk, "colour": "red"}, format="json"
    )
    fields = error(response)["fields"]
    assert fields == {"assignee": ["Only agents can set this field."], "colour": ["Unknown field."]}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "Ok", "custom_fields": ["not", "an", "object"]}, "custom_fields"),
        ({"title": "Ok", "priority": 1}, "priority_override_reason"),
        ({"title": "Ok", "channel": "desk"}, "channel"),
        ({"title": "Ok", "requester": "ann"}, "requester"),
        (
            {"title": "Ok", "priority_override_reason": "x" * 501, "priority": 1},
            "priority_override_reason",
        ),
    ],
)
def test_agent_create_refuses_bad_input(client_for, agent_l1_lee, service_desk, payload, field):
    response = client_for(agent_l1_lee).post(TICKETS, payload, format="json")
    assert response.status_code == 400
    assert field in error(response)["fields"]
    assert not Ticket.objects.exists()


def test_a_subcategory_of_another_category_is_refused(client_for, agent_l1_lee, printer, db):
    other = Category.objects.create(name="Software")
    response = client_for(agent_l1_lee).post(
        TICKETS, {"title": "Ok", "category": other.pk, "subcategory": printer.pk}, format="json"
    )
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["subcategory"]


def test_retrieve_by_number_sends_the_version_as_etag(client_for, requester_ann):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(requester_ann).get(url(ticket.number.lower()))
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1
    assert response.json()["number"] == ticket.number


def test_unknown_ticket_is_404(client_for, agent_l1_lee):
    response = client_for(agent_l1_lee).get(url("INC9999999"))
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


def test_patch_changes_only_the_fields_sent(client_for, agent_l1_lee, requester_ann, service_desk):
    ticket = make_ticket(requester=requester_ann, description="Paper jam")
    response = client_for(agent_l1_lee).patch(
        url(ticket), {"title": "Printer jams on A3", "impact": 1, "urgency": 2}, format="json"
    )
    assert response.status_code == 200, response.json()
    ticket.refresh_from_db()
    assert (ticket.title, ticket.description, ticket.priority) == (
        "Printer jams on A3",
        "Paper jam",
        2,
    )
    assert ticket.version == 2
    assert response["ETag"] == '"2"'
    event = ticket.events.filter(kind=EventKind.UPDATED).get()
    assert event.channel == Channel.API
    assert event.changes["title"] == ["Printer on floor 3 jams", "Printer jams on A3"]


def test_patch_moves_state_along_the_transition_table(
    client_for, agent_l1_lee, requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann)
    client = client_for(agent_l1_lee)
    assert client.patch(url(ticket), {"state": "in_progress"}, format="json").status_code == 200
    response = client.patch(
        url(ticket), {"state": "resolved", "resolution_code": "solved",
                      "resolution_notes": "Cleared the jam"}, format="json",
    )  # fmt: skip
    assert response.status_code == 200
    assert response.json()["state"] == "resolved"
    assert response.json()["resolved_by"] == {"id": agent_l1_lee.pk, "name": "Lee Agent"}


def test_patch_refuses_a_transition_the_table_does_not_allow(
    client_for, agent_l1_lee, requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann)
    client = client_for(agent_l1_lee)
    client.patch(url(ticket), {"state": "cancelled"}, format="json")
    response = client.patch(url(ticket), {"state": "in_progress"}, format="json")
    assert response.status_code == 409
    err = error(response)
    assert err["code"] == "transition_not_allowed"
    assert "state" in err["fields"]
    ticket.refresh_from_db()
    assert ticket.state == State.CANCELLED


def test_resolving_without_a_resolution_code_is_400(
    client_for, agent_l1_lee, requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(agent_l1_lee).patch(url(ticket), {"state": "resolved"}, format="json")
    assert response.status_code == 400
    assert error(response)["fields"] == {"resolution_code": ["Required when resolving."]}
    ticket.refresh_from_db()
    assert ticket.state == State.NEW


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"state": "fixed"}, "state"),
        ({"impact": 7}, "impact"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"requester": None}, "requester"),
        ({"number": "INC1"}, "number"),
        ({"version": 0}, "version"),
        ({"version": "one"}, "version"),
        ({"resolution_code": "magic"}, "resolution_code"),
        ({"assignee": -1}, "assignee"),
    ],
)
def test_patch_refuses_bad_input(
    client_for, agent_l1_lee, requester_ann, service_desk, payload, field
):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(agent_l1_lee).patch(url(ticket), payload, format="json")
    assert response.status_code == 400
    assert field in error(response)["fields"]
    ticket.refresh_from_db()
    assert ticket.version == 1


def test_end_user_cannot_patch(client_for, requester_ann):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(requester_ann).patch(url(ticket), {"title": "Mine"}, format="json")
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    ticket.refresh_from_db()
    assert ticket.title == "Printer on floor 3 jams"


def test_stale_if_match_is_an_edit_conflict(
    client_for, agent_l1_lee, lead_mo, requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann)
    etag = client_for(agent_l1_lee).get(url(ticket))["ETag"]
    assert (
        client_for(lead_mo)
        .patch(url(ticket), {"impact": 1}, format="json", HTTP_IF_MATCH=etag)
        .status_code
        == 200
    )
    response = client_for(agent_l1_lee).patch(
        url(ticket), {"title": "Lee's edit"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 409
    assert error(response)["code"] == "edit_conflict"
    ticket.refresh_from_db()
    assert (ticket.title, ticket.impact, ticket.version) == ("Printer on floor 3 jams", 1, 2)


def test_stale_version_field_is_an_edit_conflict(
    client_for, agent_l1_lee, requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann)
    client = client_for(agent_l1_lee)
    assert client.patch(url(ticket), {"impact": 2, "version": 1}, format="json").status_code == 200
    response = client.patch(url(ticket), {"impact": 1, "version": 1}, format="json")
    assert error(response)["code"] == "edit_conflict"
    assert response.status_code == 409
    # A current version applies.
    assert client.patch(url(ticket), {"impact": 1, "version": 2}, format="json").status_code == 200


def test_patch_without_a_version_applies(
    client_for, agent_l1_lee, lead_mo, requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann)
    client_for(lead_mo).patch(url(ticket), {"impact": 1}, format="json")
    response = client_for(agent_l1_lee).patch(url(ticket), {"urgency": 1}, format="json")
    assert response.status_code == 200
    assert (response.json()["impact"], response.json()["urgency"], response.json()["priority"]) == (
        1,
        1,
        1,
    )


@pytest.mark.parametrize("if_match", ["abc", '"1"x', "W/1.5", '"1'])
def test_malformed_if_match_is_400(client_for, agent_l1_lee, requester_ann, service_desk, if_match):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(agent_l1_lee).patch(
        url(ticket), {"impact": 1}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 400
    assert "If-Match" in error(response)["fields"]


def test_if_match_and_version_must_agree(client_for, agent_l1_lee, requester_ann, service_desk):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(agent_l1_lee).patch(
        url(ticket), {"impact": 1, "version": 2}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert "version" in error(response)["fields"]


def _resolved(requester, agent):
    ticket = make_ticket(requester=requester, assignee=agent)
    return ticket_update(
        ticket=ticket, by=agent, changes={"state": State.RESOLVED, "resolution_code": "solved"}
    )


def test_requester_accepts_the_resolution(client_for, requester_ann, agent_l1_lee):
    ticket = _resolved(requester_ann, agent_l1_lee)
    response = client_for(requester_ann).post(
        url(ticket, "accept"), {"comment": "Thanks"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "closed"
    event = TicketEvent.objects.filter(ticket=ticket).last()
    assert (event.kind, event.message, event.channel) == (
        EventKind.RESOLUTION_ACCEPTED,
        "Thanks",
        Channel.API,
    )


def test_requester_rejects_the_resolution_with_a_reason(client_for, requester_ann, agent_l1_lee):
    ticket = _resolved(requester_ann, agent_l1_lee)
    client = client_for(requester_ann)
    response = client.post(url(ticket, "reject"), {}, format="json")
    assert response.status_code == 400
    assert "reason" in error(response)["fields"]
    response = client.post(url(ticket, "reject"), {"reason": "Still jams"}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "in_progress"
    assert response.json()["reopen_count"] == 1


def test_accepting_an_open_ticket_is_409(client_for, requester_ann):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(requester_ann).post(url(ticket, "accept"), {}, format="json")
    assert response.status_code == 409
    assert error(response)["code"] == "transition_not_allowed"


def test_agent_reopens_a_resolved_ticket(client_for, requester_ann, agent_l1_lee):
    ticket = _resolved(requester_ann, agent_l1_lee)
    response = client_for(agent_l1_lee).post(
        url(ticket, "reopen"), {"reason": "Came back"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["state"] == "in_progress"
    assert TicketEvent.objects.filter(ticket=ticket).last().message == "Came back"


def test_list_filters_like_the_desk(
    client_for, agent_l1_lee, requester_ann, requester_bob, service_desk
):
    make_ticket(requester=requester_ann, title="Mail is slow", impact=1, urgency=1)
    make_ticket(requester=requester_bob, title="Mouse broken", kind=Kind.REQUEST)
    make_ticket(requester=requester_bob, title="Mail bounces")
    client = client_for(agent_l1_lee)

    def titles(**params):
        response = client.get(TICKETS, params)
        assert response.status_code == 200, response.json()
        return [t["title"] for t in response.json()["results"]]

    assert titles() == ["Mail bounces", "Mouse broken", "Mail is slow"]
    assert titles(q="mail") == ["Mail bounces", "Mail is slow"]
    assert titles(kind="request") == ["Mouse broken"]
    assert titles(priority=1) == ["Mail is slow"]
    assert titles(requester=requester_bob.pk, ordering="created") == [
        "Mouse broken",
        "Mail bounces",
    ]
    assert titles(organisation=requester_ann.organisation_id) == ["Mail is slow"]
    assert titles(is_open="true", unassigned="true", group=service_desk.pk)[0] == "Mail bounces"
    assert titles(ordering="priority") == ["Mail is slow", "Mouse broken", "Mail bounces"]


@pytest.mark.parametrize(
    "params",
    [{"priority": 9}, {"created_after": "yesterday"}, {"group": "abc"}, {"ordering": "title"},
     {"cursor": "garbage"}, {"page_size": "0"}, {"page_size": "abc"}, {"group": 2**70}],
)  # fmt: skip
def test_list_refuses_bad_parameters(client_for, agent_l1_lee, params):
    response = client_for(agent_l1_lee).get(TICKETS, params)
    assert response.status_code == 400, response.content
    assert error(response)["code"] == "validation_error"


def test_put_and_delete_are_405(client_for, agent_l1_lee, requester_ann, service_desk):
    ticket = make_ticket(requester=requester_ann)
    client = client_for(agent_l1_lee)
    for response in (
        client.put(url(ticket), {"title": "x"}, format="json"),
        client.delete(url(ticket)),
    ):
        assert response.status_code == 405
        assert error(response)["code"] == "method_not_allowed"
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("if_match", ['"1"', 'W/"1"', "1", "*"])
def test_if_match_forms_that_name_the_current_version_apply(
    client_for, agent_l1_lee, requester_ann, service_desk, if_match
):
    ticket = make_ticket(requester=requester_ann)
    response = client_for(agent_l1_lee).patch(
        url(ticket), {"impact": 1}, format="json", HTTP_IF_MATCH=if_match
    )
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


@pytest.mark.parametrize(
    "value", ["1e400", "1.9", "true", '"²"', '"abc"', "-1", str(2**70), "[1]", '{"id": 1}']
)
def test_a_related_id_that_is_not_a_whole_number_is_a_400(client_for, agent_l1_lee, value):
    body = '{"title": "Scanner offline", "category": ' + value + "}"
    response = client_for(agent_l1_lee).post(
        "/api/v1/tickets/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    assert not Ticket.objects.exists()
