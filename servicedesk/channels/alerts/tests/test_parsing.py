"""Parsing of our own payloads per tool, and of bodies that hold no alert."""

import pytest

from servicedesk.channels.alerts.parsing import ParseError, parse_alerts
from servicedesk.channels.alerts.tests import payloads as p


def one(data, kind, **kwargs):
    alerts = parse_alerts(p.body(data), kind, **kwargs)
    assert len(alerts) == 1
    return alerts[0]


def fields(alert):
    return (alert.event, alert.dedup_key, alert.title, alert.severity, alert.host, alert.service)


@pytest.mark.parametrize(
    ("data", "kind", "expected"),
    [
        (p.ALERTMANAGER_RESOLVED_ONE, "alertmanager", ("resolve", p.ALERTMANAGER_RESOLVED_ONE["groupKey"], "PostgreSQL on db-01 is down", "critical", "db-01:9187", "postgres")),
        (p.GRAFANA_RESOLVED, "grafana", ("resolve", '{}:{alertname="DiskFull"}', "DiskFull", "warning", "files-02", None)),
        (p.ZABBIX_RECOVERY_PARAMS, "zabbix", ("resolve", "98001", "Zabbix agent is not available (for 3m)", "3", "app-07", "monitoring")),
        (p.ZABBIX_SCRIPT_OK, "zabbix", ("resolve", "98001", "Zabbix agent on app-07", None, None, None)),
        (p.NAGIOS_HOST_DOWN, "nagios", ("trigger", "8812", "sw-core-1 is DOWN", "DOWN", "sw-core-1", None)),
        (p.NAGIOS_SERVICE_RECOVERY, "nagios", ("resolve", "4711", "PostgreSQL connections on db-02 is OK", "OK", "db-02", "PostgreSQL connections")),
        (p.ICINGA_ENV_PROBLEM, "nagios", ("trigger", "31", "SMTP on mail-01 is WARNING", "WARNING", "mail-01", "SMTP")),
        (p.DATADOG_WITH_CYCLE_KEY, "datadog", ("trigger", "1234567890123456789", "Disk space low on web-03", "P2", "web-03", "checkout")),
        (p.SNS_INSUFFICIENT, "cloudwatch", ("unknown", "arn:aws:cloudwatch:eu-west-1:000000000000:alarm:api-5xx", "api-5xx", None, "app/api/abc", "AWS/ApplicationELB/HTTPCode_Target_5XX_Count")),
        (p.AZURE_LOG_RESOLVED, "azure_monitor", ("resolve", p.AZURE_LOG_RESOLVED["data"]["essentials"]["alertId"], "Failed logins", "Sev1", "ws-sec", "Log Analytics/Log")),
        (p.PAGERDUTY_UNKNOWN_ACTION, "pagerduty_events_v2", ("unknown", "k1", None, None, None, None)),
        (p.SENTRY_METRIC_RESOLVED, "sentry", ("resolve", "4501", "Resolved: Error rate too high", None, None, "checkout")),
        (p.SENTRY_ISSUE_RESOLVED, "sentry", ("resolve", "1117540176", "ReferenceError: heck is not defined", "error", None, "front-end")),
        (p.KIBANA_WITH_HOST, "elastic", ("trigger", "r-9:host-a", "CPU > 90%", "critical", "host-a", "host-a")),
        (p.NEWRELIC_ACK, "newrelic", ("acknowledge", "a-1", "Latency high on checkout", "HIGH", None, "checkout")),
        (p.UPTIME_PENDING, "uptime_kuma", ("unknown", "3", "Intranet", None, "https://intranet.example.com", "Intranet")),
    ],
)  # fmt: skip
def test_our_payloads(data, kind, expected):
    assert fields(one(data, kind)) == expected


def test_alertmanager_times_read_nanoseconds_and_ignore_the_zero_end():
    alert = one(p.ALERTMANAGER_RESOLVED_ONE, "alertmanager")
    assert alert.started_at.isoformat() == "2026-11-30T08:00:00.123456+00:00"
    assert alert.ended_at.isoformat() == "2026-11-30T08:12:00+00:00"
    assert alert.members[0].key == "5a1bc2d3e4f56789"
    assert alert.links[0]["href"].startswith("http://prometheus.example.com")


def test_generic_json_through_a_mapping():
    alert = one(p.GENERIC_NESTED, "generic", mapping=p.GENERIC_MAPPING)
    assert fields(alert) == ("resolve", "g-77", "Queue backlog", "high", "mq-01", "orders")
    assert alert.links == [{"href": "https://mq.example.com/queues/orders", "text": "Source"}]


def test_generic_json_default_mapping():
    alert = one({"id": 5, "title": "Backup failed", "status": "firing", "host": "nas"}, "generic")
    assert fields(alert) == ("trigger", "5", "Backup failed", None, "nas", None)


def test_a_long_title_is_cut():
    alert = one({"id": "x", "title": "word " * 100}, "generic")
    assert len(alert.title) == 200 and alert.title.endswith("…")


@pytest.mark.parametrize(
    ("raw", "kind", "code"),
    [
        (b"{not json", "alertmanager", "invalid_json"),
        (b"\xff\xfe", "grafana", "invalid_json"),
        (b"[1, 2]", "zabbix", "invalid_payload"),
        (b"{}", "alertmanager", "invalid_payload"),
        (b"{}", "generic", "no_identity"),
        (b'{"status": "firing"}', "generic", "no_identity"),
        (b'{"eventid": "", "eventvalue": "1"}', "zabbix", "no_identity"),
        (p.body(p.UPTIME_TEST), "uptime_kuma", "invalid_payload"),
        (p.body(p.SNS_SUBSCRIPTION), "cloudwatch", "sns_control"),
        (b'{"Type": "Notification", "Message": "hello"}', "cloudwatch", "invalid_payload"),
        (b'{"data": {"essentials": []}}', "azure_monitor", "invalid_payload"),
        (b'{"alerts": "x", "groupKey": 3}', "alertmanager", "invalid_payload"),
        (b"{}", "splunk", "unknown_source"),
    ],
)
def test_bodies_that_hold_no_alert(raw, kind, code):
    with pytest.raises(ParseError) as caught:
        parse_alerts(raw, kind)
    assert caught.value.code == code
    assert caught.value.message


def test_a_lambda_envelope_with_two_records():
    record = {
        "Sns": {
            **p.SNS_INSUFFICIENT,
            "Message": p.SNS_INSUFFICIENT["Message"].replace("INSUFFICIENT_DATA", "ALARM"),
        }
    }
    alerts = parse_alerts(p.body({"Records": [record, record]}), "cloudwatch")
    assert [a.event for a in alerts] == ["trigger", "trigger"]
