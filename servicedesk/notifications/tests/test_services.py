"""Which ticket events mail whom, with which headers, once."""

from datetime import timedelta

import pytest
import time_machine

from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.core import config
from servicedesk.core.models import OutboxMessage
from servicedesk.core.outbox import outbox_deliver
from servicedesk.notifications.models import MailReference, NotificationTemplate
from servicedesk.notifications.selectors import ticket_for_message_ids
from servicedesk.notifications.services import mail_reference_record, ticket_acknowledge
from servicedesk.tickets.choices import Channel, State
from servicedesk.tickets.services import (
    comment_add,
    ticket_accept_resolution,
    ticket_update,
    watcher_add,
)
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def mails(kind: str = "") -> list[OutboxMessage]:
    prefix = f"notify:{kind}:" if kind else "notify:"
    return list(OutboxMessage.objects.filter(key__startswith=prefix).order_by("pk"))


def resolve(ticket, agent, notes="Replaced the toner."):
    return ticket_update(
        ticket=ticket,
        by=agent,
        changes={"state": State.RESOLVED, "resolution_code": "solved", "resolution_notes": notes},
    )


@pytest.fixture
def ticket(requester_ann, service_desk):
    return make_ticket(requester=requester_ann, title="Printer prints blank pages")


def test_mail_is_plain_text_never_html_escaped(requester_ann, agent_l1_lee, service_desk):
    ticket = make_ticket(requester=requester_ann, title="Can't open <Budget & Plan>.xlsx")
    comment_add(ticket=ticket, by=agent_l1_lee, body='Try "Open & Repair" <Ctrl+O>')
    ack, reply = mails()
    assert ack.subject.endswith("We have your request: Can't open <Budget & Plan>.xlsx")
    assert 'Try "Open & Repair" <Ctrl+O>' in reply.body


def test_a_portal_ticket_is_acknowledged_to_its_requester(ticket, requester_ann):
    (ack,) = mails("received")
    assert ack.to == "ann@example.org"
    assert ack.subject == f"[{ticket.number}] We have your request: Printer prints blank pages"
    assert "Hello Ann Requester" in ack.body
    assert f"/portal/status/{ticket.access_token}/" in ack.body
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    # Nothing was mailed for this ticket before: nothing to answer.
    assert "In-Reply-To" not in ack.headers
    assert MailReference.objects.get(ticket=ticket).message_id == ack.message_id
    assert ack.message_id.endswith("@localhost")


def test_a_phone_ticket_is_acknowledged_but_an_alert_is_not(
    requester_ann, agent_l1_lee, service_desk
):
    phoned = make_ticket(requester=requester_ann, by=agent_l1_lee, channel=Channel.PHONE)
    make_ticket(requester=requester_ann, by=agent_l1_lee, channel=Channel.MONITORING)
    assert [m.key for m in mails("received")] == [f"notify:received:{phoned.pk}:{requester_ann.pk}"]


def test_a_mailed_in_ticket_waits_for_the_inbound_code_and_answers_its_first_mail(
    requester_ann, service_desk
):
    ticket = make_ticket(requester=requester_ann, channel=Channel.EMAIL)
    assert mails() == []
    mail_reference_record(ticket=ticket, message_id="a1@mail.example.org", direction="in")
    ack = ticket_acknowledge(ticket=ticket)
    assert ack.headers["In-Reply-To"] == "<a1@mail.example.org>"
    assert ack.headers["References"] == "<a1@mail.example.org>"
    # The same mail processed twice: one acknowledgement.
    assert ticket_acknowledge(ticket=ticket) is None
    assert len(mails("received")) == 1


def test_an_automatic_message_is_never_acknowledged(requester_ann, service_desk):
    ticket = make_ticket(requester=requester_ann, channel=Channel.EMAIL)
    assert ticket_acknowledge(ticket=ticket, acknowledge=False) is None
    assert mails() == []


