"""PagerDuty Events API v2: trigger / acknowledge / resolve by ``dedup_key``.

Acknowledge and resolve carry no payload: title and the rest come from the open incident.
A trigger without a ``dedup_key`` gets the desk's own key, returned in the 202 as PagerDuty
does, so that the sender can acknowledge and resolve it later.
"""

from collections.abc import Callable
from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    ACK,
    RESOLVE,
    TRIGGER,
    UNKNOWN,
    ParsedAlert,
    ParseError,
    labels_of,
    link,
    links_of,
    text,
    title_text,
    when,
)

_EVENTS = {"trigger": TRIGGER, "acknowledge": ACK, "resolve": RESOLVE}


def _service(payload: dict[str, Any]) -> str | None:
    component, group = text(payload.get("component")), text(payload.get("group"))
    if component and group:
        return f"{component} (group {group})"
    return component or (f"group {group}" if group else None)


def parse_events_v2(
    data: dict[str, Any], tool: str = "pagerduty_events_v2", clean_title: Callable = title_text
) -> list[ParsedAlert]:
    action = text(data.get("event_action"))
    if action is None:
        raise ParseError("An Events API v2 body has an 'event_action'.", "invalid_payload")
    payload = data.get("payload") if isinstance(data.get("payload"), dict) else {}
    details = payload.get("custom_details")
    links = [
        link(item.get("href"), item.get("text"))
        for item in data.get("links") or []
        if isinstance(item, dict)
    ]
    return [
        ParsedAlert(
            tool=tool,
            event=_EVENTS.get(action.lower(), UNKNOWN),
            dedup_key=text(data.get("dedup_key")),
            title=clean_title(payload.get("summary")),
            severity=text(payload.get("severity")),
            host=text(payload.get("source")),
            service=_service(payload),
            description="\n".join(f"{k}: {v}" for k, v in details.items())
            if isinstance(details, dict)
            else (text(details) or ""),
            labels=labels_of({"class": payload.get("class"), "client": data.get("client")}),
            links=links_of(*links, link(data.get("client_url"), text(data.get("client")))),
            started_at=when(payload.get("timestamp")),
        )
    ]
