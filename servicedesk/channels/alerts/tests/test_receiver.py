"""The HTTP receiver: tokens, bad input in the error format, raw bodies kept, SNS."""

import json

import pytest

from servicedesk.channels.alerts.models import Alert, AlertDelivery
from servicedesk.channels.alerts.tests import payloads as p
from servicedesk.tickets.models import Ticket


def error_of(response):
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    return body["error"]["code"]


def test_accepts_and_answers_what_became_of_each_alert(make_source, post):
    source = make_source("alertmanager")
    response = post(source, p.ALERTMANAGER_RESOLVED_ONE | {"status": "firing"})
    assert response.status_code == 202
    answer = response.json()
    ticket = Ticket.objects.get()
    assert answer["alerts"] == [
        {"key": p.ALERTMANAGER_RESOLVED_ONE["groupKey"], "dedup_key": p.ALERTMANAGER_RESOLVED_ONE["groupKey"],
         "event": "trigger", "outcome": "opened", "incident": ticket.number}
    ]  # fmt: skip
    assert AlertDelivery.objects.get(pk=answer["delivery"]).state == "processed"


@pytest.mark.parametrize("how", ["header", "bearer", "basic", "query"])
def test_the_token_in_every_place_tools_can_put_it(make_source, post, how):
    import base64

    source = make_source("generic")
    extra = {
        "header": {},
        "bearer": {"HTTP_AUTHORIZATION": f"Bearer {source.token}"},
        "basic": {
            "HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"x:{source.token}".encode()).decode()
        },
        "query": {"QUERY_STRING": f"token={source.token}"},
    }[how]
    token = source.token if how == "header" else ""
    assert post(source, {"id": "1", "title": "t"}, token=token, **extra).status_code == 202


def test_wrong_token_unknown_source_and_inactive(make_source, post):
    source = make_source("generic")
    response = post(source, {"id": "1", "title": "t"}, token="nope")
    assert (response.status_code, error_of(response)) == (401, "bad_token")
    other = make_source("grafana")
    response = post(other, {"id": "1"}, token=source.token)
    assert (response.status_code, error_of(response)) == (401, "bad_token")
    source.slug = "missing"
    response = post(source, {"id": "1", "title": "t"})
    assert (response.status_code, error_of(response)) == (404, "unknown_source")
    other.is_active = False
    other.save()
    assert post(other, {}).status_code == 404
    # unauthenticated bodies are not kept
    assert AlertDelivery.objects.count() == 0


@pytest.mark.parametrize(
    ("kind", "raw", "code"),
    [
        ("alertmanager", b"{not json", "invalid_json"),
        ("alertmanager", b"", "invalid_json"),
        ("zabbix", b'["a"]', "invalid_payload"),
        ("generic", b'{"status": "firing"}', "no_identity"),
        ("pagerduty_events_v2", b'{"routing_key": "x"}', "invalid_payload"),
        ("alertmanager", '{"alerts": [], "groupKey": "\u00e9"}'.encode("latin-1"), "invalid_json"),
    ],
)
def test_bad_bodies_are_400_and_kept(make_source, post, kind, raw, code):
    source = make_source(kind)
    response = post(source, raw)
    assert (response.status_code, error_of(response)) == (400, code)
    delivery = AlertDelivery.objects.get()
    assert bytes(delivery.raw) == raw
    assert (delivery.state, delivery.error_code) == ("rejected", code)
    assert Ticket.objects.count() == 0


# Python's JSON decoder recurses per level: this depth exhausts the stack.
DEEP = b'{"a": ' * 5000 + b"1" + b"}" * 5000


@pytest.mark.parametrize(
    ("kind", "options"), [("generic", {}), ("cloudwatch", {"verify_signatures": False})]
)
def test_deeply_nested_json_is_400_and_kept(make_source, post, kind, options):
    source = make_source(kind, **options)
    response = post(source, DEEP)
    assert (response.status_code, error_of(response)) == (400, "invalid_json")
    delivery = AlertDelivery.objects.get()
    assert (delivery.state, delivery.error_code) == ("rejected", "invalid_json")
    assert bytes(delivery.raw) == DEEP


def test_nul_and_lone_surrogate_escapes_still_open_the_incident(make_source, post):
    # "\ud800" without its low half, and "\u0000", decode to texts no column can store.
    source = make_source("generic")
    raw = rb'{"id": "disk-\udc00", "title": "Disk \ud800 full\u0000", "host": "db\ud83d"}'
    response = post(source, raw)
    assert response.status_code == 202, response.json()
    assert AlertDelivery.objects.get().state == "processed"
    assert Ticket.objects.get().title.startswith("Disk \ufffd full\ufffd")


def test_a_lone_surrogate_inside_an_sns_message_still_opens_the_incident(make_source, post):
    source = make_source("cloudwatch", verify_signatures=False)
    message = json.loads(p.SNS_INSUFFICIENT["Message"])
    message |= {"AlarmName": "cpu-\ud800-high", "NewStateValue": "ALARM"}
    envelope = {**p.SNS_INSUFFICIENT, "Message": json.dumps(message)}
    response = post(source, json.dumps(envelope).encode())
    assert response.status_code == 202, response.json()
    assert "cpu-\ufffd-high" in Ticket.objects.get().title


