import pytest

from servicedesk.channels.email.models import Mailbox
from servicedesk.channels.email.services import inbound_message_process, inbound_message_store


@pytest.fixture
def helpdesk_mailbox(service_desk):
    return Mailbox.objects.create(name="Help", address="help@example.org", group=service_desk)


@pytest.fixture
def network_mailbox(network_team):
    return Mailbox.objects.create(name="Network", address="network@example.org", group=network_team)


@pytest.fixture
def deliver(helpdesk_mailbox):
    """Store and process one raw message as a transport would; the processed row."""

    def run(raw: bytes, mailbox: Mailbox | None = None, transport: str = "pipe"):
        stored = inbound_message_store(
            mailbox=mailbox or helpdesk_mailbox, raw=raw, transport=transport
        )
        return inbound_message_process(message_id=stored.pk)

    return run
