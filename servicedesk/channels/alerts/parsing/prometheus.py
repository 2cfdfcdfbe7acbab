"""Prometheus Alertmanager (webhook version 4) and Grafana alerting (version 1).

One notification is one alert group: ``groupKey`` is its identity, the top-level ``status``
says whether any member still fires (state never comes from ``endsAt``: some senders leave it
zero on resolved alerts). Members keep their own fingerprint, else a hash of their labels.
"""

from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    RESOLVE,
    TRIGGER,
    UNKNOWN,
    Member,
    ParsedAlert,
    ParseError,
    dig,
    labels_of,
    link,
    links_of,
    stable_hash,
    text,
    title_text,
    when,
)

_HOST_LABELS = ("instance", "host", "hostname", "node", "nodename")
_SERVICE_LABELS = ("service", "job", "app", "application")


def _first(labels: dict[str, str], names: tuple[str, ...]) -> str | None:
    return next((labels[n] for n in names if labels.get(n)), None)


def _shared(members: list[Member], label: str) -> str | None:
    """The value of ``label`` when every member has the same one."""
    values = {m.labels.get(label) for m in members}
    return values.pop() if len(values) == 1 else None


def _member(alert: dict[str, Any]) -> Member:
    labels = labels_of(alert.get("labels"))
    key = text(alert.get("fingerprint")) or stable_hash(*sorted(labels.items()))
    return Member(
        key=key,
        status=text(alert.get("status")) or "firing",
        host=_first(labels, _HOST_LABELS),
        labels=labels,
    )


def _title(
    data: dict[str, Any], alerts: list[dict[str, Any]], common: dict[str, str]
) -> str | None:
    names = []
    for alert in alerts:
        name = text(dig(alert, "labels", "alertname"))
        if name and name not in names:
            names.append(name)
    if len(alerts) == 1:
        summary = text(dig(alerts[0], "annotations", "summary"))
        if summary:
            return title_text(summary)
    group_name = text(dig(data, "groupLabels", "alertname"))
    if group_name:
        return title_text(group_name)
    if len(names) > 1:
        rest = ", ".join(f"{k}={v}" for k, v in common.items() if k != "alertname")
        return title_text("; ".join(names) + (f" ({rest})" if rest else ""))
    if names:
        return title_text(names[0])
    return title_text(data.get("title"))


def parse_group(data: dict[str, Any], tool: str) -> ParsedAlert:
    if not isinstance(data.get("alerts", []), list):
        raise ParseError(f"A {tool} notification's 'alerts' is a list.", "invalid_payload")
    alerts = [a for a in data.get("alerts") or [] if isinstance(a, dict)]
    if not alerts and "groupKey" not in data:
        raise ParseError(
            f"A {tool} notification has an 'alerts' list and a 'groupKey'.", "invalid_payload"
        )
    members = [_member(a) for a in alerts]
    common = labels_of(data.get("commonLabels"))
    status = (text(data.get("status")) or text(data.get("state")) or "").lower()
    event = {"firing": TRIGGER, "alerting": TRIGGER, "resolved": RESOLVE, "ok": RESOLVE}.get(
        status, UNKNOWN
    )
    starts = [when(a.get("startsAt")) for a in alerts]
    ends = [when(a.get("endsAt")) for a in alerts]
    description = "\n".join(
        text(dig(a, "annotations", "description")) or "" for a in alerts
    ).strip()
    hosts = {m.host for m in members}
    first = alerts[0] if alerts else {}
    return ParsedAlert(
        tool=tool,
        event=event,
        dedup_key=text(data.get("groupKey")) or (members[0].key if len(members) == 1 else None),
        title=_title(data, alerts, common),
        severity=common.get("severity") or _shared(members, "severity"),
        host=_first(common, _HOST_LABELS) or (hosts.pop() if len(hosts) == 1 else None),
        service=_first(common, _SERVICE_LABELS),
        description=description,
        labels=common,
        links=links_of(
            link(first.get("generatorURL"), "Source"),
            link(dig(first, "annotations", "runbook_url"), "Runbook"),
            link(first.get("dashboardURL"), "Dashboard"),
            link(first.get("silenceURL"), "Silence"),
            link(data.get("externalURL"), tool.capitalize()),
        ),
        started_at=min((s for s in starts if s), default=None),
        ended_at=max((e for e in ends if e), default=None) if event == RESOLVE else None,
        alert_count=len(alerts) or 1,
        members=members,
    )


def parse_alertmanager(data: dict[str, Any]) -> list[ParsedAlert]:
    return [parse_group(data, "alertmanager")]


def parse_grafana(data: dict[str, Any]) -> list[ParsedAlert]:
    return [parse_group(data, "grafana")]
