"""The cases other desks got wrong, as fixtures: Ann (Acme) must never reach Bob's (Globex) tickets."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.tickets.choices import Channel
from servicedesk.tickets.services import comment_add, ticket_update
from servicedesk.tickets.tests.factories import make_ticket

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(64))


@pytest.fixture
def t2(requester_bob, service_desk):
    """Bob's ticket, with an attachment and a public reply."""
    ticket = make_ticket(
        requester=requester_bob,
        title="Globex VPN drops",
        description="The VPN drops every ten minutes.",
        attachments=[SimpleUploadedFile("vpn-log.txt", b"error 809: tunnel closed\n")],
    )
    comment_add(
        ticket=ticket, by=requester_bob, body="Still dropping this morning.", channel=Channel.PORTAL
    )
    return ticket


@pytest.fixture
def t3_moved(requester_ann, requester_bob, agent_l1_lee):
    """Ann's ticket, handed to Bob by an agent; returns the ticket and its former access token."""
    ticket = make_ticket(requester=requester_ann, title="Acme laptop fan is loud")
    old_token = ticket.access_token
    ticket = ticket_update(ticket=ticket, by=agent_l1_lee, changes={"requester": requester_bob})
    return ticket, old_token


@pytest.fixture
def ann_client(client, requester_ann):
    client.force_login(requester_ann)
    return client


@pytest.fixture
def bob_client(client, requester_bob):
    client.force_login(requester_bob)
    return client