def test_five_mails_in_ten_minutes_get_three_acknowledgements(requester_ann, service_desk):
    start = "2026-03-02 09:00:00+00:00"
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(5):
            ticket = make_ticket(requester=requester_ann, channel=Channel.EMAIL, title=f"#{n}")
            ticket_acknowledge(ticket=ticket)
            traveller.shift(timedelta(minutes=2))
        assert len(mails("received")) == 3
        # An hour after the first, the limit has room again.
        traveller.shift(timedelta(minutes=52))
        ticket = make_ticket(requester=requester_ann, channel=Channel.EMAIL, title="later")
        assert ticket_acknowledge(ticket=ticket) is not None


def test_the_rate_limit_is_configurable(settings, requester_ann, service_desk):
    settings.SERVICEDESK_ACK_LIMIT_PER_HOUR = 1
    make_ticket(requester=requester_ann, title="one")
    make_ticket(requester=requester_ann, title="two")
    assert len(mails("received")) == 1


def test_a_public_reply_goes_to_the_requester_and_watchers_not_the_author(
    ticket, agent_l1_lee, agent_l2_kim, requester_bob
):
    watcher_add(ticket=ticket, by=agent_l1_lee, user=requester_bob)
    watcher_add(ticket=ticket, by=agent_l1_lee, user=agent_l1_lee)
    watcher_add(ticket=ticket, by=agent_l1_lee, user=agent_l2_kim)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Is the toner light on?")
    replies = mails("reply")
    assert sorted(m.to for m in replies) == [
        "ann@example.org",
        "bob@example.org",
        "kim@example.org",
    ]
    to_ann = next(m for m in replies if m.to == "ann@example.org")
    assert "Lee Agent wrote on" in to_ann.body and "Is the toner light on?" in to_ann.body
    assert f"/portal/tickets/{ticket.number}/" in to_ann.body
    to_kim = next(m for m in replies if m.to == "kim@example.org")
    assert f"/desk/tickets/{ticket.number}/" in to_kim.body
    # Threaded on the acknowledgement, the ticket's only earlier mail.
    (ack,) = mails("received")
    assert to_ann.headers["In-Reply-To"] == f"<{ack.message_id}>"
    assert to_ann.headers["Auto-Submitted"] == "auto-generated"
    assert len({m.message_id for m in replies}) == 3


def test_internal_notes_and_requester_replies_are_not_mailed(ticket, agent_l1_lee, requester_ann):
    comment_add(ticket=ticket, by=agent_l1_lee, body="Toner stock is low", is_public=False)
    comment_add(ticket=ticket, by=requester_ann, body="Any news?")
    assert mails("reply") == []


def test_inactive_users_and_users_without_an_address_get_nothing(service_desk, agent_l1_lee, org_a):
    quiet = UserFactory(username="quiet", email="", organisation=org_a)
    gone = UserFactory(username="gone", organisation=org_a)
    ticket = make_ticket(requester=quiet)
    watcher_add(ticket=ticket, by=agent_l1_lee, user=gone)
    gone.is_active = False
    gone.save()
    comment_add(ticket=ticket, by=agent_l1_lee, body="On it.")
    assert mails() == []


def test_resolving_mails_accept_and_reject_links(ticket, agent_l1_lee):
    resolve(ticket, agent_l1_lee)
    (mail,) = mails("resolved")
    assert mail.to == "ann@example.org"
    assert mail.subject == f"[{ticket.number}] Resolved: Printer prints blank pages"
    assert "Solved (permanently)" in mail.body and "Replaced the toner." in mail.body
    assert "http://127.0.0.1:8000/portal/resolution/" in mail.body
    assert "/accept/" in mail.body and "/reject/" in mail.body


