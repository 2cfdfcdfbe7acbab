"""Nagios / Icinga notifications posted as JSON by a notification command.

Two shapes: one field per macro (``notification_type``, ``host_name``, ``service_desc``,
``service_problem_id`` ...), the form the admin guide gives; and the flat form of common
scripts (``Title`` "Service PROBLEM notification", ``Host``, ``Service``, ``State``).
The problem id is the identity (the last one on RECOVERY, as the Nagios docs advise for
closing tickets); without one, ``host!service`` as Nagios itself names a service.
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
    link,
    links_of,
    text,
    title_text,
)

_EVENTS = {"PROBLEM": TRIGGER, "RECOVERY": RESOLVE, "ACKNOWLEDGEMENT": ACK}
_TYPE_IN_TITLE = re.compile(r"\b(PROBLEM|RECOVERY|ACKNOWLEDGEMENT|FLAPPING\w*|DOWNTIME\w*)\b")


def _get(data: dict[str, Any], *names: str) -> str | None:
    for name in names:
        for variant in (name, name.upper(), f"ICINGA_{name.upper()}", f"NAGIOS_{name.upper()}"):
            value = text(data.get(variant))
            if value is not None:
                return value
    return None


def _problem_id(value: str | None) -> str | None:
    # 0 (or empty) while the host or service is OK: no problem to name.
    return value if value not in (None, "0") else None


def parse_nagios(data: dict[str, Any]) -> list[ParsedAlert]:
    kind = _get(data, "notification_type", "notificationtype")
    if kind is None:
        match = _TYPE_IN_TITLE.search(text(data.get("Title")) or "")
        kind = match.group(1) if match else None
    host = _get(data, "host_name", "hostname", "Host")
    service = _get(data, "service_desc", "servicedesc", "Service")
    if kind is None and host is None:
        raise ParseError(
            "Not a Nagios notification: expected notification_type and host_name.",
            "invalid_payload",
        )
    kind = (kind or "").upper()
    event = _EVENTS.get(kind, UNKNOWN)
    state = _get(data, "service_state", "servicestate") if service else None
    state = state or _get(data, "host_state", "hoststate", "State")
    if service:
        current = _get(data, "service_problem_id", "serviceproblemid")
        last = _get(data, "last_service_problem_id", "lastserviceproblemid")
    else:
        current = _get(data, "host_problem_id", "hostproblemid")
        last = _get(data, "last_host_problem_id", "lasthostproblemid")
    problem = _problem_id(last if event == RESOLVE else current) or _problem_id(current)
    if problem is None and host:
        problem = f"{host}!{service}" if service else host
    subject = f"{service} on {host}" if service else host
    output = _get(
        data, "service_output", "serviceoutput", "host_output", "hostoutput", "Additional Info"
    )
    comment = _get(data, "notification_comment", "notificationcomment")
    author = _get(data, "notification_author", "notificationauthor")
    description = output or ""
    if comment:
        description += f"\n{author or 'Someone'}: {comment}"
    return [
        ParsedAlert(
            tool="nagios",
            event=event,
            dedup_key=problem,
            title=title_text(f"{subject} is {state}" if state else subject),
            severity=state,
            host=host,
            service=service,
            description=description.strip(),
            labels={
                k: v
                for k, v in (
                    ("notification_type", kind),
                    ("address", _get(data, "host_address", "hostaddress", "IP")),
                )
                if v
            },
            links=links_of(link(_get(data, "service_notes_url", "host_notes_url"), "Notes")),
        )
    ]
