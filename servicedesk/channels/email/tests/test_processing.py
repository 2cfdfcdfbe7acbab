"""What a stored message becomes: threading, senders, duplicates, recovery, reopen, follow-ups."""

import dataclasses
from datetime import timedelta

import pytest
import time_machine
from django.db import OperationalError

from servicedesk.accounts.models import User
from servicedesk.channels.email import services
from servicedesk.channels.email.choices import (
    Automatic,
    InboundState,
    Outcome,
    UnknownSender,
)
from servicedesk.channels.email.models import InboundMessage
from servicedesk.channels.email.parsing import ParsedAttachment, ParsedMessage, parse_message
from servicedesk.channels.email.selectors import ticket_opened_by_automatic_mail
from servicedesk.channels.email.services import (
    inbound_message_process,
    inbound_message_requeue,
    inbound_message_store,
)
from servicedesk.channels.email.tasks import inbound_messages_recover
from servicedesk.channels.email.tests.mail import PDF, mail, pdf_only
from servicedesk.core.models import OutboxMessage
from servicedesk.notifications.choices import Direction
from servicedesk.notifications.models import MailReference
from servicedesk.notifications.services import mail_reference_record
from servicedesk.sla.models import CloseTimer
from servicedesk.tickets.choices import Channel, LinkKind, State
from servicedesk.tickets.models import Comment, Ticket, TicketLink, Watch
from servicedesk.tickets.services import ticket_update

pytestmark = pytest.mark.django_db
NOW = "2026-03-02 09:00:00+00:00"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_first_mail_opens_a_ticket_in_the_mailbox_group(deliver, requester_ann, service_desk):
    message = deliver(mail())
    assert message.state == InboundState.PROCESSED
    assert message.outcome == Outcome.TICKET_CREATED
    ticket = message.ticket
    assert (ticket.title, ticket.channel) == ("Printer on floor 3 jams", Channel.EMAIL)
    assert ticket.description == "The printer jams on every page."
    assert ticket.requester == requester_ann
    assert ticket.assignment_group == service_desk
    assert message.dedup_key == "mid:a1@client.example.org"
    received = MailReference.objects.filter(direction=Direction.INBOUND)
    assert list(received.values_list("message_id", "ticket")) == [
        ("a1@client.example.org", ticket.pk)
    ]
    assert not message.is_automatic
    assert not ticket_opened_by_automatic_mail(ticket)


def test_the_threading_case_of_the_issue(deliver, requester_ann, requester_bob):
    first = deliver(mail(message_id="a1@client")).ticket
    # Our acknowledgement, as the outbound side records it.
    mail_reference_record(ticket=first, message_id="n1@desk", direction=Direction.OUTBOUND)

    by_a1 = deliver(mail(subject="Re: Printer", message_id="r1@c", in_reply_to="a1@client"))
    by_n1 = deliver(mail(subject="Re: Printer", message_id="r2@c", in_reply_to="n1@desk"))
    by_refs = deliver(
        mail(subject="Re: Printer", message_id="r3@c", in_reply_to="unknown@elsewhere",
             references="a1@client other@x")
    )  # fmt: skip
    for reply in (by_a1, by_n1, by_refs):
        assert (reply.outcome, reply.ticket_id) == (Outcome.REPLY_ADDED, first.pk)
    assert Comment.objects.filter(ticket=first, is_public=True).count() == 3

    stranger = deliver(
        mail(sender="bob@example.org", subject="Re: Printer on floor 3 jams", message_id="s1@c")
    )
    assert stranger.outcome == Outcome.TICKET_CREATED
    assert stranger.ticket_id != first.pk
    assert stranger.ticket.requester == requester_bob


def test_the_ticket_tag_in_the_subject_threads_a_reply(deliver, requester_ann):
    first = deliver(mail()).ticket
    reply = deliver(mail(subject=f"AW: [{first.number}] Printer", message_id="r9@c"))
    assert (reply.outcome, reply.ticket_id) == (Outcome.REPLY_ADDED, first.pk)
    # A tag of no ticket: a new one.
    other = deliver(mail(subject="[INC9999999] something", message_id="r10@c"))
    assert other.outcome == Outcome.TICKET_CREATED


