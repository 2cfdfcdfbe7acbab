"""The issue's check end to end: tickets raised through the portal, the API and email get their
category, kind, priority, group and agent from a trained model and the rules, with each decision
explained on the timeline; round robin passes over an agent out of office and an inactive one.

The model is trained for real (small made-up history, as in test_model_versions) and predicts
with the compact form, as a web worker does.
"""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from servicedesk.accounts.tests.factories import AgentFactory
from servicedesk.channels.email.models import Mailbox
from servicedesk.channels.email.services import inbound_message_process, inbound_message_store
from servicedesk.channels.email.tests.mail import mail
from servicedesk.core import clock
from servicedesk.tickets.choices import Channel, EventKind, Kind
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.triage import predictions
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import Source, Strategy
from servicedesk.triage.learning import model_version_train
from servicedesk.triage.models import Decision
from servicedesk.triage.tests.factories import make_rule, route
from servicedesk.triage.tests.test_model_versions import raise_tickets

pytestmark = pytest.mark.django_db

TITLE, DESCRIPTION = "Laptop screen broken", "the dock and the monitor too, keyboard battery"


@pytest.fixture
def desk(settings, requester_ann, service_desk):
    from servicedesk.accounts.tests.factories import GroupFactory
    from servicedesk.tickets.models import Category

    settings.SERVICEDESK_TRIAGE_MIN_PER_CLASS = 5
    predictions.forget()
    categories = {n: Category.objects.create(name=n) for n in ("Hardware", "Access", "Purchase")}
    field = GroupFactory(name="Field Services")
    groups = {"Hardware": field, "Access": GroupFactory(name="IAM")}
    raise_tickets(requester_ann, categories, groups)
    version = model_version_train()
    today = clock.now().date()
    away = AgentFactory(username="f1", out_of_office_from=today - timedelta(days=1),
                        out_of_office_until=today + timedelta(days=3))  # fmt: skip
    gone = AgentFactory(username="f2", is_active=False)
    here = AgentFactory(username="f3")
    field.members.add(away, gone, here)
    route(field, Strategy.ROUND_ROBIN)
    make_rule("broken means urgent", 10, (F.TEXT, Op.CONTAINS, "broken"), set_urgency=1)
    yield {"hardware": categories["Hardware"], "field": field, "here": here, "version": version}
    predictions.forget()


def assert_triaged(ticket: Ticket, desk, channel: str) -> None:
    assert ticket.channel == channel
    assert (ticket.category, ticket.kind) == (desk["hardware"], Kind.INCIDENT)
    assert (ticket.urgency, ticket.priority) == (1, 3)  # the rule raised it; impact low
    assert (ticket.assignment_group, ticket.assignee) == (desk["field"], desk["here"])
    sources = dict(Decision.objects.filter(ticket=ticket).values_list("field", "source"))
    assert sources["category"] == sources["assignment_group"] == Source.MODEL
    assert (sources["urgency"], sources["assignee"]) == (Source.RULE, Source.STRATEGY)
    events = list(
        TicketEvent.objects.filter(ticket=ticket, kind=EventKind.UPDATED)
        .order_by("pk")
        .values_list("message", flat=True)
    )
    model = f"Triage model v{desk['version'].pk} set"
    assert any(m.startswith(f"{model} category: Hardware (confidence") for m in events), events
    assert any(m.startswith(f"{model} group: Field Services (confidence") for m in events), events
    assert any('"broken means urgent"' in m for m in events), events
    assert "Round robin in Field Services: F3." in events  # f1 is away, f2 inactive


def test_a_portal_ticket_is_triaged_by_the_model_and_the_rules(client, requester_ann, desk):
    client.force_login(requester_ann)
    response = client.post("/portal/new/?kind=incident", {
        "kind": "incident", "title": TITLE, "description": DESCRIPTION, "impact": "3",
        "urgency": "3",
    })  # fmt: skip
    assert response.status_code == 302
    assert_triaged(Ticket.objects.filter(title=TITLE).get(), desk, Channel.PORTAL)


def test_an_api_ticket_is_triaged_by_the_model_and_the_rules(requester_ann, desk):
    client = APIClient()
    client.force_authenticate(requester_ann)
    response = client.post(
        "/api/v1/tickets/", {"title": TITLE, "description": DESCRIPTION}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert_triaged(Ticket.objects.get(number=response.json()["number"]), desk, Channel.API)


def test_an_email_ticket_is_triaged_by_the_model_and_the_rules(requester_ann, desk):
    mailbox = Mailbox.objects.create(name="Help", address="help@example.org")  # no group of its own
    raw = mail(sender=requester_ann.email, subject=TITLE, body=DESCRIPTION)
    stored = inbound_message_store(mailbox=mailbox, raw=raw, transport="pipe")
    inbound_message_process(message_id=stored.pk)
    assert_triaged(Ticket.objects.filter(title=TITLE).get(), desk, Channel.EMAIL)


def test_round_robin_then_passes_over_the_away_and_the_inactive_agent(requester_ann, desk):
    from servicedesk.tickets.tests.factories import make_ticket

    made = [make_ticket(requester=requester_ann, title=TITLE, description=DESCRIPTION)
            for _ in range(3)]  # fmt: skip
    assert {t.assignee.username for t in made} == {"f3"}
    assert all(t.assignment_group == desk["field"] for t in made)
