import pytest
from django.test import Client

from servicedesk.tickets.tests.factories import make_ticket


@pytest.fixture
def as_user():
    """A test client signed in as the given persona."""

    def sign_in(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def sd_ticket(requester_ann, service_desk):
    return make_ticket(
        requester=requester_ann, title="Printer on floor 3 jams", assignment_group=service_desk
    )


@pytest.fixture
def net_ticket(requester_bob, network_team):
    return make_ticket(
        requester=requester_bob, title="VPN drops every hour", assignment_group=network_team
    )
