"""Datadog webhooks integration.

The default template names no alert: ``id`` is the event and new on every notification (a
retry of one notification repeats it: the delivery id). The identity is whatever of
``$ALERT_CYCLE_KEY`` (one per trigger-to-recover cycle, best), ``$AGGREG_KEY`` or
``$ALERT_ID`` the admin added to the payload (admin guide); without one, the desk's hash of
the title with its ``[P1]`` / ``[Triggered]`` prefixes removed.
"""

import re
from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    ACK,
    RESOLVE,
    TRIGGER,
    UNKNOWN,
    ParsedAlert,
    ParseError,
    dig,
    labels_of,
    link,
    links_of,
    text,
    title_text,
    when,
)

_PREFIX = re.compile(r"^(\s*\[[^\]]*\]\s*)+")
_KEYS = ("alert_cycle_key", "cycle_key", "aggregate", "aggreg_key", "alert_id", "monitor_id")
_TRANSITIONS = {
    "triggered": TRIGGER, "re-triggered": TRIGGER, "retriggered": TRIGGER, "warn": TRIGGER,
    "re-warn": TRIGGER, "no data": TRIGGER, "re-no data": TRIGGER, "recovered": RESOLVE,
    "warn recovered": RESOLVE, "no data recovered": RESOLVE, "acknowledged": ACK,
}  # fmt: skip


def parse_datadog(data: dict[str, Any]) -> list[ParsedAlert]:
    raw_title = text(data.get("title")) or text(data.get("alert_title"))
    if raw_title is None and not any(text(data.get(k)) for k in _KEYS):
        raise ParseError(
            "Not a Datadog notification: no title and no alert key.", "invalid_payload"
        )
    transition = text(data.get("transition")) or text(data.get("alert_transition"))
    if transition is None and raw_title:
        found = re.search(
            r"\[(Triggered|Re-Triggered|Recovered|Warn|No Data)[^\]]*\]", raw_title, re.I
        )
        transition = found.group(1) if found else None
    event = _TRANSITIONS.get((transition or "").lower(), UNKNOWN)
    tags = text(data.get("tags")) or ""
    labels = {}
    for tag in filter(None, (t.strip() for t in tags.split(","))):
        name, _, value = tag.partition(":")
        labels[name] = value
    return [
        ParsedAlert(
            tool="datadog",
            event=event,
            dedup_key=next((text(data.get(k)) for k in _KEYS if text(data.get(k))), None),
            title=title_text(_PREFIX.sub("", raw_title)) if raw_title else None,
            severity=text(data.get("alert_priority")) or text(data.get("priority")),
            host=text(data.get("hostname")) or text(data.get("host")),
            service=labels.get("service") or text(data.get("service")),
            description=text(data.get("body")) or "",
            labels=labels_of(labels | {"org": dig(data, "org", "name") or ""}),
            links=links_of(
                link(data.get("link"), "Datadog"), link(data.get("snapshot"), "Snapshot")
            ),
            started_at=when(data.get("date")),
            delivery_id=text(data.get("id")),
        )
    ]