def test_closing_mails_the_requester_unless_they_closed_it(ticket, agent_l1_lee, requester_ann):
    resolve(ticket, agent_l1_lee)
    ticket_accept_resolution(ticket=ticket, by=requester_ann)
    assert mails("closed") == []
    other = make_ticket(requester=requester_ann, title="Second")
    resolve(other, agent_l1_lee)
    ticket_update(ticket=other, by=agent_l1_lee, changes={"state": State.CLOSED})
    (closed,) = mails("closed")
    assert closed.subject == f"[{other.number}] Closed: Second"


def test_an_agent_raising_their_own_ticket_is_not_acknowledged(agent_l1_lee, service_desk):
    make_ticket(requester=agent_l1_lee, channel=Channel.PORTAL)
    assert mails() == []


def test_a_disabled_kind_sends_nothing(ticket, agent_l1_lee):
    NotificationTemplate.objects.filter(kind="reply").update(enabled=False)
    config.changed()  # update() sends no signal (core.config)
    config.changed()  # update() sends no signal (core.config)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Hello")
    assert mails("reply") == []


def test_a_broken_template_falls_back_to_the_default_and_logs(ticket, agent_l1_lee, caplog):
    NotificationTemplate.objects.filter(kind="reply").update(
        subject="{% if %}", body="{% include 'secrets.txt' %}"
    )
    comment_add(ticket=ticket, by=agent_l1_lee, body="Hello there")
    (mail,) = mails("reply")
    assert mail.subject == f"[{ticket.number}] Printer prints blank pages"
    assert "Hello there" in mail.body
    assert "The reply notification template failed" in caplog.text


def test_an_admin_template_is_used_and_gets_the_ticket_tag(requester_ann, service_desk):
    NotificationTemplate.objects.filter(kind="received").update(
        subject="Got it: {{ ticket.title|upper }}", body="Ticket {{ ticket.number }}."
    )
    config.changed()  # update() sends no signal (core.config)
    ticket = make_ticket(requester=requester_ann, title="vpn down")
    (ack,) = mails("received")
    assert ack.subject == f"[{ticket.number}] Got it: VPN DOWN"
    assert ack.body == f"Ticket {ticket.number}."


def test_the_template_context_holds_no_records(requester_ann, service_desk):
    # A template that tries to walk from the ticket to other records prints nothing.
    NotificationTemplate.objects.filter(kind="received").update(
        body="[{{ ticket.requester.password }}][{{ recipient.pk }}][{{ ticket.events }}]"
    )
    config.changed()  # update() sends no signal (core.config)
    make_ticket(requester=requester_ann)
    (ack,) = mails("received")
    assert ack.body == "[][][]"


def test_later_mail_references_the_whole_thread_and_retries_keep_the_id(
    ticket, agent_l1_lee, mailoutbox
):
    comment_add(ticket=ticket, by=agent_l1_lee, body="First answer")
    comment_add(ticket=ticket, by=agent_l1_lee, body="Second answer")
    ack, first, second = mails()
    assert second.headers["References"] == f"<{ack.message_id}> <{first.message_id}>"
    assert second.headers["In-Reply-To"] == f"<{first.message_id}>"
    assert outbox_deliver() == 3
    sent = {m.extra_headers["Message-ID"] for m in mailoutbox}
    assert sent == {f"<{m.message_id}>" for m in (ack, first, second)}


def test_replies_to_our_acknowledgement_find_the_ticket_by_its_message_id(
    requester_ann, service_desk
):
    # The case: a1 opens the ticket, our acknowledgement n1 answers it; a reply naming
    # a1 or n1 (with or without the tag) belongs to that ticket.
    ticket = make_ticket(requester=requester_ann, channel=Channel.EMAIL)
    mail_reference_record(ticket=ticket, message_id="a1@client.example.org", direction="in")
    n1 = ticket_acknowledge(ticket=ticket).message_id
    assert MailReference.objects.get(message_id=n1).direction == "out"
    assert ticket_for_message_ids([n1]) == ticket
    assert ticket_for_message_ids(["unknown@x", "a1@client.example.org"]) == ticket
