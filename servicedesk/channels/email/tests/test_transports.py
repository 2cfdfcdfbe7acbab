"""Each way in, over real sockets where there is one: IMAP, SMTP, HTTP, the MTA pipe."""

import io
import os
import smtplib
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from huey.contrib.djhuey import HUEY

from servicedesk.channels.email import services
from servicedesk.channels.email.choices import AfterFetch, ImapAuth, ImapSecurity, InboundState
from servicedesk.channels.email.models import InboundMessage, Mailbox
from servicedesk.channels.email.tests.imap_server import ImapTestServer, MailStore
from servicedesk.channels.email.tests.mail import mail
from servicedesk.channels.email.transports.imap import ImapError, mailbox_poll
from servicedesk.channels.email.transports.smtp import SmtpListener
from servicedesk.tickets.models import Ticket

ROOT = Path(__file__).resolve().parents[4]


@pytest.fixture
def immediate_queue():
    """Queued tasks run at once, in the thread that queues them."""
    was = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = was


# IMAP ------------------------------------------------------------------------------------


@pytest.fixture
def imap_store():
    return MailStore()


@pytest.fixture
def imap_server(imap_store):
    with ImapTestServer(imap_store) as server:
        yield server


@pytest.fixture
def imap_mailbox(helpdesk_mailbox, imap_server, monkeypatch):
    monkeypatch.setenv("HELP_IMAP_PASSWORD", "s3cret")
    helpdesk_mailbox.imap_enabled = True
    helpdesk_mailbox.imap_host = "127.0.0.1"
    helpdesk_mailbox.imap_port = imap_server.port
    helpdesk_mailbox.imap_security = ImapSecurity.PLAIN
    helpdesk_mailbox.imap_username = "desk"
    helpdesk_mailbox.imap_secret_env = "HELP_IMAP_PASSWORD"
    helpdesk_mailbox.save()
    return helpdesk_mailbox


@pytest.mark.django_db
def test_imap_poll_makes_tickets_and_flags_them_after_the_commit(
    imap_mailbox, imap_store, requester_ann
):
    imap_store.add(mail(message_id="i1@c", subject="VPN down"))
    imap_store.add(mail(message_id="i2@c", subject="Seen already"), flags={"\\Seen"})
    imap_store.add(mail(message_id="i3@c", subject="Laptop slow"))
    result = mailbox_poll(mailbox=imap_mailbox)
    assert (result.fetched, len(result.stored)) == (2, 2)
    assert sorted(Ticket.objects.values_list("title", flat=True)) == ["Laptop slow", "VPN down"]
    inbox = imap_store.folders["INBOX"]
    assert [("\\Seen" in m.flags) for m in inbox] == [True, True, True]
    # Fetched without marking read; flagged only after the store and the processing.
    fetch = imap_store.log.index("UID FETCH 1 (BODY.PEEK[])")
    store = imap_store.log.index("UID STORE 1 +FLAGS (\\Seen)")
    assert fetch < store
    assert InboundMessage.objects.filter(transport="imap").count() == 2
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_poll_error == "" and imap_mailbox.last_polled_at is not None
    # Nothing new: the next poll fetches nothing.
    assert mailbox_poll(mailbox=imap_mailbox).fetched == 0


@pytest.mark.django_db
def test_imap_move_mode_moves_processed_mail_and_never_deletes_before(
    imap_mailbox, imap_store, requester_ann
):
    imap_mailbox.imap_after_fetch = AfterFetch.MOVE
    imap_mailbox.imap_move_to = "Done by desk"
    imap_mailbox.save()
    imap_store.add(mail(message_id="m1@c"))
    mailbox_poll(mailbox=imap_mailbox)
    assert imap_store.folders["INBOX"] == []
    assert [m.uid for m in imap_store.folders["Done by desk"]] == [1]
    assert Ticket.objects.count() == 1
    log = imap_store.log
    assert log.index('UID COPY 1 "Done by desk"') < log.index("UID STORE 1 +FLAGS (\\Deleted)")
    assert log.index("UID STORE 1 +FLAGS (\\Deleted)") < log.index("EXPUNGE")


