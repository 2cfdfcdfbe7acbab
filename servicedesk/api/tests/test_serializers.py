"""The shortcuts the ticket serializers take for speed give the same answers as DRF's own path."""

import pytest

from servicedesk.api.serializers.tickets import TicketCreateInput, TicketOutput, ticket_output
from servicedesk.api.tests.helpers import url
from servicedesk.tickets.choices import Kind
from servicedesk.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def test_one_ticket_renders_as_its_serializer_does(
    client_for, agent_l1_lee, requester_bob, service_desk, printer
):
    ticket = ticket_create(
        by=agent_l1_lee, requester=requester_bob, title="Toner smears", kind=Kind.REQUEST,
        category=printer.parent, subcategory=printer, assignee=agent_l1_lee,
        custom_fields={"site": "Leeds"},
    )  # fmt: skip
    expected = TicketOutput(ticket).data
    assert ticket_output(ticket) == expected
    assert expected["assignee"] == {"id": agent_l1_lee.pk, "name": "Lee Agent"}
    assert client_for(agent_l1_lee).get(url(ticket)).json() == expected


def test_each_input_has_its_own_bound_fields(service_desk):
    first, second = TicketCreateInput(data={}), TicketCreateInput(data={"title": "VPN drops"})
    assert set(first.fields) == set(TicketCreateInput._declared_fields)
    for name, field in first.fields.items():
        assert field is not second.fields[name]
        assert field.parent is first and second.fields[name].parent is second
        assert field.field_name == name
        declared = TicketCreateInput._declared_fields[name]
        assert declared.parent is None and declared.field_name is None
    for name in ("watchers", "custom_fields"):  # a list's and a dict's item field
        child = first.fields[name].child
        assert child is not second.fields[name].child
        assert child is not TicketCreateInput._declared_fields[name].child
        assert child.parent is first.fields[name] and child.root is first
    assert not first.is_valid()
    assert second.is_valid(), second.errors
    assert set(first.errors) == {"title"} and not second.errors
