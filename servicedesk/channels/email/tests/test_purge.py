"""SERVICEDESK_EMAIL_KEEP_DAYS: finished mail loses its raw bytes after the keep period; the
record of what it became stays, and quarantined mail keeps everything."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from servicedesk.channels.email import services
from servicedesk.channels.email.choices import InboundState, Outcome
from servicedesk.channels.email.models import InboundMessage
from servicedesk.channels.email.services import (
    inbound_message_requeue,
    inbound_messages_purge,
)
from servicedesk.channels.email.tasks import inbound_messages_purge_job
from servicedesk.channels.email.tests.mail import mail
from servicedesk.core import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def month_old(deliver, requester_ann, monkeypatch):
    """A processed, a duplicate, a discarded and a quarantined message, 31 days old."""
    with time_machine.travel(clock.now() - timedelta(days=31), tick=False):
        processed = deliver(mail(message_id="p1@c"))
        duplicate = deliver(mail(message_id="p1@c"))
        discarded = deliver(mail(sender="mailer-daemon@example.org", message_id="d1@c",
                                 subject="Undelivered Mail Returned to Sender"))  # fmt: skip
        monkeypatch.setattr(services, "deliver", lambda **kw: 1 / 0)
        quarantined = deliver(mail(message_id="q1@c"))
        monkeypatch.undo()
    states = [m.state for m in (processed, duplicate, discarded, quarantined)]
    assert states == [InboundState.PROCESSED, InboundState.DUPLICATE, InboundState.DISCARDED,
                      InboundState.QUARANTINED]  # fmt: skip
    return processed, duplicate, discarded, quarantined


def test_finished_mail_past_the_keep_period_loses_its_bytes_and_keeps_its_record(month_old):
    processed, duplicate, discarded, quarantined = month_old
    fresh_raw = mail(message_id="new@c")
    fresh = InboundMessage.objects.create(
        mailbox=processed.mailbox, transport="pipe", raw=fresh_raw, raw_sha256="x",
        size=len(fresh_raw), received_at=clock.now(), state=InboundState.PROCESSED,
    )  # fmt: skip

    now = clock.now()
    assert inbound_messages_purge(keep_days=30, now=now) == 3
    assert inbound_messages_purge(keep_days=30, now=now) == 0  # nothing twice

    for message in (processed, duplicate, discarded):
        message.refresh_from_db()
        assert (bytes(message.raw), message.purged_at) == (b"", now)
    processed.refresh_from_db()
    assert (processed.outcome, processed.ticket_id is not None) == (Outcome.TICKET_CREATED, True)
    assert processed.size > 0 and processed.message_id == "p1@c"
    for message in (quarantined, fresh):
        kept = InboundMessage.objects.get(pk=message.pk)
        assert kept.purged_at is None and len(bytes(kept.raw)) == kept.size
    # A purged discarded mail cannot be sent through processing again: its bytes are gone.
    assert not inbound_message_requeue(message_id=discarded.pk)
    assert inbound_message_requeue(message_id=quarantined.pk)


def test_the_same_mail_fetched_again_after_the_purge_is_still_a_duplicate(month_old, deliver):
    inbound_messages_purge(keep_days=30, now=clock.now())
    again = deliver(mail(message_id="p1@c"))
    assert again.state == InboundState.DUPLICATE


def test_keep_days_zero_keeps_everything(month_old, settings):
    settings.SERVICEDESK_EMAIL_KEEP_DAYS = 0
    assert inbound_messages_purge_job() == 0
    settings.SERVICEDESK_EMAIL_KEEP_DAYS = 40
    assert inbound_messages_purge_job() == 0
    settings.SERVICEDESK_EMAIL_KEEP_DAYS = 30
    assert inbound_messages_purge_job() == 3


def test_the_admin_says_when_the_original_was_purged(client, admin_ada, month_old):
    processed = month_old[0]
    inbound_messages_purge(keep_days=30, now=clock.now())
    client.force_login(admin_ada)
    raw = client.get(reverse("admin:email_channel_inboundmessage_raw", args=[processed.pk]))
    assert raw.status_code == 410
    assert b"purged, its keep period over" in raw.content
    page = client.get(reverse("admin:email_channel_inboundmessage_change", args=[processed.pk]))
    assert "its keep period over" in page.content.decode()
