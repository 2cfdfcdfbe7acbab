"""The demo desk shows triage: its rules and strategies route the next tickets raised."""

from io import StringIO

import pytest
from django.core.management import call_command

from servicedesk.accounts.models import User
from servicedesk.tickets.choices import Kind
from servicedesk.tickets.models import TicketEvent
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.models import GroupRouting, Rule

pytestmark = pytest.mark.django_db


def load(*args: str) -> None:
    call_command("load-demo", *args, stdout=StringIO())


def test_the_demo_routes_a_new_vpn_ticket_and_says_why():
    load()
    requester = User.objects.filter(role="end_user", is_vip=False).order_by("username").first()
    ticket = make_ticket(requester=requester, title="VPN will not connect from home")
    assert (ticket.category.name, ticket.assignment_group.name) == ("Network", "Network Team")
    assert ticket.assignee is not None  # least open tickets in the Network Team
    notes = TicketEvent.objects.filter(ticket=ticket, actor=None).values_list("message", flat=True)
    assert 'Triage rule "VPN and Wi-Fi go to the Network Team"' in notes[0]
    reset = make_ticket(requester=requester, title="Password expired, I am locked out")
    assert (reset.kind, str(reset.subcategory)) == (Kind.REQUEST, "Access > Password reset")
    assert reset.number.startswith("REQ")


def test_loading_again_with_force_adds_no_second_rule():
    load()
    rules, routings = Rule.objects.count(), GroupRouting.objects.count()
    load("--force")
    assert (Rule.objects.count(), GroupRouting.objects.count()) == (rules, routings) == (5, 3)