@pytest.mark.django_db
def test_imap_a_crash_before_the_flag_refetches_and_makes_one_ticket(
    imap_mailbox, imap_store, requester_ann
):
    imap_store.add(mail(message_id="twice@c"))
    mailbox_poll(mailbox=imap_mailbox)
    # The server forgot the flag (the poller died before STORE reached it).
    imap_store.folders["INBOX"][0].flags.clear()
    mailbox_poll(mailbox=imap_mailbox)
    assert Ticket.objects.count() == 1
    states = list(InboundMessage.objects.order_by("pk").values_list("state", flat=True))
    assert states == [InboundState.PROCESSED, InboundState.DUPLICATE]


@pytest.mark.django_db
def test_imap_an_unfinished_message_stays_unflagged_and_stops_the_poll(
    imap_mailbox, imap_store, requester_ann, monkeypatch
):
    imap_store.add(mail(message_id="ok@c"))
    imap_store.add(mail(message_id="stuck@c"))
    imap_store.add(mail(message_id="later@c"))
    real = services._process

    def stuck_on_the_second(message, parsed):
        # As if the database went away mid-way: the message stays received, nothing committed.
        if parsed.message_id == "stuck@c":
            return message
        return real(message, parsed)

    monkeypatch.setattr(services, "_process", stuck_on_the_second)
    result = mailbox_poll(mailbox=imap_mailbox)
    assert len(result.stored) == 2
    flags = [("\\Seen" in m.flags) for m in imap_store.folders["INBOX"]]
    assert flags == [True, False, False]
    assert InboundMessage.objects.order_by("pk").last().state == InboundState.RECEIVED


@pytest.mark.django_db
def test_imap_wrong_password_is_recorded_on_the_mailbox(imap_mailbox, monkeypatch):
    monkeypatch.setenv("HELP_IMAP_PASSWORD", "wrong")
    with pytest.raises(ImapError, match="invalid credentials"):
        mailbox_poll(mailbox=imap_mailbox)
    imap_mailbox.refresh_from_db()
    assert "invalid credentials" in imap_mailbox.last_poll_error


@pytest.mark.django_db
def test_imap_settings_imaplib_cannot_send_are_recorded_and_the_next_mailbox_polled(
    imap_mailbox, imap_store, network_mailbox, monkeypatch, requester_ann
):
    # Were a UnicodeError traceback that stopped poll-mailboxes before the next mailbox and
    # left no last poll error.
    imap_store.add(mail(subject="Still fetched", to="network@example.org"))
    # The first mailbox polled has a host label over 63 characters; the second the server.
    Mailbox.objects.filter(pk=network_mailbox.pk).update(
        imap_enabled=True, imap_host="127.0.0.1", imap_port=imap_mailbox.imap_port,
        imap_username="desk", imap_secret="s3cret", imap_security=ImapSecurity.PLAIN,
    )  # fmt: skip
    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_host="a" * 64 + ".example")
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("poll-mailboxes", stdout=out)
    assert refused.value.returncode == 1
    assert str(refused.value).startswith("help@example.org: ")
    assert out.getvalue() == "network@example.org: 1 fetched, 1 stored\n"
    assert Ticket.objects.get().title == "Still fetched"
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_poll_error.startswith("Cannot connect to aaaa")

    Mailbox.objects.filter(pk=imap_mailbox.pk).update(imap_host="127.0.0.1")

    monkeypatch.setenv("HELP_IMAP_PASSWORD", "geheim-ü")  # LOGIN sends ASCII only
    with pytest.raises(ImapError):
        mailbox_poll(mailbox=Mailbox.objects.get(pk=imap_mailbox.pk))
    imap_mailbox.refresh_from_db()
    assert imap_mailbox.last_poll_error.startswith("UnicodeEncodeError: ")


@pytest.mark.django_db
def test_imap_xoauth2_with_the_token_in_the_database(imap_mailbox, imap_store, requester_ann):
    imap_store.token = "ya29.token"
    imap_mailbox.imap_auth = ImapAuth.XOAUTH2
    imap_mailbox.imap_secret_env = ""
    imap_mailbox.imap_secret = "ya29.token"
    imap_mailbox.save()
    imap_store.add(mail(message_id="oauth@c"))
    mailbox_poll(mailbox=imap_mailbox)
    assert Ticket.objects.count() == 1
    assert any(line.startswith("AUTHENTICATE XOAUTH2") for line in imap_store.log)


