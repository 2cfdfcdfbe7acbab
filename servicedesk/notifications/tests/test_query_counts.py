"""The notification observer is part of every ticket write: what it costs, pinned."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from servicedesk.core.models import OutboxMessage
from servicedesk.notifications.selectors import template_for
from servicedesk.notifications.services import ticket_acknowledge, ticket_event_notify
from servicedesk.tickets import observers
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.services import comment_add, ticket_update, watcher_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(requester_ann, service_desk):
    return make_ticket(requester=requester_ann, channel=Channel.EMAIL)


def test_events_that_mail_nobody_cost_no_query(ticket, agent_l1_lee, requester_bob):
    watcher_add(ticket=ticket, by=agent_l1_lee, user=requester_bob)
    ticket_update(ticket=ticket, by=agent_l1_lee, changes={"impact": 2})
    comment_add(ticket=ticket, by=agent_l1_lee, body="note", is_public=False)
    comment_add(ticket=ticket, by=requester_bob, body="me too")
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("actor"))
    assert len(events) == 5  # created, watcher added, updated, the note, bob's comment
    for event in events:
        with CaptureQueriesContext(connection) as queries:
            ticket_event_notify(event)
        assert len(queries) == 0, (event.kind, [q["sql"] for q in queries])


def test_an_acknowledgement_costs_seven_queries(ticket):
    template_for("received")  # the templates are kept per process (core.config)
    # Rate limit, the configuration token (outside a request it is read at each look; in a
    # request once), thread; the outbox row (savepoint, insert, release); the mail reference
    # (one INSERT that ignores a conflict).
    with CaptureQueriesContext(connection) as queries:
        assert ticket_acknowledge(ticket=ticket) is not None
    assert len(queries) == 7, [q["sql"] for q in queries]
    assert sum("configversion" in q["sql"] for q in queries) == 1
    assert not any("notificationtemplate" in q["sql"] for q in queries)


def test_a_reply_to_two_people_costs_thirteen_and_a_repeat_queues_nothing(
    ticket, agent_l1_lee, requester_bob, monkeypatch
):
    watcher_add(ticket=ticket, by=agent_l1_lee, user=requester_bob)
    # The reply is written without the notification observer, which then runs on its own.
    others = [o for o in observers._observers if o is not ticket_event_notify]
    monkeypatch.setattr(observers, "_observers", others)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Which version?")
    event = TicketEvent.objects.select_related("actor").filter(kind="commented").get()
    template_for("reply")  # the templates are kept per process (core.config)
    with CaptureQueriesContext(connection) as queries:
        ticket_event_notify(event)
    # Comment, ticket, watchers, the configuration token (the template is kept), thread; per
    # recipient the outbox row (savepoint, insert, release) and the mail reference (one INSERT
    # that ignores a conflict).
    assert len(queries) == 13, "\n".join(q["sql"][:70] for q in queries)
    assert OutboxMessage.objects.filter(key__startswith="notify:reply:").count() == 2
    with CaptureQueriesContext(connection) as queries:
        ticket_event_notify(event)
    # Again (a retried observer): each key is taken (savepoint, insert, rollback, release).
    assert len(queries) == 13
    assert OutboxMessage.objects.filter(key__startswith="notify:reply:").count() == 2