def test_the_reply_text_is_the_comment_and_the_whole_body_stays_with_the_message(
    deliver, requester_ann
):
    first = deliver(mail()).ticket
    body = "Still broken.\n\nOn Monday Ann wrote:\n> The printer jams."
    reply = deliver(mail(body=body, message_id="r1@c", in_reply_to="a1@client.example.org"))
    comment = Comment.objects.get(pk=reply.comment_id)
    assert comment.ticket_id == first.pk
    assert comment.author == requester_ann
    assert comment.channel == Channel.EMAIL
    assert "Still broken." in comment.body
    assert b"On Monday Ann wrote:" in bytes(InboundMessage.objects.get(pk=reply.pk).raw)


def test_a_reply_whose_quotes_were_cut_carries_the_whole_mail(deliver, requester_ann, monkeypatch):
    first = deliver(mail()).ticket
    raw = mail(body="Still broken.\n\n> The printer jams.", message_id="q@c",
               in_reply_to="a1@client.example.org")  # fmt: skip

    def cut(data: bytes) -> ParsedMessage:
        # What the reply parser gives: the new text without the quote.
        return dataclasses.replace(parse_message(data), reply_text="Still broken.")

    monkeypatch.setattr(services, "parse_message", cut)
    comment = Comment.objects.get(pk=deliver(raw).comment_id)
    assert comment.body == "Still broken."
    (original,) = comment.attachments.all()
    assert original.filename == "original-message.eml" and original.ticket_id == first.pk
    with original.file.open("rb") as stored:
        assert stored.read() == raw
    # Nothing cut: no copy.
    monkeypatch.undo()
    plain = deliver(mail(body="Thanks.", message_id="t@c", in_reply_to="a1@client.example.org"))
    assert not Comment.objects.get(pk=plain.comment_id).attachments.exists()


def test_the_same_message_id_twice_makes_one_ticket(deliver, requester_ann):
    first = deliver(mail())
    again = deliver(mail(body="the same mail, fetched again after a crash"))
    assert again.state == InboundState.DUPLICATE
    assert again.duplicate_of_id == first.pk
    assert again.ticket_id == first.ticket_id
    assert Ticket.objects.count() == 1


def test_the_same_mail_in_two_mailboxes_makes_a_ticket_in_each(
    deliver, requester_ann, network_mailbox, service_desk, network_team
):
    raw = mail(to="help@example.org, network@example.org")
    here = deliver(raw)
    there = deliver(raw, mailbox=network_mailbox)
    assert here.state == there.state == InboundState.PROCESSED
    assert here.ticket.assignment_group == service_desk
    assert there.ticket.assignment_group == network_team
    assert Ticket.objects.count() == 2


def test_a_mail_without_message_id_is_recognised_by_its_bytes(deliver, requester_ann):
    raw = mail(message_id=None)
    first = deliver(raw)
    again = deliver(raw)
    assert first.dedup_key.startswith("sha256:")
    assert again.state == InboundState.DUPLICATE
    assert Ticket.objects.count() == 1
    # Different bytes without a Message-ID are another mail.
    other = deliver(mail(message_id=None, body="Another problem."))
    assert other.outcome == Outcome.TICKET_CREATED


def test_processing_twice_does_nothing_more(deliver, requester_ann):
    message = deliver(mail())
    assert inbound_message_process(message_id=message.pk).state == InboundState.PROCESSED
    assert Ticket.objects.count() == 1


def test_a_worker_killed_mid_way_loses_nothing(
    helpdesk_mailbox, requester_ann, monkeypatch, _frozen
):
    stored = inbound_message_store(mailbox=helpdesk_mailbox, raw=mail(), transport="smtp")

    def killed(**kwargs):
        raise KeyboardInterrupt("worker killed")  # not an error of the mail: nothing is recorded

    monkeypatch.setattr(services, "deliver", killed)
    with pytest.raises(KeyboardInterrupt):
        inbound_message_process(message_id=stored.pk)
    assert Ticket.objects.count() == 0
    waiting = InboundMessage.objects.get(pk=stored.pk)
    assert (waiting.state, waiting.dedup_key, waiting.attempts) == (InboundState.RECEIVED, None, 0)

    monkeypatch.undo()
    assert inbound_messages_recover() == 0  # not yet a minute old: its task may still come
    _frozen.shift(timedelta(seconds=61))
    assert inbound_messages_recover() == 1
    done = InboundMessage.objects.get(pk=stored.pk)
    assert (done.state, done.attempts, done.outcome) == (
        InboundState.PROCESSED, 1, Outcome.TICKET_CREATED,
    )  # fmt: skip
    assert Ticket.objects.count() == 1
    assert inbound_messages_recover() == 0