@pytest.mark.django_db
def test_imap_secret_from_a_file_named_by_the_environment(
    imap_mailbox, imap_store, requester_ann, monkeypatch, tmp_path
):
    secret = tmp_path / "imap-password"
    secret.write_text("s3cret\n")
    monkeypatch.delenv("HELP_IMAP_PASSWORD")
    monkeypatch.setenv("HELP_IMAP_PASSWORD_FILE", str(secret))
    imap_store.add(mail(message_id="file@c"))
    mailbox_poll(mailbox=imap_mailbox)
    assert Ticket.objects.count() == 1


@pytest.mark.django_db
def test_poll_mailboxes_command(imap_mailbox, imap_store, requester_ann):
    imap_store.add(mail(message_id="cmd@c"))
    out = io.StringIO()
    call_command("poll-mailboxes", stdout=out)
    assert out.getvalue() == "help@example.org: 1 fetched, 1 stored\n"
    with pytest.raises(CommandError, match="No active IMAP mailbox: nobody@x"):
        call_command("poll-mailboxes", "nobody@x")


# SMTP ------------------------------------------------------------------------------------


@pytest.fixture
def smtp_listener():
    listener = SmtpListener(host="127.0.0.1", port=0).start()
    yield listener
    listener.stop()


@pytest.mark.django_db(transaction=True)
def test_a_real_smtp_delivery_makes_a_ticket(
    helpdesk_mailbox, requester_ann, smtp_listener, immediate_queue
):
    with smtplib.SMTP(smtp_listener.host, smtp_listener.port, timeout=10) as client:
        refused = client.sendmail(
            "ann@example.org", ["help@example.org"], mail(subject="Mail via SMTP")
        )
    assert refused == {}
    ticket = Ticket.objects.get()
    assert ticket.title == "Mail via SMTP"
    message = InboundMessage.objects.get()
    assert (message.transport, message.envelope_from) == ("smtp", "ann@example.org")
    assert message.state == InboundState.PROCESSED


