"""Realistic payloads of our own, per tool: the cases the shared corpus does not cover."""

import json

ALERTMANAGER_RESOLVED_ONE = {
    "version": "4", "groupKey": '{}/{team="db"}:{alertname="PostgresDown", instance="db-01:9187"}',
    "truncatedAlerts": 0, "status": "resolved", "receiver": "servicedesk",
    "groupLabels": {"alertname": "PostgresDown", "instance": "db-01:9187"},
    "commonLabels": {"alertname": "PostgresDown", "instance": "db-01:9187", "job": "postgres",
                     "severity": "critical", "team": "db"},
    "commonAnnotations": {"summary": "PostgreSQL on db-01 is down"},
    "externalURL": "http://alertmanager.example.com:9093",
    "alerts": [{
        "status": "resolved", "labels": {"alertname": "PostgresDown", "instance": "db-01:9187",
                                         "job": "postgres", "severity": "critical", "team": "db"},
        "annotations": {"summary": "PostgreSQL on db-01 is down",
                        "runbook_url": "https://wiki.example.com/runbooks/postgres-down"},
        "startsAt": "2026-11-30T08:00:00.123456789Z", "endsAt": "2026-11-30T08:12:00Z",
        "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=pg_up+%3D%3D+0",
        "fingerprint": "5a1bc2d3e4f56789",
    }],
}  # fmt: skip

GRAFANA_RESOLVED = {
    "receiver": "desk", "status": "resolved", "orgId": 1, "groupKey": '{}:{alertname="DiskFull"}',
    "groupLabels": {"alertname": "DiskFull"}, "commonLabels": {"alertname": "DiskFull",
    "host": "files-02", "severity": "warning"}, "commonAnnotations": {}, "externalURL":
    "https://grafana.example.com/", "version": "1", "truncatedAlerts": 0,
    "title": "[RESOLVED] DiskFull (files-02)", "state": "ok", "message": "**Resolved**",
    "alerts": [{"status": "resolved", "labels": {"alertname": "DiskFull", "host": "files-02",
    "severity": "warning"}, "annotations": {}, "startsAt": "2026-11-30T09:00:00+01:00",
    "endsAt": "2026-11-30T09:30:00+01:00", "generatorURL": "https://grafana.example.com/alerting/x/edit",
    "fingerprint": "0011223344556677", "silenceURL": "", "dashboardURL": "", "panelURL": ""}],
}  # fmt: skip

ZABBIX_RECOVERY_PARAMS = {
    "alert_message": "Problem has been resolved at 11:02:00 on 2026.11.30", "event_source": "0",
    "eventack": "No", "eventdate": "2026.11.30", "eventid": "98001",
    "eventname": "Resolved in 7m 2s: Zabbix agent is not available (for 3m)",
    "eventtags": "service:monitoring, scope:availability", "eventtime": "10:55:00",
    "eventupdate": "0", "eventvalue": "0", "hostip": "192.0.2.40", "hostname": "app-07",
    "severity": "3", "triggerid": "1201", "url": "https://zabbix.example.com",
}  # fmt: skip

ZABBIX_SCRIPT_OK = {"alert_uid": "98001", "title": "OK: Zabbix agent on app-07", "state": "OK",
                    "message": "recovered"}  # fmt: skip

NAGIOS_HOST_DOWN = {
    "notification_type": "PROBLEM", "host_name": "sw-core-1", "host_address": "192.0.2.1",
    "host_state": "DOWN", "host_output": "PING CRITICAL - Packet loss = 100%",
    "host_problem_id": "8812", "last_host_problem_id": "8700",
}  # fmt: skip

NAGIOS_SERVICE_RECOVERY = {
    "notification_type": "RECOVERY", "host_name": "db-02", "service_desc": "PostgreSQL connections",
    "service_state": "OK", "service_output": "POSTGRES_BACKENDS OK", "service_problem_id": "0",
    "last_service_problem_id": "4711",
}  # fmt: skip

ICINGA_ENV_PROBLEM = {
    "ICINGA_NOTIFICATIONTYPE": "PROBLEM", "ICINGA_HOSTNAME": "mail-01",
    "ICINGA_SERVICEDESC": "SMTP", "ICINGA_SERVICESTATE": "WARNING",
    "ICINGA_SERVICEPROBLEMID": "31", "ICINGA_LASTSERVICEPROBLEMID": "12",
}  # fmt: skip

DATADOG_WITH_CYCLE_KEY = {
    "id": "7000000000000000001", "title": "[P2] [Re-Triggered] Disk space low on web-03",
    "transition": "Re-Triggered", "alert_cycle_key": "1234567890123456789",
    "aggregate": "aggr-1", "alert_priority": "P2", "hostname": "web-03",
    "tags": "service:checkout,env:prod", "date": "1764500000000", "body": "Disk 93% full",
    "link": "https://app.datadoghq.com/event/event?id=7000000000000000001",
}  # fmt: skip

