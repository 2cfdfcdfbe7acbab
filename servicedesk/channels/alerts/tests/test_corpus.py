"""The whole alert corpus: each of its payloads parses to what expected.jsonl says."""

import json

import pytest

from servicedesk.channels.alerts.parsing import parse_alerts

FIELDS = ("event", "dedup_key", "title", "severity", "service", "host", "alert_count")


def rows(corpus):
    with (corpus / "alerts" / "expected.jsonl").open() as lines:
        return [json.loads(line) for line in lines if line.strip()]


def test_the_corpus_has_every_payload(corpus):
    listed = {row["file"] for row in rows(corpus)}
    on_disk = {
        str(p.relative_to(corpus / "alerts"))
        for p in (corpus / "alerts").rglob("*.json")
        if p.name != "expected_outcomes.json"
    }
    assert listed == on_disk
    assert len(listed) == 52


def test_every_payload_parses_as_expected(corpus):
    wrong = []
    for row in rows(corpus):
        raw = (corpus / "alerts" / row["file"]).read_bytes()
        alert = parse_alerts(raw, row["tool"])[0]
        got = {name: getattr(alert, name) for name in FIELDS}
        want = {name: row[name] for name in FIELDS}
        if got != want:
            wrong.append((row["file"], {k: (got[k], want[k]) for k in FIELDS if got[k] != want[k]}))
    assert wrong == []


@pytest.mark.parametrize(
    ("path", "members"),
    [
        ("sequences/alertmanager_icmp_ping_failed/03_partial_resolve.json", 3),
        ("grafana/two_alerts_firing_docs.json", 2),
    ],
)
def test_grouped_payloads_keep_each_member(corpus, path, members):
    kind = "alertmanager" if path.startswith("sequences") else "grafana"
    alert = parse_alerts((corpus / "alerts" / path).read_bytes(), kind)[0]
    assert len(alert.members) == members
    assert len({m.key for m in alert.members}) == members


def test_a_member_resolved_inside_a_firing_group(corpus):
    raw = (
        corpus / "alerts/sequences/alertmanager_icmp_ping_failed/03_partial_resolve.json"
    ).read_bytes()
    alert = parse_alerts(raw, "alertmanager")[0]
    assert alert.event == "trigger"
    assert {m.host: m.status for m in alert.members} == {
        "192.0.2.30": "resolved",
        "192.0.2.50": "firing",
        "192.0.2.66": "firing",
    }


def test_the_delivery_ids_that_make_retries_recognisable(corpus):
    read = lambda p, k: parse_alerts((corpus / "alerts" / p).read_bytes(), k)[0]  # noqa: E731
    first = read("sequences/cloudwatch_node_disk_used/01_alarm.json", "cloudwatch")
    again = read("sequences/cloudwatch_node_disk_used/02_alarm_redelivery.json", "cloudwatch")
    ok = read("sequences/cloudwatch_node_disk_used/03_ok.json", "cloudwatch")
    assert first.delivery_id == again.delivery_id == "f94e835c-8592-5798-8dee-dc04dd394142"
    assert ok.delivery_id != first.delivery_id
    assert (
        read("datadog/monitor_triggered_p1_fixture.json", "datadog").delivery_id
        == "8306077573749414142"
    )


def test_payloads_without_identity_get_a_stable_desk_key(corpus):
    read = lambda p, k: parse_alerts((corpus / "alerts" / p).read_bytes(), k)[0]  # noqa: E731
    triggered = read("datadog/monitor_triggered_p1_fixture.json", "datadog")
    recovered = read("datadog/monitor_recovered_p1_fixture.json", "datadog")
    assert triggered.dedup_key is None
    assert triggered.key == recovered.key
    assert triggered.key.startswith("hash:")
    no_key = read("pagerduty/trigger_without_dedup_key.json", "pagerduty_events_v2")
    assert no_key.key.startswith("hash:")