@pytest.mark.django_db(transaction=True)
def test_smtp_refuses_recipients_that_are_no_mailbox(helpdesk_mailbox, smtp_listener):
    with smtplib.SMTP(smtp_listener.host, smtp_listener.port, timeout=10) as client:
        client.ehlo()
        client.mail("ann@example.org")
        code, _ = client.rcpt("someone-else@example.org")
        assert code == 550
        code, _ = client.rcpt("HELP@example.org")
        assert code == 250
    with (
        smtplib.SMTP(smtp_listener.host, smtp_listener.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        client.sendmail("ann@example.org", ["nobody@example.org"], mail())
    assert InboundMessage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_smtp_refuses_a_message_over_the_limit(helpdesk_mailbox, smtp_listener, settings):
    settings.SERVICEDESK_EMAIL_MAX_BYTES = 2000
    listener = SmtpListener(host="127.0.0.1", port=0).start()  # takes the limit when made
    try:
        with (
            smtplib.SMTP(listener.host, listener.port, timeout=10) as client,
            # Refused at MAIL FROM when the client declares the size, else after DATA.
            pytest.raises((smtplib.SMTPSenderRefused, smtplib.SMTPDataError)) as refused,
        ):
            client.sendmail("ann@example.org", ["help@example.org"], mail(body="x" * 5000))
        assert refused.value.smtp_code == 552
    finally:
        listener.stop()
    assert InboundMessage.objects.count() == 0


# HTTP ------------------------------------------------------------------------------------

URL = "/api/v1/email/inbound/"


@pytest.fixture
def secret(settings):
    settings.SERVICEDESK_EMAIL_INBOUND_SECRET = "hook-secret"
    return "hook-secret"


def _post(client, body: bytes, secret: str | None = "hook-secret", query: str = ""):
    headers = {"X-Inbound-Secret": secret} if secret is not None else {}
    return client.post(URL + query, data=body, content_type="message/rfc822", headers=headers)


@pytest.mark.django_db
def test_http_endpoint_stores_the_raw_message(client, helpdesk_mailbox, secret):
    raw = mail(subject="Via webhook")
    answer = _post(client, raw)
    assert answer.status_code == 202
    body = answer.json()
    assert body["mailbox"] == "help@example.org" and body["state"] == "received"
    stored = InboundMessage.objects.get(pk=body["id"])
    assert bytes(stored.raw) == raw
    assert stored.transport == "http"


@pytest.mark.django_db
def test_http_endpoint_names_the_mailbox_by_query(
    client, helpdesk_mailbox, network_mailbox, secret
):
    answer = _post(client, mail(to="someone@else.example"), query="?mailbox=network@example.org")
    assert answer.status_code == 202
    assert InboundMessage.objects.get().mailbox == network_mailbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "given", "query", "status", "code"),
    [
        (b"x", None, "", 401, "bad_secret"),
        (b"x", "wrong", "", 401, "bad_secret"),
        (b"", "hook-secret", "", 400, "empty_message"),
        (
            b"From: a@b\r\n\r\nhi",
            "hook-secret",
            "?mailbox=nobody@x.example",
            400,
            "unknown_mailbox",
        ),
    ],  # fmt: skip
    ids=["no secret", "wrong secret", "empty", "unknown mailbox"],
)
def test_http_endpoint_refusals(client, helpdesk_mailbox, secret, body, given, query, status, code):
    answer = _post(client, body, secret=given, query=query)
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code
    assert InboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_http_endpoint_a_nul_in_an_address_is_no_mailbox_not_an_outage(
    client, helpdesk_mailbox, network_mailbox, secret
):
    # PostgreSQL refused the look-up: 503 "try again later", and a sender retrying for days.
    named = _post(client, mail(), query="?mailbox=help%00@example.org")
    assert named.status_code == 400
    assert named.json()["error"]["code"] == "unknown_mailbox"
    headed = _post(client, b"From: ann@example.org\r\nTo: h\x00@x.example, network@example.org"
                   b"\r\nSubject: hi\r\n\r\nhi\r\n")  # fmt: skip
    assert headed.status_code == 202
    assert InboundMessage.objects.get().mailbox == network_mailbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", b"from=ann%40example.org&subject=hi"),
        ("multipart/form-data; boundary=x", b'--x\r\nContent-Disposition: form-data; name="email"'
         b"\r\n\r\nFrom: ann@example.org\r\n\r\nhi\r\n--x--\r\n"),
        ("application/json", b'{"from": "ann@example.org"}'),
    ],
    ids=["form", "multipart", "json"],
)  # fmt: skip
def test_http_endpoint_refuses_a_parsed_form_instead_of_the_raw_mail(
    client, helpdesk_mailbox, secret, content_type, body
):
    # Were stored with 202, then became junk tickets or quarantine the integrator never saw.
    answer = client.post(
        URL, data=body, content_type=content_type, headers={"X-Inbound-Secret": "hook-secret"}
    )
    assert answer.status_code == 415
    assert answer.json()["error"]["code"] == "unsupported_media_type"
    assert InboundMessage.objects.count() == 0
    plain = client.post(URL, data=mail(), content_type="text/plain",
                        headers={"X-Inbound-Secret": "hook-secret"})  # fmt: skip
    assert plain.status_code == 202  # any other type is taken as the raw message


@pytest.mark.django_db
def test_http_endpoint_refuses_too_large(client, helpdesk_mailbox, secret, settings):
    settings.SERVICEDESK_EMAIL_MAX_BYTES = 1000
    answer = _post(client, mail(body="y" * 3000))
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "message_too_large"
    assert InboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_http_endpoint_is_off_without_a_secret(client, helpdesk_mailbox, settings):
    settings.SERVICEDESK_EMAIL_INBOUND_SECRET = ""
    answer = _post(client, mail(), secret="")
    assert answer.status_code == 404
    assert answer.json()["error"]["code"] == "not_found"


# ingest-email ----------------------------------------------------------------------------


class _Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


@pytest.mark.django_db
def test_ingest_email_stores_from_stdin(helpdesk_mailbox, requester_ann):
    call_command("ingest-email", "--mailbox", "help@example.org", stdin=_Stdin(mail()))
    stored = InboundMessage.objects.get()
    assert (stored.transport, stored.state) == ("pipe", InboundState.RECEIVED)


