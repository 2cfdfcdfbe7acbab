"""Sentry: issue alerts (``event_alert``), issue webhooks and metric alerts.

Issue alerts only ever trigger; the ``issue`` resource's ``resolved`` resolves them (same
issue id). Metric alerts: ``critical`` / ``warning`` fire, ``resolved`` resolves, identity the
metric alert (incident) id. ``event_id`` names one occurrence, so a retry repeats it.
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
    link,
    links_of,
    text,
    title_text,
    when,
)

_PROJECT_IN_URL = re.compile(r"/projects/[^/]+/([^/]+)/")


def _project(event: dict[str, Any]) -> str | None:
    slug = _PROJECT_IN_URL.search(text(event.get("url")) or "")
    project = text(event.get("project"))
    if slug and project:
        return f"{slug.group(1)} (project {project})"
    return slug.group(1) if slug else (f"project {project}" if project else None)


def _event_alert(data: dict[str, Any]) -> ParsedAlert:
    event = dig(data, "data", "event")
    tags = {
        str(t[0]): str(t[1]) for t in event.get("tags") or [] if isinstance(t, list) and len(t) == 2
    }
    return ParsedAlert(
        tool="sentry",
        event=TRIGGER,
        dedup_key=text(event.get("issue_id")),
        title=title_text(event.get("title")) or title_text(dig(data, "data", "triggered_rule")),
        severity=text(event.get("level")),
        host=tags.get("server_name"),
        service=_project(event),
        description=text(event.get("culprit")) or "",
        labels={
            k: v for k, v in tags.items() if k in ("environment", "release", "level", "handled")
        },
        links=links_of(link(event.get("web_url"), "Sentry")),
        started_at=when(event.get("datetime")),
        delivery_id=text(event.get("event_id")),
    )


def _issue(data: dict[str, Any], action: str) -> ParsedAlert:
    issue = dig(data, "data", "issue")
    events = {"resolved": RESOLVE, "unresolved": TRIGGER, "created": TRIGGER, "assigned": ACK}
    project = dig(issue, "project", "slug")
    return ParsedAlert(
        tool="sentry",
        event=events.get(action, UNKNOWN),
        dedup_key=text(issue.get("id")),
        title=title_text(issue.get("title")),
        severity=text(issue.get("level")),
        service=text(project),
        links=links_of(link(issue.get("web_url") or issue.get("permalink"), "Sentry")),
        started_at=when(issue.get("firstSeen")),
    )


def _metric_alert(data: dict[str, Any], action: str) -> ParsedAlert:
    alert = dig(data, "data", "metric_alert")
    rule = alert.get("alert_rule") if isinstance(alert.get("alert_rule"), dict) else {}
    events = {"critical": TRIGGER, "warning": TRIGGER, "resolved": RESOLVE}
    projects = rule.get("projects") or []
    return ParsedAlert(
        tool="sentry",
        event=events.get(action, UNKNOWN),
        dedup_key=text(alert.get("id")),
        title=title_text(dig(data, "data", "description_title"))
        or title_text(alert.get("title"))
        or title_text(rule.get("name")),
        severity=action if action in ("critical", "warning") else None,
        service=", ".join(str(p) for p in projects) or None,
        description=text(dig(data, "data", "description_text")) or "",
        links=links_of(link(dig(data, "data", "web_url"), "Sentry")),
        started_at=when(alert.get("date_started")),
        ended_at=when(alert.get("date_closed")),
    )


def parse_sentry(data: dict[str, Any]) -> list[ParsedAlert]:
    action = (text(data.get("action")) or "").lower()
    if isinstance(dig(data, "data", "event"), dict):
        return [_event_alert(data)]
    if isinstance(dig(data, "data", "metric_alert"), dict):
        return [_metric_alert(data, action)]
    if isinstance(dig(data, "data", "issue"), dict):
        return [_issue(data, action)]
    raise ParseError(
        "Not a Sentry alert: expected data.event, data.issue or data.metric_alert.",
        "invalid_payload",
    )
