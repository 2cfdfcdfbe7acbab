"""New Relic workflow webhook, default template: ``id`` is the issue, ``state`` ACTIVATED /
CREATED open it, ACKNOWLEDGED acknowledges, CLOSED resolves; ``totalIncidents`` counts the
incidents New Relic correlated into it."""

from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    ACK,
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

_EVENTS = {"ACTIVATED": TRIGGER, "CREATED": TRIGGER, "ACKNOWLEDGED": ACK, "CLOSED": RESOLVE}


def parse_newrelic(data: dict[str, Any]) -> list[ParsedAlert]:
    if "id" not in data and "issueId" not in data:
        raise ParseError("Not a New Relic workflow notification: no issue id.", "invalid_payload")
    title = data.get("title")
    if isinstance(title, list):
        title = title[0] if title else None
    entities = [text(e) for e in data.get("impactedEntities") or [] if text(e)]
    total = data.get("totalIncidents")
    return [
        ParsedAlert(
            tool="newrelic",
            event=_EVENTS.get((text(data.get("state")) or "").upper(), UNKNOWN),
            dedup_key=text(data.get("id")) or text(data.get("issueId")),
            title=title_text(title),
            severity=text(data.get("priority")),
            service=", ".join(entities) or None,
            labels={
                "policies": ", ".join(str(p) for p in data.get("alertPolicyNames") or []),
                "conditions": ", ".join(str(c) for c in data.get("alertConditionNames") or []),
            },
            links=links_of(link(data.get("issueUrl"), "New Relic issue")),
            started_at=when(data.get("createdAt")),
            ended_at=when(data.get("updatedAt")) if text(data.get("state")) == "CLOSED" else None,
            alert_count=total if isinstance(total, int) and total > 0 else 1,
        )
    ]
