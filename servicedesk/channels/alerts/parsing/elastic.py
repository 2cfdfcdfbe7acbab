"""Elastic: a Kibana rule's Webhook connector, or a Watcher webhook action.

Both bodies are templates the admin writes (the admin guide gives them). Kibana: identity
rule id + alert id (the group-by value), ``action_group`` ``recovered`` resolves. Watcher has
no lifecycle: it calls while its condition holds; identity the watch id, each execution's
record id the delivery.
"""

from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    RESOLVE,
    TRIGGER,
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


def _tags(value: Any) -> dict[str, str]:
    tags = value if isinstance(value, list) else []
    out = {}
    for tag in tags:
        name, _, tag_value = str(tag).partition(":")
        out[name] = tag_value
    return out


def _kibana(data: dict[str, Any]) -> ParsedAlert:
    rule_id, alert_id = text(data.get("rule_id")), text(data.get("alert_id"))
    group = (text(data.get("action_group")) or "").lower()
    key = ":".join(p for p in (rule_id, alert_id) if p) or text(data.get("alert_uuid"))
    return ParsedAlert(
        tool="elastic",
        event=RESOLVE if group == "recovered" else TRIGGER,
        dedup_key=key,
        title=title_text(data.get("rule_name")),
        severity=text(data.get("severity")),
        host=text(data.get("host")),
        service=text(data.get("service")) or alert_id,
        description=text(data.get("reason")) or "",
        labels=_tags(data.get("tags")),
        links=links_of(link(data.get("rule_url"), "Kibana rule")),
        started_at=when(data.get("date")),
    )


def _watcher(data: dict[str, Any]) -> ParsedAlert:
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    hits = data.get("hits_total")
    return ParsedAlert(
        tool="elastic",
        event=TRIGGER,
        dedup_key=text(data.get("watch_id")),
        title=title_text(metadata.get("title")) or title_text(data.get("watch_id")),
        severity=text(metadata.get("severity")),
        host=text(metadata.get("host")),
        service=text(metadata.get("service")),
        description=f"{hits} matching documents." if isinstance(hits, int) else "",
        labels=labels_of(metadata),
        started_at=when(data.get("execution_time")),
        alert_count=hits if isinstance(hits, int) and hits > 0 else 1,
        delivery_id=text(data.get("watch_record_id")),
    )


def parse_elastic(data: dict[str, Any]) -> list[ParsedAlert]:
    if "watch_id" in data:
        return [_watcher(data)]
    if "rule_id" in data or "rule_name" in data or dig(data, "alert", "uuid"):
        return [_kibana(data)]
    raise ParseError(
        "Not an Elastic alert: expected rule_id/rule_name (Kibana) or watch_id (Watcher).",
        "invalid_payload",
    )
