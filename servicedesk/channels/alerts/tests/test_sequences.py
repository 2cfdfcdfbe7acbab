"""Each corpus sequence replayed through the HTTP receiver: one incident, the occurrences
counted, resolved by the source at the end."""

import json

import pytest

from servicedesk.channels.alerts.choices import AlertState
from servicedesk.channels.alerts.models import Alert, AlertDelivery
from servicedesk.tickets.choices import Channel, State
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import comment_add

SEQUENCES = [
    "alertmanager_icmp_ping_failed",
    "grafana_team_blue",
    "pagerduty_srv01_mysql",
    "cloudwatch_node_disk_used",
    "zabbix_high_cpu",
]


def outcomes(corpus):
    with (corpus / "alerts/sequences/expected_outcomes.json").open() as f:
        return {row["sequence"]: row for row in json.load(f)}


def body(corpus, sequence, name, sns_signer=None):
    raw = (corpus / "alerts/sequences" / sequence / name).read_bytes()
    if sns_signer is not None:
        return json.dumps(sns_signer.sign(json.loads(raw))).encode()
    return raw


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_sequence_end_to_end(corpus, sequence, make_source, post, sns_signer, service_desk):
    spec = outcomes(corpus)[sequence]
    expected = spec["expected"]
    source = make_source(spec["tool"])
    signer = sns_signer if spec["tool"] == "cloudwatch" else None
    states = {}
    for name in spec["files"]:
        response = post(source, body(corpus, sequence, name, signer))
        assert response.status_code == 202, response.content
        alert = Alert.objects.get(source=source, is_current=True)
        states[name] = (alert.state, alert.ticket.state, dict(alert.members))
        if name == expected["acknowledged_at"]:
            assert alert.state == AlertState.ACKNOWLEDGED
            assert alert.ticket.events.filter(message__contains="acknowledged").exists()
    tickets = Ticket.objects.filter(alerts__source=source).distinct()
    assert tickets.count() == expected["incidents"] == 1
    alert = Alert.objects.get(source=source)
    assert alert.key == spec["dedup_key"]
    assert alert.occurrences == expected["firing_occurrences"]
    ticket = tickets.get()
    assert ticket.channel == Channel.MONITORING
    assert ticket.title
    assert ticket.state == State.RESOLVED
    assert ticket.resolved_by is None  # by the source, not a person
    # open until the step that resolves it
    for name in spec["files"]:
        resolved = spec["files"].index(name) >= spec["files"].index(expected["resolved_at"])
        assert (states[name][1] == State.RESOLVED) is resolved, name
    assert AlertDelivery.objects.filter(source=source).count() == len(spec["files"])
    if "duplicate_deliveries_dropped_by_MessageId" in expected:
        assert AlertDelivery.objects.filter(source=source, state="duplicate").count() == 1
    for member, when in expected.get("per_alert", {}).items():
        step = when.split(" at ")[1]
        name = next(n for n in spec["files"] if n.startswith(step))
        before = spec["files"][spec["files"].index(name) - 1]
        by_host = {v["host"] or k: v["status"] for k, v in states[name][2].items()}
        by_key = {k: v["status"] for k, v in states[name][2].items()}
        assert {**by_host, **by_key}[member] == "resolved"
        assert {
            **{v["host"] or k: v["status"] for k, v in states[before][2].items()},
            **{k: v["status"] for k, v in states[before][2].items()},
        }[member] == "firing"


@pytest.mark.parametrize("sequence", ["zabbix_high_cpu", "pagerduty_srv01_mysql"])
def test_an_incident_an_agent_replied_on_stays_open(
    corpus, sequence, make_source, post, agent_l1_lee
):
    spec = outcomes(corpus)[sequence]
    source = make_source(spec["tool"])
    first, *rest = spec["files"]
    assert post(source, body(corpus, sequence, first)).status_code == 202
    ticket = Ticket.objects.get(alerts__source=source)
    comment_add(ticket=ticket, by=agent_l1_lee, body="Looking at it", is_public=True)
    for name in rest:
        assert post(source, body(corpus, sequence, name)).status_code == 202
    ticket.refresh_from_db()
    assert ticket.state != State.RESOLVED
    assert Alert.objects.get(source=source).state == AlertState.RESOLVED
    assert ticket.events.filter(message__contains="Left open: someone replied on it").exists()


def test_a_replay_of_the_whole_sequence_changes_nothing_for_sns(
    corpus, make_source, post, sns_signer
):
    source = make_source("cloudwatch")
    files = ["01_alarm.json", "02_alarm_redelivery.json", "03_ok.json"]
    for name in files + files:
        post(source, body(corpus, "cloudwatch_node_disk_used", name, sns_signer))
    assert Ticket.objects.filter(alerts__source=source).distinct().count() == 1
    assert Alert.objects.get(source=source).occurrences == 1
    assert AlertDelivery.objects.filter(source=source).count() == 6
    assert AlertDelivery.objects.filter(source=source, state="duplicate").count() == 4
