"""Uptime Kuma webhook: ``heartbeat.status`` 0 down fires, 1 up resolves, 2 pending and 3
maintenance say nothing. The monitor id is the only identity there is (no outage id)."""

from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    RESOLVE,
    TRIGGER,
    UNKNOWN,
    ParsedAlert,
    ParseError,
    link,
    links_of,
    text,
    title_text,
    when,
)


def parse_uptime_kuma(data: dict[str, Any]) -> list[ParsedAlert]:
    heartbeat = data.get("heartbeat") if isinstance(data.get("heartbeat"), dict) else {}
    monitor = data.get("monitor") if isinstance(data.get("monitor"), dict) else {}
    if not heartbeat and not monitor:
        # The "test notification" button posts only {"msg": ...}: nothing to file.
        raise ParseError(
            "Not an Uptime Kuma monitor notification (no heartbeat or monitor; a test "
            "notification carries neither).",
            "invalid_payload",
        )
    status = heartbeat.get("status")
    url = text(monitor.get("url"))
    host = text(monitor.get("hostname")) or (
        url if url and url not in ("https://", "http://") else None
    )
    name = text(monitor.get("name"))
    return [
        ParsedAlert(
            tool="uptime_kuma",
            event={0: TRIGGER, 1: RESOLVE}.get(status, UNKNOWN),
            dedup_key=text(monitor.get("id")) or text(heartbeat.get("monitorID")),
            title=title_text(name),
            host=host,
            service=text(monitor.get("pathName")) or name,
            description=text(heartbeat.get("msg")) or "",
            labels={k: v for k, v in (("type", text(monitor.get("type"))),) if v},
            links=links_of(link(url, "Monitored URL")),
            started_at=when(heartbeat.get("time")),
        )
    ]
