"""A notification delivered through Django's SMTP backend to a real SMTP server (aiosmtpd)."""

import asyncio
import io
import threading
from email import message_from_bytes, policy

import pytest
from aiosmtpd.smtp import SMTP
from django.core.management import CommandError, call_command

from servicedesk.core.models import OutboxMessage
from servicedesk.core.outbox import outbox_deliver
from servicedesk.notifications.services import mail_reference_record, ticket_acknowledge
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.services import comment_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


class Inbox:
    """aiosmtpd handler: keeps what it receives."""

    def __init__(self):
        self.messages = []
        self.refuse = False

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on a free loopback port (port 0: tests run side by side)."""
    inbox = Inbox()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder = {}

    def run():
        asyncio.set_event_loop(loop)

        async def start():
            holder["server"] = await loop.create_server(
                lambda: SMTP(inbox, hostname="smtp.test"), "127.0.0.1", 0
            )
            ready.set()

        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert ready.wait(10)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = holder["server"].sockets[0].getsockname()[1]
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "Service desk <help@desk.example.org>"
    settings.SERVICEDESK_MAIL_DELIVERY = True
    yield inbox
    loop.call_soon_threadsafe(holder["server"].close)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()


def test_acknowledgement_and_reply_arrive_with_threading_and_loop_headers(
    smtp_server, requester_ann, agent_l1_lee, service_desk
):
    ticket = make_ticket(requester=requester_ann, channel=Channel.EMAIL, title="VPN drops")
    mail_reference_record(ticket=ticket, message_id="a1@client.example.org", direction="in")
    ack = ticket_acknowledge(ticket=ticket)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Which VPN client version?")

    assert outbox_deliver() == 2
    assert len(smtp_server.messages) == 2
    (to_ack, raw_ack), (to_reply, raw_reply) = smtp_server.messages
    assert to_ack == to_reply == ["ann@example.org"]
    first = message_from_bytes(raw_ack, policy=policy.default)
    assert first["Message-ID"] == f"<{ack.message_id}>"
    assert ack.message_id.endswith("@desk.example.org")
    assert first["In-Reply-To"] == "<a1@client.example.org>"
    assert first["References"] == "<a1@client.example.org>"
    assert first["Auto-Submitted"] == "auto-replied"
    assert first["X-Auto-Response-Suppress"] == "All"
    assert first["X-Loop"] == "help@desk.example.org"
    assert first["Precedence"] == "bulk"
    assert first["Subject"] == f"[{ticket.number}] We have your request: VPN drops"
    assert first["From"] == "Service desk <help@desk.example.org>"

    reply = message_from_bytes(raw_reply, policy=policy.default)
    assert reply["In-Reply-To"] == f"<{ack.message_id}>"
    assert reply["References"] == f"<a1@client.example.org> <{ack.message_id}>"
    assert reply["Auto-Submitted"] == "auto-generated"
    assert reply["X-Auto-Response-Suppress"] == "All"
    assert reply["Subject"] == f"[{ticket.number}] VPN drops"
    assert "Which VPN client version?" in reply.get_content()
    assert OutboxMessage.objects.filter(sent_at=None).count() == 0


def test_a_refused_delivery_is_retried_with_the_same_message_id(
    smtp_server, requester_ann, service_desk
):
    make_ticket(requester=requester_ann, title="Keyboard missing keys")
    smtp_server.refuse = True
    assert outbox_deliver() == 0
    (waiting,) = OutboxMessage.objects.all()
    assert waiting.sent_at is None and waiting.attempts == 1
    assert "451" in waiting.last_error

    smtp_server.refuse = False
    assert outbox_deliver() == 1
    (_, raw) = smtp_server.messages[0]
    assert message_from_bytes(raw, policy=policy.default)["Message-ID"] == f"<{waiting.message_id}>"
    sent = OutboxMessage.objects.get()
    assert sent.attempts == 2 and sent.last_error == "" and sent.sent_at is not None


def test_send_test_mail_reaches_the_server(smtp_server):
    out = io.StringIO()
    call_command("send-test-mail", "ops@example.org", stdout=out)
    assert "Sent to ops@example.org" in out.getvalue()
    ((to, raw),) = smtp_server.messages
    mail = message_from_bytes(raw, policy=policy.default)
    assert to == ["ops@example.org"]
    assert mail["Subject"] == "servicedesk test mail"
    assert mail["Auto-Submitted"] == "auto-generated"


def test_send_test_mail_failures_are_one_line_and_an_exit_code(smtp_server, settings):
    smtp_server.refuse = True
    with pytest.raises(CommandError) as failed:
        call_command("send-test-mail", "ops@example.org")
    assert failed.value.returncode == 1
    assert str(failed.value).startswith("Sending failed: SMTPRecipientsRefused")
    assert "\n" not in str(failed.value)
    with pytest.raises(CommandError) as bad:
        call_command("send-test-mail", "not an address")
    assert bad.value.returncode == 2
    settings.SERVICEDESK_MAIL_DELIVERY = False
    with pytest.raises(CommandError) as unset:
        call_command("send-test-mail", "ops@example.org")
    assert (unset.value.returncode, str(unset.value)) == (
        2,
        "No mail transport is configured: set SERVICEDESK_SMTP_HOST or SERVICEDESK_EMAIL_BACKEND.",
    )
