from django.db import models


class SourceKind(models.TextChoices):
    """The tools a source can be; each names its parser (parsing.PARSERS)."""

    ALERTMANAGER = "alertmanager", "Prometheus Alertmanager"
    GRAFANA = "grafana", "Grafana alerting"
    ZABBIX = "zabbix", "Zabbix"
    NAGIOS = "nagios", "Nagios / Icinga"
    DATADOG = "datadog", "Datadog"
    CLOUDWATCH = "cloudwatch", "AWS CloudWatch (SNS)"
    AZURE_MONITOR = "azure_monitor", "Azure Monitor"
    PAGERDUTY = "pagerduty_events_v2", "PagerDuty Events API v2"
    SENTRY = "sentry", "Sentry"
    ELASTIC = "elastic", "Elastic / Kibana"
    NEWRELIC = "newrelic", "New Relic"
    UPTIME_KUMA = "uptime_kuma", "Uptime Kuma"
    GENERIC = "generic", "Generic JSON"


class AlertEvent(models.TextChoices):
    """What one notification says about its alert."""

    TRIGGER = "trigger", "Trigger"
    RESOLVE = "resolve", "Resolve"
    ACKNOWLEDGE = "acknowledge", "Acknowledge"
    UNKNOWN = "unknown", "Unknown"


class AlertState(models.TextChoices):
    FIRING = "firing", "Firing"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


class DeliveryState(models.TextChoices):
    RECEIVED = "received", "Received"
    PROCESSED = "processed", "Processed"
    DUPLICATE = "duplicate", "Duplicate (retried delivery)"
    REJECTED = "rejected", "Rejected"
    FAILED = "failed", "Failed"


class Outcome(models.TextChoices):
    """What processing did with one alert of a delivery."""

    OPENED = "opened", "Opened an incident"
    REPEAT = "repeat", "Repeat of an open alert"
    CORRELATED = "correlated", "Attached to a related incident"
    STORM = "storm", "Grouped into a storm"
    REFIRED = "refired", "Re-fired after close: new incident"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"
    AUTO_RESOLVED = "auto_resolved", "Resolved the incident"
    KEPT_OPEN = "kept_open", "Resolved; incident kept open"
    FLAPPING = "flapping", "Flapping: held back"
    NOTHING_OPEN = "nothing_open", "Recorded: no open alert"
    IGNORED = "ignored", "Recorded: no action"


STATE_BADGE = {
    AlertState.FIRING: "red",
    AlertState.ACKNOWLEDGED: "amber",
    AlertState.RESOLVED: "green",
}
