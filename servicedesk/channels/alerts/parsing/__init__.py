"""Parsing is pure: the bytes a tool posted and the source's kind -> normalised alerts."""

from collections.abc import Callable
from typing import Any

from servicedesk.channels.alerts.choices import SourceKind
from servicedesk.channels.alerts.parsing.azure import parse_azure
from servicedesk.channels.alerts.parsing.base import (
    Member,
    ParsedAlert,
    ParseError,
    load_object,
    require_identity,
)
from servicedesk.channels.alerts.parsing.cloudwatch import parse_cloudwatch
from servicedesk.channels.alerts.parsing.datadog import parse_datadog
from servicedesk.channels.alerts.parsing.elastic import parse_elastic
from servicedesk.channels.alerts.parsing.generic import parse_generic
from servicedesk.channels.alerts.parsing.nagios import parse_nagios
from servicedesk.channels.alerts.parsing.newrelic import parse_newrelic
from servicedesk.channels.alerts.parsing.pagerduty import parse_events_v2
from servicedesk.channels.alerts.parsing.prometheus import parse_alertmanager, parse_grafana
from servicedesk.channels.alerts.parsing.sentry import parse_sentry
from servicedesk.channels.alerts.parsing.uptime_kuma import parse_uptime_kuma
from servicedesk.channels.alerts.parsing.zabbix import parse_zabbix

PARSERS: dict[str, Callable[[dict[str, Any]], list[ParsedAlert]]] = {
    SourceKind.ALERTMANAGER: parse_alertmanager,
    SourceKind.GRAFANA: parse_grafana,
    SourceKind.ZABBIX: parse_zabbix,
    SourceKind.NAGIOS: parse_nagios,
    SourceKind.DATADOG: parse_datadog,
    SourceKind.CLOUDWATCH: parse_cloudwatch,
    SourceKind.AZURE_MONITOR: parse_azure,
    SourceKind.PAGERDUTY: parse_events_v2,
    SourceKind.SENTRY: parse_sentry,
    SourceKind.ELASTIC: parse_elastic,
    SourceKind.NEWRELIC: parse_newrelic,
    SourceKind.UPTIME_KUMA: parse_uptime_kuma,
    SourceKind.GENERIC: parse_generic,
}


def parse_alerts(
    raw: bytes, kind: str, *, mapping: dict[str, Any] | None = None
) -> list[ParsedAlert]:
    """The alerts in one notification; ParseError for a body that holds none."""
    if kind not in PARSERS:
        raise ParseError(
            f"Unknown source kind {kind!r}; one of: {', '.join(PARSERS)}.", "unknown_source"
        )
    data = load_object(raw)
    try:
        alerts = parse_generic(data, mapping) if kind == SourceKind.GENERIC else PARSERS[kind](data)
    except ParseError:
        raise
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as error:
        # A body of the right outline with a wrong type deep inside: say so, never a 500.
        raise ParseError(
            f"The {kind} payload has an unexpected shape ({type(error).__name__}: {error}).",
            "invalid_payload",
        ) from None
    if not alerts:
        raise ParseError("The payload holds no alert.", "no_identity")
    return [require_identity(alert) for alert in alerts]


__all__ = ["PARSERS", "Member", "ParseError", "ParsedAlert", "parse_alerts"]
