"""The admin's view of inbound mail: quarantine visible, re-processable, originals downloadable."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.channels.email import services
from servicedesk.channels.email.choices import InboundState, Outcome
from servicedesk.channels.email.models import InboundMessage
from servicedesk.channels.email.services import inbound_message_process, inbound_message_store
from servicedesk.channels.email.tests.mail import mail

pytestmark = pytest.mark.django_db
LIST = "admin:email_channel_inboundmessage_changelist"


def test_quarantined_messages_show_their_reason_and_are_reprocessed(
    client, admin_ada, deliver, requester_ann, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("a fault fixed since")

    monkeypatch.setattr(services, "deliver", broken)
    message = deliver(mail())
    monkeypatch.undo()
    client.force_login(admin_ada)
    page = client.get(reverse(LIST), {"state__exact": "quarantined"})
    assert page.status_code == 200
    assert "RuntimeError: a fault fixed since" in page.content.decode()

    answer = client.post(
        reverse(LIST),
        {"action": "reprocess", "_selected_action": [message.pk]},
        follow=True,
    )
    assert "1 processed." in answer.content.decode()
    message.refresh_from_db()
    assert (message.state, message.outcome) == (InboundState.PROCESSED, Outcome.TICKET_CREATED)


def test_processed_messages_are_not_reprocessed(client, admin_ada, deliver, requester_ann):
    message = deliver(mail())
    client.force_login(admin_ada)
    answer = client.post(
        reverse(LIST), {"action": "reprocess", "_selected_action": [message.pk]}, follow=True
    )
    assert "only quarantined or discarded messages whose raw bytes are still kept" in (
        answer.content.decode()
    )


def test_the_original_downloads_byte_for_byte_and_only_for_admins(
    client, admin_ada, agent_l1_lee, helpdesk_mailbox
):
    raw = mail(subject="Ünïcödé")
    stored = inbound_message_store(mailbox=helpdesk_mailbox, raw=raw, transport="http")
    url = reverse("admin:email_channel_inboundmessage_raw", args=[stored.pk])
    client.force_login(agent_l1_lee)
    assert client.get(url).status_code == 302  # to the admin login: not staff
    client.force_login(admin_ada)
    answer = client.get(url)
    assert answer.status_code == 200
    assert answer.content == raw
    assert answer["Content-Disposition"] == f'attachment; filename="message-{stored.pk}.eml"'
    detail = client.get(reverse("admin:email_channel_inboundmessage_change", args=[stored.pk]))
    assert url in detail.content.decode()


def test_mailbox_admin_masks_the_stored_secret(client, admin_ada, helpdesk_mailbox):
    client.force_login(admin_ada)
    page = client.get(reverse("admin:email_channel_mailbox_change", args=[helpdesk_mailbox.pk]))
    assert page.status_code == 200
    assert 'type="password" name="imap_secret"' in page.content.decode()


def test_a_new_ticket_from_a_known_sender_costs_a_fixed_number_of_queries(
    helpdesk_mailbox, requester_ann
):
    counts = []
    for n in range(3):
        with CaptureQueriesContext(connection) as queries:
            stored = inbound_message_store(
                mailbox=helpdesk_mailbox, raw=mail(message_id=f"q{n}@c"), transport="pipe"
            )
            assert inbound_message_process(message_id=stored.pk).outcome == Outcome.TICKET_CREATED
        counts.append(len(queries))
    assert counts[1:] == [counts[1]] * 2
    # 17 to store, read and file the mail; 3 for triage with no rules (is the kept rule set
    # current, which model version is active, the group's strategy); 7 to acknowledge it (the
    # template, the thread's ids, the sender's acknowledgements this hour, the outbox row with
    # its savepoint, our Message-ID).
    assert counts[1] == 17 + 3 + 7, counts
    assert InboundMessage.objects.count() == 3


def test_an_imap_mailbox_needs_its_settings(helpdesk_mailbox):
    helpdesk_mailbox.imap_enabled = True
    helpdesk_mailbox.imap_after_fetch = "move"
    helpdesk_mailbox.imap_move_to = "INBOX"
    with pytest.raises(ValidationError) as invalid:
        helpdesk_mailbox.full_clean()
    assert set(invalid.value.message_dict) == {
        "imap_host", "imap_username", "imap_secret_env", "imap_move_to",
    }  # fmt: skip
