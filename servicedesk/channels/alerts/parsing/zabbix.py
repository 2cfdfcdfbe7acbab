"""Zabbix, in the three shapes its webhooks take.

* the macro parameters a webhook media type forwards (``eventid``, ``eventvalue`` 1 problem /
  0 recovery, ``eventupdate`` 1 with ``eventack`` Yes = acknowledged);
* the body of the official PagerDuty media type (Events API v2, ``dedup_key`` = event id);
* the alert-script form ``{alert_uid, title, state, message}``.

``{EVENT.ID}`` names the original problem in recovery and update messages too, so it is the
identity; the event name loses its ``Problem:`` / ``Resolved in …:`` / ``Updated problem in
…:`` prefix.
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
    labels_of,
    link,
    links_of,
    text,
    title_text,
    when,
)
from servicedesk.channels.alerts.parsing.pagerduty import parse_events_v2

_PREFIX = re.compile(
    r"^(problem|resolved(?: in [^:]*)?|updated problem(?: in [^:]*)?|recovery|ok)\s*:\s*",
    re.IGNORECASE,
)
_RECOVERY_STATE = re.compile(r"^(RECOVER(Y|ED)?|OK|RESOLVED.*)$", re.IGNORECASE)


def clean_title(value: Any) -> str | None:
    value = text(value)
    return title_text(_PREFIX.sub("", value)) if value else None


def _params(data: dict[str, Any]) -> ParsedAlert:
    value, update = text(data.get("eventvalue")), text(data.get("eventupdate"))
    if update == "1":
        acked = (text(data.get("eventack")) or "").lower() in ("yes", "1", "true")
        event = ACK if acked else UNKNOWN
    else:
        event = {"1": TRIGGER, "0": RESOLVE}.get(value or "", UNKNOWN)
    tags = text(data.get("eventtags")) or ""
    labels = {}
    for tag in filter(None, (t.strip() for t in tags.split(","))):
        name, _, tag_value = tag.partition(":")
        labels[name.strip()] = tag_value.strip()
    date, time_ = text(data.get("eventdate")), text(data.get("eventtime"))
    started = when(f"{date.replace('.', '-')}T{time_}") if date and time_ else None
    url, trigger, eventid = (
        text(data.get("url")),
        text(data.get("triggerid")),
        text(data.get("eventid")),
    )
    event_link = (
        link(f"{url.rstrip('/')}/tr_events.php?triggerid={trigger}&eventid={eventid}", "Event")
        if url and trigger and eventid
        else None
    )
    return ParsedAlert(
        tool="zabbix",
        event=event,
        dedup_key=eventid,
        title=clean_title(data.get("eventname")),
        severity=text(data.get("severity")),
        host=text(data.get("hostname")) or text(data.get("hostip")),
        service=labels.get("service") or None,
        description=text(data.get("alert_message")) or "",
        labels=labels_of(labels),
        links=links_of(event_link),
        started_at=started,
    )


def _script(data: dict[str, Any]) -> ParsedAlert:
    state = text(data.get("state")) or ""
    event = RESOLVE if _RECOVERY_STATE.match(state) else (TRIGGER if state else UNKNOWN)
    return ParsedAlert(
        tool="zabbix",
        event=event,
        dedup_key=text(data.get("alert_uid")),
        title=clean_title(data.get("title")),
        description=text(data.get("message")) or "",
        links=links_of(link(data.get("link_to_upstream_details"), "Zabbix")),
    )


def parse_zabbix(data: dict[str, Any]) -> list[ParsedAlert]:
    if "event_action" in data:
        return parse_events_v2(data, tool="zabbix", clean_title=clean_title)
    if "eventid" in data or "eventvalue" in data:
        return [_params(data)]
    if "alert_uid" in data or "state" in data:
        return [_script(data)]
    raise ParseError(
        "Not a Zabbix notification: expected the media type's parameters (eventid, "
        "eventvalue ...), an Events API v2 body or {alert_uid, title, state}.",
        "invalid_payload",
    )
