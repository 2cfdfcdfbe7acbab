"""Tickets with a known history for the reports' surfaces."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from servicedesk.accounts.tests.factories import GroupFactory
from servicedesk.tickets.choices import Channel, State
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.tests.factories import make_ticket

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)


@pytest.fixture
def signed_in():
    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def march(time_machine, requester_ann, requester_bob, agent_l1_lee, service_desk, network_team):
    """Three tickets on 2 March (two resolved), two on 9 March, one in the network team on
    10 March, and one in a group called like a formula; the clock is then at 20 March."""
    tickets = []
    evil = GroupFactory(name='=HYPERLINK("http://x")')
    for day, count, group, channel in (
        (2, 3, service_desk, Channel.PORTAL),
        (9, 2, service_desk, Channel.EMAIL),
        (10, 1, network_team, Channel.PORTAL),
        (11, 1, evil, Channel.PHONE),
    ):
        for i in range(count):
            time_machine.move_to(datetime(2026, 3, day, 9, i, tzinfo=UTC), tick=False)
            tickets.append(
                make_ticket(requester=requester_ann, assignment_group=group, channel=channel)
            )
    time_machine.move_to(datetime(2026, 3, 3, 10, 0, tzinfo=UTC), tick=False)
    for ticket in tickets[:2]:
        ticket_update(
            ticket=ticket,
            by=agent_l1_lee,
            changes={"state": State.RESOLVED, "resolution_code": "solved",
                     "resolution_notes": "Done."},
        )  # fmt: skip
    time_machine.move_to(NOW, tick=False)
    return tickets


@pytest.fixture
def later(time_machine):
    def move(**delta):
        time_machine.move_to(NOW + timedelta(**delta), tick=False)

    return move
