"""Queries over open tickets are spelled exactly as the partial indexes that serve them."""

import pytest
from django.db import connection

from servicedesk.tickets.choices import OPEN_STATE_LIST, OPEN_STATES, State
from servicedesk.tickets.filters import TicketFilter
from servicedesk.tickets.models import IsOpen, Ticket
from servicedesk.tickets.selectors import open_tickets
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def _partial_conditions() -> dict[str, str]:
    """The WHERE of each partial index as the migration writes it."""
    # Not entered: SQLite refuses a schema editor inside the test's transaction, and writing
    # an index's SQL needs none.
    editor = connection.schema_editor(collect_sql=True)
    created = {
        index.name: str(index.create_sql(Ticket, editor))
        for index in Ticket._meta.indexes
        if index.condition is not None
    }
    return {name: sql.split(" WHERE ", 1)[1] for name, sql in created.items()}


def test_the_open_states_keep_one_order():
    assert set(OPEN_STATE_LIST) == OPEN_STATES
    assert list(OPEN_STATE_LIST) == [s for s in State if s in OPEN_STATES]


def test_every_partial_index_is_over_the_open_tickets_as_queries_spell_them(agent_l1_lee):
    conditions = _partial_conditions()
    open_only = {name: sql for name, sql in conditions.items() if "_open_" in name}
    assert set(open_only) == {
        "ticket_open_updated", "ticket_open_created", "ticket_open_priority",
        "ticket_open_number", "ticket_open_assignee", "ticket_open_group",
    }  # fmt: skip
    spelled = set(open_only.values())
    assert len(spelled) == 1
    condition = spelled.pop()
    # The states are literals, never bound parameters (SQLite would not match those).
    assert "%s" not in condition and "?" not in condition
    queue_sql, queue_params = open_tickets(agent_l1_lee).query.sql_with_params()
    api = TicketFilter({"is_open": "true"}, queryset=Ticket.objects.all()).qs
    api_sql, _ = api.query.sql_with_params()
    for sql in (queue_sql, api_sql):
        assert condition.replace('"state"', '"tickets_ticket"."state"') in sql
    assert not set(OPEN_STATE_LIST) & {str(p) for p in queue_params}
    # The resolved queue's: an equality, which SQLite matches with a bound parameter too.
    resolved = {sql for name, sql in conditions.items() if "_resolved_" in name}
    assert resolved == {""""state" = 'resolved'"""}
    assert len(conditions) == len(open_only) + 4


def test_is_open_takes_only_state_values():
    with pytest.raises(ValueError):
        IsOpen(("new', 'x",))


def test_is_open_holds_the_open_tickets(requester_ann, agent_l1_lee, service_desk):
    going = make_ticket(requester=requester_ann, title="Going")
    done = make_ticket(requester=requester_ann, title="Done")
    ticket_update(ticket=done, by=agent_l1_lee, changes={"state": State.CANCELLED})
    assert list(Ticket.objects.filter(IsOpen())) == [going]
    assert list(Ticket.objects.exclude(IsOpen())) == [done]
