"""Which index each queue's page reads, as SQLite plans it (docs/deployment.md, "Indexes and
query counts"). SQLite plans without statistics unless someone runs ANALYZE, so these plans
are the ones a desk of any size gets; PostgreSQL chooses from its statistics instead."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.desk.keyset import DUE
from servicedesk.desk.queues import QUEUES
from servicedesk.sla.tests.factories import policy_with
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "sqlite", reason="PostgreSQL plans from its statistics"
    ),
]

# The index a page walks in the order of each sort, without sorting anything.
OPEN_WALK = {
    "updated": "ticket_open_updated",
    "created": "ticket_open_created",
    "priority": "ticket_open_priority",
    "number": "ticket_open_number",
}
RESOLVED_WALK = {
    "updated": "ticket_resolved_updated",
    "created": "ticket_resolved_created",
    "priority": "ticket_resolved_priority",
    "number": "ticket_resolved_number",
}
ALL_WALK = {
    "updated": "ticket_updated",
    "created": "ticket_created",
    "priority": "ticket_priority",
    "number": "sqlite_autoindex_tickets_ticket_",  # the unique number's own index
}
# Queues narrowed to one agent's or group's open tickets: few enough to sort.
NARROW = {"mine": "ticket_open_assignee", "unassigned": "ticket_open_assignee"}
# The SLA queues test each open ticket for a clock with EXISTS, which reads that ticket's few
# clocks through the clocks' ticket index. Sorted by a column, they walk its open index as "All
# open" does and stop after a page. Sorted by due time, which no ticket index holds, they read
# the open tickets through whichever open index the planner takes (never the closed history),
# and sort only those in the queue.
SLA = {"breaching", "breached"}
CLOCK_PROBE = "SEARCH U0 USING INDEX sla_clock_ticket_id_"
SCAN = "SCAN tickets_ticket USING INDEX "


def _page_plan(client, queue: str, sort: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/desk/tickets/", {"queue": queue, "sort": sort}).status_code == 200
    (page,) = [q["sql"] for q in queries.captured_queries if q["sql"].endswith("LIMIT 51")]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {page}")
        return " | ".join(step[-1] for step in cursor.fetchall())


@pytest.fixture
def lead_mo_sees_all(lead_mo):
    lead_mo.can_see_all_tickets = True
    lead_mo.save()
    return lead_mo


@pytest.mark.parametrize("persona", ["agent_l1_lee", "lead_mo_sees_all"])
def test_every_queue_page_reads_its_index(request, as_user, requester_ann, service_desk, persona):
    user = request.getfixturevalue(persona)
    policy_with(calendar=None, response="1h", resolution="8h")
    make_ticket(requester=requester_ann, title="Printer jams", assignee=user)
    client = as_user(user)
    narrow = NARROW
    for queue in QUEUES:
        for key in QUEUES[queue].sorts:
            for sort in (key, f"-{key}"):
                plan = _page_plan(client, queue, sort)
                where = f"{queue} {sort}: {plan}"
                if queue in SLA:
                    assert CLOCK_PROBE in plan, where
                    if key == DUE:
                        assert plan.startswith(f"{SCAN}ticket_open_"), where
                        assert plan.count("TEMP B-TREE") == 1, where
                        assert plan.endswith("USE TEMP B-TREE FOR ORDER BY"), where
                        continue
                    assert plan.startswith(f"{SCAN}{OPEN_WALK[key]}"), where
                    assert "TEMP B-TREE" not in plan, where
                    continue
                if queue in narrow:
                    assert f"USING INDEX {narrow[queue]} (" in plan, where
                    continue
                walks = {"open": OPEN_WALK, "groups": OPEN_WALK, "resolved": RESOLVED_WALK}
                walk = walks.get(queue, ALL_WALK)[key]
                assert plan.startswith(f"SCAN tickets_ticket USING INDEX {walk}"), where
                assert "TEMP B-TREE" not in plan, where