@pytest.mark.django_db
def test_ingest_email_finds_the_mailbox_in_the_headers(
    helpdesk_mailbox, network_mailbox, requester_ann
):
    raw = b"Delivered-To: network@example.org\r\n" + mail(to="Team <network@example.org>")
    call_command("ingest-email", stdin=_Stdin(raw))
    assert InboundMessage.objects.get().mailbox == network_mailbox


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "args", "code"),
    [(b"", [], 65), (b"\r\n\r\n", ["--mailbox", "help@example.org"], 65),
     (b"From: a@b\r\n\r\nx", ["--mailbox", "other@example.org"], 67)],
    ids=["empty", "blank", "unknown mailbox"],
)  # fmt: skip
def test_ingest_email_exit_codes(helpdesk_mailbox, network_mailbox, data, args, code):
    with pytest.raises(CommandError) as failed:
        call_command("ingest-email", *args, stdin=_Stdin(data))
    assert failed.value.returncode == code
    assert InboundMessage.objects.count() == 0


@pytest.mark.django_db
def test_ingest_email_too_large_is_65(helpdesk_mailbox, settings):
    settings.SERVICEDESK_EMAIL_MAX_BYTES = 100
    with pytest.raises(CommandError, match="the limit is 100 bytes") as failed:
        call_command("ingest-email", stdin=_Stdin(mail()))
    assert failed.value.returncode == 65


def test_ingest_email_database_unavailable_is_75_with_one_line(tmp_path):
    """A real process, as Postfix runs it, against a PostgreSQL port nobody listens on."""
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none",
        "SERVICEDESK_DATA_DIR": str(tmp_path),
        "REDIS_URL": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "ingest-email", "--mailbox", "help@x.org"],
        input=mail(), env=env, capture_output=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 75
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "database is unavailable" in lines[0] and "try again later" in lines[0]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["smtp-listen", "--port", "abc"], "argument --port: invalid int value: 'abc'"),
        (["poll-mailboxes", "--every"], "unrecognized arguments: --every"),
    ],
    ids=["smtp-listen", "poll-mailboxes"],
)
def test_bad_arguments_are_one_line_on_stderr(tmp_path, args, said):
    # argparse printed the whole usage (six lines) before the error.
    env = {**os.environ, "SERVICEDESK_DATA_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", *args],
        env=env, capture_output=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode().splitlines() == [f"servicedesk {args[0]}: error: {said}"]


def test_mailbox_model_reads_the_secret_when_needed(monkeypatch):
    box = Mailbox(imap_secret="stored", imap_secret_env="")
    assert box.imap_password() == "stored"
    box.imap_secret_env = "SD_TEST_SECRET"
    monkeypatch.setenv("SD_TEST_SECRET", "from-env")
    assert box.imap_password() == "from-env"


@pytest.mark.django_db(transaction=True)
def test_a_queue_that_cannot_be_reached_does_not_fail_the_delivery(helpdesk_mailbox, monkeypatch):
    def down(message_id):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(
        "servicedesk.channels.email.transports.common.inbound_message_process_task", down
    )
    call_command("ingest-email", "--mailbox", "help@example.org", stdin=_Stdin(mail()))
    assert InboundMessage.objects.get().state == InboundState.RECEIVED


# The admins' API over inbound messages ---------------------------------------------------

MESSAGES = "/api/v1/email/messages/"


@pytest.mark.django_db
def test_admins_list_quarantined_messages_and_reprocess_them(
    client, admin_ada, agent_l1_lee, deliver, requester_ann, monkeypatch
):
    def broken(**kwargs):
        raise RuntimeError("fixed since")

    monkeypatch.setattr(services, "deliver", broken)
    bad = deliver(mail())
    monkeypatch.undo()
    good = deliver(mail(message_id="fine@c"))

    client.force_login(agent_l1_lee)
    assert client.get(MESSAGES).status_code == 403
    client.force_login(admin_ada)
    listed = client.get(MESSAGES, {"state": "quarantined"}).json()
    assert [(m["id"], m["reason"]) for m in listed["results"]] == [
        (bad.pk, "RuntimeError: fixed since")
    ]
    assert client.get(MESSAGES, {"state": "lost"}).json()["error"]["code"] == "validation_error"

    again = client.post(f"{MESSAGES}{bad.pk}/reprocess/")
    assert again.status_code == 200
    body = again.json()
    assert (body["state"], body["outcome"]) == ("processed", "ticket_created")
    assert body["ticket"] == Ticket.objects.get(inbound_mail=bad.pk).number

    refused = client.post(f"{MESSAGES}{good.pk}/reprocess/")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "transition_not_allowed"
