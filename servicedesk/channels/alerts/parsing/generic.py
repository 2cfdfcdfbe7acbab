"""Any JSON, read through the source's mapping of JSON paths.

A path is ``$.a.b[0].c`` (or ``a.b.0.c``). The mapping names paths for ``dedup_key``,
``title``, ``severity``, ``host``, ``service``, ``state``, ``description`` and ``link``, and
which state values resolve (``resolve_values``) and acknowledge (``acknowledge_values``); any
other state (or none) fires.
"""

import re
from typing import Any

from servicedesk.channels.alerts.parsing.base import (
    ACK,
    RESOLVE,
    TRIGGER,
    ParsedAlert,
    ParseError,
    link,
    links_of,
    text,
    title_text,
)

DEFAULT_MAPPING = {
    "dedup_key": "$.id",
    "title": "$.title",
    "severity": "$.severity",
    "host": "$.host",
    "service": "$.service",
    "state": "$.status",
    "description": "$.message",
    "link": "$.url",
    "resolve_values": ["resolved", "ok", "recovered", "closed", "up"],
    "acknowledge_values": ["acknowledged", "ack"],
}
PATH_FIELDS = ("dedup_key", "title", "severity", "host", "service", "state", "description", "link")
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_problem(path: Any) -> str:
    """Why ``path`` is not a usable JSON path ('' when it is)."""
    if not isinstance(path, str) or not path.strip():
        return "A path is non-empty text such as $.alert.id."
    body = path.strip().removeprefix("$").lstrip(".")
    if body and "".join(m.group(0) for m in _STEP.finditer(body)).replace(".", "") != body.replace(
        ".", ""
    ):
        return f"{path} is not a path of names and [n] indexes."
    return ""


def resolve_path(data: Any, path: str) -> Any:
    body = path.strip().removeprefix("$").lstrip(".")
    for match in _STEP.finditer(body):
        name, index = match.groups()
        if index is not None or (name.isdigit() and isinstance(data, list)):
            position = int(index if index is not None else name)
            if not isinstance(data, list) or position >= len(data):
                return None
            data = data[position]
        elif isinstance(data, dict):
            data = data.get(name)
        else:
            return None
    return data


def parse_generic(data: dict[str, Any], mapping: dict[str, Any] | None = None) -> list[ParsedAlert]:
    mapping = {**DEFAULT_MAPPING, **(mapping or {})}

    def get(name: str) -> Any:
        path = mapping.get(name)
        return resolve_path(data, path) if isinstance(path, str) and path else None

    state = (text(get("state")) or "").lower()
    resolving = {str(v).lower() for v in mapping.get("resolve_values") or []}
    acking = {str(v).lower() for v in mapping.get("acknowledge_values") or []}
    event = RESOLVE if state in resolving else ACK if state in acking else TRIGGER
    if not isinstance(data, dict):
        raise ParseError("The body must be a JSON object.", "invalid_payload")
    return [
        ParsedAlert(
            tool="generic",
            event=event,
            dedup_key=text(get("dedup_key")),
            title=title_text(get("title")),
            severity=text(get("severity")),
            host=text(get("host")),
            service=text(get("service")),
            description=text(get("description")) or "",
            links=links_of(link(get("link"), "Source")),
        )
    ]