def test_a_10_mb_body_is_413_and_its_head_kept(make_source, post):
    source = make_source("generic")
    raw = b'{"id": "x", "title": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    response = post(source, raw)
    assert (response.status_code, error_of(response)) == (413, "request_too_large")
    delivery = AlertDelivery.objects.get()
    assert delivery.state == "rejected"
    assert len(bytes(delivery.raw)) == 64 * 1024
    assert Ticket.objects.count() == 0


def test_a_10_mb_body_without_a_token_is_refused_unread(make_source, post):
    source = make_source("generic")
    response = post(source, b"{" + b" " * (10 * 1024 * 1024) + b"}", token="bad")
    assert response.status_code == 401
    assert AlertDelivery.objects.count() == 0


def test_a_processing_bug_keeps_the_delivery_as_failed(make_source, post, monkeypatch):
    from servicedesk.channels.alerts import services

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "_apply", broken)
    source = make_source("generic")
    response = post(source, {"id": "1", "title": "t"})
    assert response.status_code == 202
    delivery = AlertDelivery.objects.get()
    assert (delivery.state, delivery.error) == ("failed", "RuntimeError: boom")
    monkeypatch.undo()
    from servicedesk.channels.alerts.services import alert_delivery_process, alert_delivery_requeue

    assert alert_delivery_requeue(delivery_id=delivery.pk)
    assert alert_delivery_process(delivery_id=delivery.pk).delivery.state == "processed"
    assert Ticket.objects.count() == 1


def test_pagerduty_answers_like_pagerduty_with_a_key_for_a_keyless_trigger(
    make_source, post, corpus
):
    source = make_source("pagerduty_events_v2")
    raw = (corpus / "alerts/pagerduty/trigger_without_dedup_key.json").read_bytes()
    answer = post(source, raw).json()
    assert answer["status"] == "success"
    key = answer["dedup_key"]
    assert key.startswith("hash:")
    resolve = {"routing_key": "0" * 32, "dedup_key": key, "event_action": "resolve"}
    assert post(source, resolve).json()["alerts"][0]["outcome"] == "auto_resolved"


# --- SNS -------------------------------------------------------------------------------------


def test_sns_subscription_is_confirmed(make_source, post, sns_signer):
    source = make_source("cloudwatch")
    response = post(source, sns_signer.sign(p.SNS_SUBSCRIPTION))
    assert response.status_code == 200
    assert response.json()["state"] == "subscription_confirmed"
    assert sns_signer.confirmed == [p.SNS_SUBSCRIPTION["SubscribeURL"]]
    assert sns_signer.fetched == [p.SNS_SUBSCRIPTION["SigningCertURL"]]
    assert AlertDelivery.objects.get().state == "processed"


@pytest.mark.parametrize("version", ["1", "2"])
def test_sns_signatures_are_checked(make_source, post, sns_signer, corpus, version):
    source = make_source("cloudwatch")
    envelope = json.loads((corpus / "alerts/cloudwatch/sns_http_alarm_disk_used.json").read_bytes())
    signed = sns_signer.sign(envelope, version)
    assert post(source, signed).status_code == 202
    tampered = {
        **sns_signer.sign({**envelope, "MessageId": "other"}, version),
        "Subject": "ALARM: forged",
    }
    response = post(source, tampered)
    assert (response.status_code, error_of(response)) == (403, "bad_signature")
    # the corpus's own fake signature
    response = post(source, {**envelope, "MessageId": "third"})
    assert response.status_code == 403
    assert Ticket.objects.count() == 1
    assert AlertDelivery.objects.filter(state="rejected").count() == 2


def test_sns_certificates_only_from_amazon(make_source, post, sns_signer):
    source = make_source("cloudwatch")
    evil = sns_signer.sign(
        {**p.SNS_INSUFFICIENT, "SigningCertURL": "https://evil.example.com/c.pem"}
    )
    response = post(source, evil)
    assert response.status_code == 403
    assert sns_signer.fetched == []


def test_sns_ok_with_nothing_open_is_recorded_not_filed(make_source, post, sns_signer, corpus):
    source = make_source("cloudwatch")
    raw = json.loads(
        (corpus / "alerts/cloudwatch/sns_http_ok_from_insufficient_data_2012.json").read_bytes()
    )
    answer = post(source, sns_signer.sign(raw)).json()
    assert answer["alerts"][0]["outcome"] == "nothing_open"
    assert Ticket.objects.count() == 0
    assert Alert.objects.count() == 0


def test_an_unsigned_body_does_not_pass_for_an_sns_message(make_source, post, sns_signer):
    source = make_source("cloudwatch")
    bare = {"Message": json.loads(p.SNS_INSUFFICIENT["Message"]) | {"NewStateValue": "ALARM"}}
    bare["Message"] = json.dumps(bare["Message"])
    response = post(source, bare)
    assert (response.status_code, error_of(response)) == (403, "bad_signature")
    assert Ticket.objects.count() == 0
    unchecked = make_source("cloudwatch", slug="cw-unchecked", verify_signatures=False)
    assert post(unchecked, bare).status_code == 202
