"""Azure Monitor, common alert schema: ``data.essentials`` says it all.

``alertId`` is the alert instance (a new one each time the rule fires again), ``monitorCondition``
Fired / Resolved, ``configurationItems`` the resources (documented for CMDB correlation).
"""

from typing import Any

from servicedesk.channels.alerts.parsing.base import (
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


def parse_azure(data: dict[str, Any]) -> list[ParsedAlert]:
    essentials = dig(data, "data", "essentials")
    if not isinstance(essentials, dict):
        raise ParseError(
            "Not an Azure Monitor common-schema alert: no data.essentials "
            "(turn on the common alert schema in the action group).",
            "invalid_payload",
        )
    condition = (text(essentials.get("monitorCondition")) or "").lower()
    items = [text(i) for i in essentials.get("configurationItems") or [] if text(i)]
    targets = [text(t) for t in essentials.get("alertTargetIDs") or [] if text(t)]
    service = "/".join(
        p
        for p in (text(essentials.get("monitoringService")), text(essentials.get("signalType")))
        if p
    )
    return [
        ParsedAlert(
            tool="azure_monitor",
            event={"fired": TRIGGER, "resolved": RESOLVE}.get(condition, UNKNOWN),
            dedup_key=text(essentials.get("alertId")),
            title=title_text(essentials.get("alertRule")),
            severity=text(essentials.get("severity")),
            host=items[0] if items else (targets[0].rsplit("/", 1)[-1] if targets else None),
            service=service or None,
            description=text(essentials.get("description")) or "",
            labels={"targets": ", ".join(targets)} if targets else {},
            links=links_of(
                link(dig(data, "data", "alertContext", "linkToSearchResultsUI"), "Results")
            ),
            started_at=when(essentials.get("firedDateTime")),
            ended_at=when(essentials.get("resolvedDateTime")),
        )
    ]