def test_an_unavailable_database_leaves_the_message_waiting(
    helpdesk_mailbox, requester_ann, monkeypatch
):
    stored = inbound_message_store(mailbox=helpdesk_mailbox, raw=mail(), transport="http")

    def locked(**kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(services, "deliver", locked)
    with pytest.raises(OperationalError):
        inbound_message_process(message_id=stored.pk)
    assert InboundMessage.objects.get(pk=stored.pk).state == InboundState.RECEIVED


def test_a_message_that_keeps_killing_the_worker_is_quarantined(helpdesk_mailbox, requester_ann):
    stored = inbound_message_store(mailbox=helpdesk_mailbox, raw=mail(), transport="http")
    InboundMessage.objects.filter(pk=stored.pk).update(attempts=services.MAX_ATTEMPTS)
    message = inbound_message_process(message_id=stored.pk)
    assert message.state == InboundState.QUARANTINED
    assert message.reason == "Taken up again 5 times and never finished processing."
    assert Ticket.objects.count() == 0


def test_a_failure_quarantines_with_the_reason_and_requeue_processes_it(
    deliver, requester_ann, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("the classifier fell over")

    monkeypatch.setattr(services, "deliver", broken)
    message = deliver(mail())
    assert message.state == InboundState.QUARANTINED
    assert message.reason == "RuntimeError: the classifier fell over"
    assert message.dedup_key is None
    assert Ticket.objects.count() == 0

    monkeypatch.undo()
    assert inbound_message_requeue(message_id=message.pk)
    assert inbound_message_process(message_id=message.pk).outcome == Outcome.TICKET_CREATED
    assert not inbound_message_requeue(message_id=message.pk)  # processed: not again


def test_no_sender_address_is_quarantined(deliver):
    raw = mail(sender="undisclosed", message_id="nosender@x", subject="Who am I")
    message = deliver(raw)
    assert message.state == InboundState.QUARANTINED
    assert "sender" in message.reason
    # The admin tells quarantined mail apart by what the parse read of it.
    message.refresh_from_db()
    assert (message.subject, message.message_id) == ("Who am I", "nosender@x")


def _only_a_pdf(raw: bytes) -> ParsedMessage:
    """The parse contract's answer for a mail that is only a PDF (the parser of the email-parse
    work gives it for a top-level application/pdf too)."""
    parsed = parse_message(raw)
    pdf = ParsedAttachment(filename="scan.pdf", content_type="application/pdf", content=PDF)
    return dataclasses.replace(parsed, body_text="", reply_text="", attachments=(pdf,))


@pytest.mark.parametrize(
    ("raw", "parse"),
    [
        (pdf_only(), _only_a_pdf),
        (
            mail(body="", attachments=(("scan.pdf", "application/pdf", PDF),), message_id="e1@c"),
            parse_message,
        ),
        (
            mail(body="\n", attachments=(("scan.pdf", "application/pdf", PDF),), message_id="e2@c"),
            parse_message,
        ),
    ],  # fmt: skip
    ids=["top-level pdf", "empty text part and a pdf", "blank text part and a pdf"],
)
def test_an_attachment_only_mail_makes_a_ticket_with_that_one_file(
    deliver, requester_ann, raw, parse, monkeypatch
):
    monkeypatch.setattr(services, "parse_message", parse)
    message = deliver(raw)
    ticket = message.ticket
    assert message.outcome == Outcome.TICKET_CREATED
    assert ticket.description == ""
    (attachment,) = ticket.attachments.all()
    assert attachment.filename == "scan.pdf"
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF
    # The next mail of the batch goes through as well.
    assert deliver(mail(message_id="next@c")).outcome == Outcome.TICKET_CREATED


def test_a_too_large_attachment_is_left_out_and_the_mail_kept(deliver, requester_ann, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    raw = mail(
        attachments=(("big.bin", "application/octet-stream", b"x" * 500),
                     ("small.txt", "text/plain", b"ok")),
    )  # fmt: skip
    message = deliver(raw)
    ticket = message.ticket
    assert [a.filename for a in ticket.attachments.all()] == ["small.txt"]
    assert "big.bin (500 bytes; the limit is 100)" in ticket.description
    assert message.notes == "Not attached: big.bin (500 bytes; the limit is 100)"


def test_an_unknown_sender_becomes_a_contact(deliver, org_a):
    org_a.email_domain = "acme.example"
    org_a.save()
    message = deliver(mail(sender="Zoë Neu <Zoe@Acme.example>"))
    contact = message.ticket.requester
    assert (contact.email, contact.display_name, contact.role) == (
        "zoe@acme.example", "Zoë Neu", "end_user",
    )  # fmt: skip
    assert contact.organisation == org_a
    assert not contact.has_usable_password()
    # Next time the same person (in other case) is the same account.
    again = deliver(mail(sender="ZOE@acme.example", message_id="z2@c"))
    assert again.ticket.requester == contact
    assert User.objects.filter(email__iexact="zoe@acme.example").count() == 1


def test_a_mailbox_that_rejects_unknown_senders_discards_with_the_reason(deliver, helpdesk_mailbox):
    helpdesk_mailbox.unknown_sender = UnknownSender.REJECT
    helpdesk_mailbox.save()
    message = deliver(mail(sender="who@nowhere.example"))
    assert message.state == InboundState.DISCARDED
    assert "who@nowhere.example has no account" in message.reason
    assert Ticket.objects.count() == 0
    assert not User.objects.filter(email="who@nowhere.example").exists()


def test_the_sender_is_matched_case_insensitively(deliver, requester_ann):
    assert deliver(mail(sender="ANN@Example.ORG")).ticket.requester == requester_ann


def test_cc_known_users_become_watchers(deliver, requester_ann, requester_bob, helpdesk_mailbox):
    message = deliver(mail(cc="bob@example.org, stranger@else.example"))
    assert list(Watch.objects.filter(ticket=message.ticket).values_list("user", flat=True)) == [
        requester_bob.pk
    ]
    assert not User.objects.filter(email="stranger@else.example").exists()

    helpdesk_mailbox.cc_watchers = False
    helpdesk_mailbox.save()
    off = deliver(mail(cc="bob@example.org", message_id="cc2@c"))
    assert not Watch.objects.filter(ticket=off.ticket).exists()


def test_cc_on_a_reply_adds_watchers_with_an_event(deliver, requester_ann, requester_bob):
    ticket = deliver(mail()).ticket
    deliver(mail(cc="bob@example.org", message_id="r@c", in_reply_to="a1@client.example.org"))
    assert Watch.objects.filter(ticket=ticket, user=requester_bob).exists()
    assert ticket.events.filter(kind="watcher_added").count() == 1


def test_an_agent_reply_by_mail_is_a_public_agent_reply(deliver, requester_ann, agent_l1_lee):
    ticket = deliver(mail()).ticket
    reply = deliver(
        mail(sender="lee@example.org", message_id="ag@c", in_reply_to="a1@client.example.org",
             body="Please restart it.")
    )  # fmt: skip
    comment = Comment.objects.get(pk=reply.comment_id)
    assert (comment.author, comment.is_public) == (agent_l1_lee, True)
    assert Ticket.objects.get(pk=ticket.pk).first_response_at is not None


def _resolve(ticket: Ticket, agent: User) -> Ticket:
    return ticket_update(
        ticket=ticket, by=agent,
        changes={"state": State.RESOLVED, "resolution_code": "solved", "assignee": agent},
    )  # fmt: skip


def test_a_requester_reply_reopens_a_resolved_ticket_and_cancels_auto_close(
    deliver, requester_ann, agent_l1_lee
):
    ticket = _resolve(deliver(mail()).ticket, agent_l1_lee)
    assert CloseTimer.objects.filter(ticket=ticket).exists()
    reply = deliver(mail(message_id="r@c", in_reply_to="a1@client.example.org", body="No!"))
    ticket.refresh_from_db()
    assert reply.outcome == Outcome.REOPENED
    assert (ticket.state, ticket.reopen_count) == (State.IN_PROGRESS, 1)
    assert ticket.resolved_at is None
    assert not CloseTimer.objects.filter(ticket=ticket).exists()


def _close(ticket: Ticket, agent: User) -> Ticket:
    _resolve(ticket, agent)
    return ticket_update(ticket=ticket, by=agent, changes={"state": State.CLOSED})


def test_a_reply_to_a_ticket_closed_beyond_the_grace_opens_a_linked_ticket(
    deliver, requester_ann, agent_l1_lee, settings, _frozen
):
    settings.SERVICEDESK_EMAIL_CLOSED_GRACE = "72h"
    old = _close(deliver(mail()).ticket, agent_l1_lee)
    before = Ticket.objects.values().get(pk=old.pk)
    _frozen.shift(timedelta(hours=73))
    reply = deliver(mail(message_id="late@c", in_reply_to="a1@client.example.org"))
    assert reply.outcome == Outcome.FOLLOW_UP
    new = reply.ticket
    assert new.pk != old.pk and new.state == State.NEW
    link = TicketLink.objects.get()
    assert (link.source, link.target, link.kind) == (new, old, LinkKind.RELATED)
    after = Ticket.objects.values().get(pk=old.pk)
    assert after == before  # closed, with its figures unchanged
    # The next reply in that thread lands on the new ticket.
    nxt = deliver(mail(message_id="n@c", in_reply_to="late@c", references="a1@client.example.org"))
    assert nxt.ticket_id == new.pk


def test_a_reply_within_the_grace_is_noted_on_the_closed_ticket(
    deliver, requester_ann, agent_l1_lee, settings, _frozen
):
    settings.SERVICEDESK_EMAIL_CLOSED_GRACE = "72h"
    old = _close(deliver(mail()).ticket, agent_l1_lee)
    _frozen.shift(timedelta(hours=2))
    reply = deliver(mail(message_id="thx@c", in_reply_to="a1@client.example.org", body="Thanks!"))
    assert (reply.outcome, reply.ticket_id) == (Outcome.NOTE_ADDED, old.pk)
    assert Ticket.objects.count() == 1
    note = old.events.order_by("-pk").first()
    assert note.is_internal and "Thanks!" in note.message
    assert Ticket.objects.get(pk=old.pk).state == State.CLOSED


def test_with_no_grace_every_reply_to_a_closed_ticket_opens_a_new_one(
    deliver, requester_ann, agent_l1_lee
):
    old = _close(deliver(mail()).ticket, agent_l1_lee)
    reply = deliver(mail(message_id="x@c", in_reply_to="a1@client.example.org"))
    assert reply.outcome == Outcome.FOLLOW_UP and reply.ticket_id != old.pk


AUTOMATIC = {
    "auto-replied": {"Auto-Submitted": "auto-replied"},
    "auto-generated": {"Auto-Submitted": "auto-generated"},
    "x-autoreply": {"X-Autoreply": "yes"},
    "bulk": {"Precedence": "bulk"},
    "junk": {"Precedence": "junk"},
    "list": {"Precedence": "list"},
    "list-id": {"List-Id": "<users.lists.example.org>"},
    "null sender": {"Return-Path": "<>"},
}


@pytest.mark.parametrize("headers", AUTOMATIC.values(), ids=AUTOMATIC.keys())
def test_automatic_mail_opens_no_ticket(deliver, requester_ann, headers):
    message = deliver(mail(headers=headers, subject="Out of office"))
    assert message.state == InboundState.DISCARDED
    assert message.is_automatic and message.automatic
    assert Ticket.objects.count() == 0


def test_auto_submitted_no_is_a_person(deliver, requester_ann):
    message = deliver(mail(headers={"Auto-Submitted": "no"}))
    assert (message.outcome, message.is_automatic) == (Outcome.TICKET_CREATED, False)


def test_an_out_of_office_reply_to_a_notification_is_an_internal_note(
    deliver, requester_ann, agent_l1_lee
):
    ticket = _resolve(deliver(mail()).ticket, agent_l1_lee)
    mail_reference_record(ticket=ticket, message_id="n1@desk", direction=Direction.OUTBOUND)
    ooo = deliver(
        mail(subject="Automatic reply: Resolved", message_id="ooo@c", in_reply_to="n1@desk",
             headers={"Auto-Submitted": "auto-replied"}, body="I am away until Monday.")
    )  # fmt: skip
    assert (ooo.outcome, ooo.ticket_id, ooo.is_automatic) == (Outcome.NOTE_ADDED, ticket.pk, True)
    assert ooo.automatic == Automatic.AUTO_REPLY
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED  # an auto-reply never reopens
    assert not Comment.objects.filter(ticket=ticket, author=requester_ann).exists()
    note = ticket.events.order_by("-pk").first()
    assert note.is_internal and note.channel == Channel.SYSTEM
    assert "I am away until Monday." in note.message


def test_a_mailbox_may_let_automatic_mail_open_tickets_flagged_automatic(
    deliver, requester_ann, helpdesk_mailbox
):
    helpdesk_mailbox.auto_replies_create_tickets = True
    helpdesk_mailbox.save()
    message = deliver(mail(headers={"Auto-Submitted": "auto-generated"}, subject="Disk full"))
    assert message.outcome == Outcome.TICKET_CREATED
    assert ticket_opened_by_automatic_mail(message.ticket)


def test_text_the_database_refuses_is_cleaned(deliver, requester_ann):
    message = deliver(mail(subject="Nul\x00byte", body="a\x00b"))
    assert message.ticket.title == "Nulbyte"
    assert message.ticket.description == "ab"


def _raw(headers: bytes) -> bytes:
    return b"To: help@example.org\r\nSubject: hello\r\n" + headers + b"\r\nbody text\r\n"


@pytest.mark.parametrize(
    "headers",
    [
        b"From: ann@example.org\r\nMessage-ID: <caf\xe9@client.example>\r\n",
        b"From: ann@example.org\r\nMessage-ID: <a\x00b@client.example>\r\n",
        b"From: ann@example.org\r\nIn-Reply-To: <r\xe9@x.example>\r\n",
        b"From: ann@example.org\r\nReferences: <r\x00@x.example>\r\n",
        b"From: <ann\x00@example.org>\r\n",
        b"From: ann@example.org\r\nCc: bob\x00@example.org\r\n",
    ],
    ids=["8-bit message-id", "NUL message-id", "8-bit in-reply-to", "NUL references",
         "NUL sender", "NUL cc"],
)  # fmt: skip
def test_raw_bytes_and_nul_in_ids_and_addresses_still_make_the_ticket(
    deliver, requester_ann, requester_bob, headers
):
    # Were quarantined with UnicodeEncodeError (both databases) or DataError (PostgreSQL).
    message = deliver(_raw(headers))
    assert (message.state, message.outcome) == (InboundState.PROCESSED, Outcome.TICKET_CREATED)
    assert message.ticket.requester == requester_ann
    assert "\x00" not in message.message_id
    message.message_id.encode("utf-8")  # no lone surrogate


def test_a_cleaned_message_id_still_threads_and_deduplicates(deliver, requester_ann):
    first = deliver(_raw(b"From: ann@example.org\r\nMessage-ID: <caf\xc3\xa9@client.example>\r\n"))
    again = deliver(_raw(b"From: ann@example.org\r\nMessage-ID: <caf\xc3\xa9@client.example>\r\n"))
    assert again.state == InboundState.DUPLICATE and again.ticket == first.ticket
    reply = deliver(
        _raw(
            b"From: ann@example.org\r\nMessage-ID: <r2@client.example>\r\n"
            b"In-Reply-To: <caf\xc3\xa9@client.example>\r\n"
        )
    )
    assert (reply.outcome, reply.ticket) == (Outcome.REPLY_ADDED, first.ticket)
    assert Ticket.objects.count() == 1


def test_a_sender_address_too_long_for_an_account_is_quarantined_with_the_reason(deliver):
    # Was a DataError on PostgreSQL, and an account with an invalid address on SQLite.
    message = deliver(_raw(b"From: " + b"x" * 300 + b"@example.org\r\n"))
    assert message.state == InboundState.QUARANTINED
    assert message.reason == (
        "The sender address is 312 characters long; an address has at most 254."
    )
    assert not User.objects.filter(email__startswith="xxx").exists()


def test_a_long_subject_is_cut_to_the_title_length(deliver, requester_ann):
    message = deliver(mail(subject="word " * 200))
    assert message.ticket.title == ("word " * 200)[:255].rstrip()


def test_a_sender_the_parse_misses_is_read_from_the_header_lines(deliver):
    raw = b"From: [broken]\r\nFrom: Real <real@sender.example>\r\nSubject: hi\r\n\r\nbody\r\n"
    message = deliver(raw)
    assert message.outcome == Outcome.TICKET_CREATED
    assert message.ticket.requester.email == "real@sender.example"


def test_mail_from_mailer_daemon_is_a_bounce_whatever_its_shape(deliver):
    message = deliver(mail(sender="MAILER-DAEMON@mx.example.org", subject="Undeliverable"))
    assert (message.state, message.automatic) == (InboundState.DISCARDED, Automatic.BOUNCE)


def test_the_note_of_an_automatic_reply_is_for_agents_only(
    client, deliver, requester_ann, agent_l1_lee
):
    ticket = deliver(mail()).ticket
    deliver(
        mail(message_id="ooo2@c", in_reply_to="a1@client.example.org", body="Away.",
             headers={"X-Autoreply": "yes"})
    )  # fmt: skip
    url = f"/api/v1/tickets/{ticket.number}/events/"
    client.force_login(agent_l1_lee)
    seen = [e["message"] for e in client.get(url).json()["results"]]
    assert any("Away." in m for m in seen)
    client.force_login(requester_ann)
    hidden = [e["message"] for e in client.get(url).json()["results"]]
    assert not any("Away." in m for m in hidden)


def test_a_mailed_in_ticket_is_acknowledged_in_its_thread(deliver, requester_ann):
    ticket = deliver(mail(message_id="a1@client")).ticket
    (ack,) = OutboxMessage.objects.all()
    assert ack.to == "ann@example.org"
    assert ticket.number in ack.subject
    assert ack.headers["In-Reply-To"] == "<a1@client>"
    assert ack.headers["Auto-Submitted"] == "auto-replied"
    # Our acknowledgement is the thread's second message: a reply to it lands on the ticket.
    assert list(ticket.mail_references.order_by("pk").values_list("message_id", "direction")) == [
        ("a1@client", Direction.INBOUND),
        (ack.message_id, Direction.OUTBOUND),
    ]
    reply = deliver(mail(subject="Re: thanks", message_id="r1@c", in_reply_to=ack.message_id))
    assert (reply.outcome, reply.ticket_id) == (Outcome.REPLY_ADDED, ticket.pk)
    assert OutboxMessage.objects.count() == 1  # a requester's reply is not acknowledged


def test_mail_no_person_wrote_is_never_acknowledged(deliver, requester_ann, helpdesk_mailbox):
    helpdesk_mailbox.auto_replies_create_tickets = True
    helpdesk_mailbox.save()
    for n, headers in enumerate(AUTOMATIC.values()):
        message = deliver(mail(headers=headers, subject="Disk full", message_id=f"robot{n}@c"))
        assert message.outcome == Outcome.TICKET_CREATED
    assert Ticket.objects.count() == len(AUTOMATIC)
    assert not OutboxMessage.objects.exists()


def test_five_mails_in_ten_minutes_get_three_acknowledgements(deliver, requester_ann, _frozen):
    for n in range(5):
        deliver(mail(subject=f"Problem {n}", message_id=f"p{n}@c"))
        _frozen.shift(120)
    assert Ticket.objects.count() == 5
    assert OutboxMessage.objects.filter(to="ann@example.org").count() == 3


def test_a_tag_in_the_subject_from_someone_not_on_the_ticket_is_a_note_for_the_agents(
    deliver, requester_ann, requester_bob
):
    # Ticket numbers run in sequence: a stranger can name any ticket in a subject.
    first = deliver(mail()).ticket
    before = Comment.objects.filter(ticket=first).count()

    reply = deliver(
        mail(sender="bob@example.org", subject=f"Re: [{first.number}] Printer", message_id="x1@c",
             body="Please close this, it is fixed.")
    )  # fmt: skip

    assert (reply.outcome, reply.ticket_id) == (Outcome.NOTE_ADDED, first.pk)
    assert Comment.objects.filter(ticket=first).count() == before
    note = first.events.order_by("-pk").first()
    assert note.is_internal
    assert note.message.startswith(
        f"A reply from someone who is not on the ticket from bob@example.org: Re: [{first.number}]"
    )
    assert "Please close this, it is fixed." in note.message
    # Once Bob watches the ticket, his reply is his comment.
    Watch.objects.create(ticket=first, user=requester_bob)
    again = deliver(
        mail(sender="bob@example.org", subject=f"Re: [{first.number}] Printer", message_id="x2@c")
    )
    assert again.outcome == Outcome.REPLY_ADDED
    assert Comment.objects.get(pk=again.comment_id).author == requester_bob


def test_a_thread_reference_is_trusted_from_any_sender(deliver, requester_ann, requester_bob):
    first = deliver(mail(message_id="a1@client")).ticket
    forwarded = deliver(
        mail(sender="bob@example.org", subject="Re: Printer", message_id="f1@c",
             in_reply_to="a1@client")
    )  # fmt: skip
    assert (forwarded.outcome, forwarded.ticket_id) == (Outcome.REPLY_ADDED, first.pk)