SNS_INSUFFICIENT = {
    "Type": "Notification", "MessageId": "11111111-2222-3333-4444-555555555555",
    "TopicArn": "arn:aws:sns:eu-west-1:000000000000:desk",
    "Message": json.dumps({"AlarmName": "api-5xx", "AWSAccountId": "000000000000",
        "NewStateValue": "INSUFFICIENT_DATA", "OldStateValue": "OK", "Region": "EU (Ireland)",
        "AlarmArn": "arn:aws:cloudwatch:eu-west-1:000000000000:alarm:api-5xx",
        "StateChangeTime": "2026-11-30T10:00:00.000+0000",
        "Trigger": {"MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB",
                    "Dimensions": [{"name": "LoadBalancer", "value": "app/api/abc"}]}}),
    "Timestamp": "2026-11-30T10:00:01.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE",
    "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem",
}  # fmt: skip

SNS_SUBSCRIPTION = {
    "Type": "SubscriptionConfirmation", "MessageId": "aaaa", "Token": "t0k3n",
    "TopicArn": "arn:aws:sns:eu-west-1:000000000000:desk",
    "Message": "You have chosen to subscribe to the topic ...",
    "SubscribeURL": "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=t0k3n",
    "Timestamp": "2026-11-30T10:00:00.000Z", "SignatureVersion": "1", "Signature": "EXAMPLE",
    "SigningCertURL": "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-x.pem",
}  # fmt: skip

AZURE_LOG_RESOLVED = {
    "schemaId": "azureMonitorCommonAlertSchema",
    "data": {"essentials": {
        "alertId": "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.AlertsManagement/alerts/11111111-2222-3333-4444-555555555555",
        "alertRule": "Failed logins", "severity": "Sev1", "signalType": "Log",
        "monitorCondition": "Resolved", "monitoringService": "Log Analytics",
        "alertTargetIDs": ["/subscriptions/0/resourcegroups/rg/providers/microsoft.operationalinsights/workspaces/ws-sec"],
        "configurationItems": [], "firedDateTime": "2026-11-30T10:00:00Z",
        "resolvedDateTime": "2026-11-30T10:20:00Z", "description": "More than 50 failed logins",
    }, "alertContext": {}},
}  # fmt: skip

PAGERDUTY_UNKNOWN_ACTION = {"routing_key": "0" * 32, "dedup_key": "k1", "event_action": "escalate"}

SENTRY_METRIC_RESOLVED = {
    "action": "resolved", "actor": {"type": "application", "id": "sentry", "name": "Sentry"},
    "data": {"description_title": "Resolved: Error rate too high", "description_text": "0.2% errors",
             "web_url": "https://sentry.io/organizations/acme/alerts/rules/details/77/",
             "metric_alert": {"id": "4501", "title": "Error rate too high",
                              "date_started": "2026-11-30T10:00:00Z", "date_closed": "2026-11-30T10:30:00Z",
                              "alert_rule": {"id": 77, "name": "Error rate", "projects": ["checkout"]}}},
}  # fmt: skip

SENTRY_ISSUE_RESOLVED = {
    "action": "resolved", "actor": {"type": "user", "id": 1, "name": "Kim"},
    "data": {"issue": {"id": "1117540176", "title": "ReferenceError: heck is not defined",
                       "level": "error", "project": {"slug": "front-end"},
                       "web_url": "https://sentry.io/organizations/acme/issues/1117540176/"}},
}  # fmt: skip

KIBANA_WITH_HOST = {
    "source": "kibana", "rule_id": "r-9", "rule_name": "CPU > 90%", "alert_id": "host-a",
    "action_group": "threshold met", "host": "host-a", "severity": "critical",
    "reason": "CPU 97%", "date": "2026-11-30T10:00:00.000Z", "tags": ["team:infra"],
}  # fmt: skip

NEWRELIC_ACK = {"id": "a-1", "title": ["Latency high on checkout"], "priority": "HIGH",
                "state": "ACKNOWLEDGED", "impactedEntities": ["checkout"], "totalIncidents": 1,
                "createdAt": 1764500000000}  # fmt: skip

UPTIME_PENDING = {"heartbeat": {"monitorID": 3, "status": 2, "msg": "retrying", "time": "2026-11-30 10:00:00"},
                  "monitor": {"id": 3, "name": "Intranet", "url": "https://intranet.example.com", "type": "http"},
                  "msg": "[Intranet] [Pending] retrying"}  # fmt: skip

UPTIME_TEST = {"msg": "Uptime Kuma Testing Message", "heartbeat": None, "monitor": None}

GENERIC_NESTED = {"alert": {"fingerprint": "g-77", "name": "Queue backlog", "level": "high",
                            "target": {"host": "mq-01", "service": "orders"}},
                  "status": "RESOLVED", "links": ["https://mq.example.com/queues/orders"]}  # fmt: skip
GENERIC_MAPPING = {"dedup_key": "$.alert.fingerprint", "title": "$.alert.name",
                   "severity": "$.alert.level", "host": "$.alert.target.host",
                   "service": "alert.target.service", "state": "$.status", "link": "$.links[0]"}  # fmt: skip


def body(data) -> bytes:
    return json.dumps(data).encode()
