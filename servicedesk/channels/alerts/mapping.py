"""From a normalised alert to the ticket's fields: impact and urgency, affected CIs, title."""

from servicedesk.channels.alerts.models import AlertSource
from servicedesk.channels.alerts.parsing import ParsedAlert
from servicedesk.tickets.choices import CIKind, Impact
from servicedesk.tickets.models import ConfigurationItem

H, M, L = Impact.HIGH, Impact.MEDIUM, Impact.LOW
# Severity words and numbers as the tools write them -> (impact, urgency). A source's own
# table (AlertSource.severity_map) wins; what neither names takes the source's defaults.
BUILT_IN_SEVERITIES: dict[str, tuple[int, int]] = {
    # Alertmanager / Grafana labels, PagerDuty, Sentry, Elastic, Nagios states
    "critical": (H, H), "fatal": (H, H), "emergency": (H, H), "disaster": (H, H),
    "page": (H, H), "down": (H, H), "unreachable": (H, H),
    "error": (M, H), "major": (M, H), "high": (M, H),
    "warning": (M, M), "warn": (M, M), "minor": (M, M), "average": (M, M), "medium": (M, M),
    "info": (L, L), "informational": (L, L), "information": (L, L), "low": (L, L),
    "debug": (L, L), "unknown": (L, M), "not classified": (L, L),
    # Zabbix {EVENT.NSEVERITY} 0-5
    "5": (H, H), "4": (M, H), "3": (M, M), "2": (L, M), "1": (L, L), "0": (L, L),
    # Azure Monitor Sev0 (critical) .. Sev4 (verbose)
    "sev0": (H, H), "sev1": (M, H), "sev2": (M, M), "sev3": (L, M), "sev4": (L, L),
    # Datadog and Opsgenie-style priorities P1 .. P5
    "p1": (H, H), "p2": (M, H), "p3": (M, M), "p4": (L, M), "p5": (L, L),
}  # fmt: skip


def impact_urgency(source: AlertSource, severity: str | None) -> tuple[int, int]:
    word = (severity or "").strip().lower()
    own = {str(k).strip().lower(): v for k, v in (source.severity_map or {}).items()}
    if word in own and isinstance(own[word], dict):
        return (
            int(own[word].get("impact", source.default_impact)),
            int(own[word].get("urgency", source.default_urgency)),
        )
    return BUILT_IN_SEVERITIES.get(word, (source.default_impact, source.default_urgency))


def severity_map_problems(value) -> list[str]:
    """What is wrong with a severity table an admin entered (empty: nothing)."""
    if not isinstance(value, dict):
        return ['A table of severity -> {"impact": 1-3, "urgency": 1-3}.']
    problems = []
    for word, cell in value.items():
        if not isinstance(cell, dict) or set(cell) - {"impact", "urgency"}:
            problems.append(f'{word}: give impact and urgency, e.g. {{"impact": 1, "urgency": 2}}.')
            continue
        for name, level in cell.items():
            if level not in Impact.values:
                problems.append(f"{word}: {name} is 1 (high), 2 (medium) or 3 (low).")
    return problems


def _host_names(host: str) -> list[str]:
    bare = host.strip()
    names = [bare]
    if "://" in bare:
        bare = bare.split("://", 1)[1].split("/", 1)[0]
        names.append(bare)
    without_port = bare.rsplit(":", 1)[0] if bare.count(":") == 1 else bare
    names += [without_port, without_port.split(".", 1)[0]]
    return list(dict.fromkeys(n for n in names if n))


def _match(names: list[str], preferred: str) -> ConfigurationItem | None:
    if not names:
        return None
    found = {
        ci.name.lower(): ci
        for ci in ConfigurationItem.objects.filter(is_active=True, name__in=names)
    }
    if len(found) < 1:
        # Names are stored as people typed them; compare without case as a second try.
        for name in names:
            ci = ConfigurationItem.objects.filter(is_active=True, name__iexact=name).first()
            if ci:
                return ci
        return None
    matches = [found[n.lower()] for n in names if n.lower() in found]
    return next((ci for ci in matches if ci.kind == preferred), matches[0])


def configuration_items(
    alert: ParsedAlert,
) -> tuple[ConfigurationItem | None, ConfigurationItem | None]:
    """(affected service, configuration item) that the alert's service and host name."""
    service = _match([alert.service.strip()] if alert.service else [], CIKind.SERVICE)
    item = _match(_host_names(alert.host) if alert.host else [], CIKind.CI)
    return service, item


def ticket_title(source: AlertSource, alert: ParsedAlert) -> str:
    """Never empty: the alert's title, else what it is about, else its key."""
    if alert.title:
        return alert.title
    about = " on ".join(p for p in (alert.service, alert.host) if p)
    return (about or f"{source.name} alert {alert.key}")[:200]


def ticket_description(source: AlertSource, alert: ParsedAlert) -> str:
    lines = [f"Raised by {source.name} ({source.get_kind_display()})."]
    for label, value in (
        ("Severity", alert.severity),
        ("Host", alert.host),
        ("Service", alert.service),
        ("Alerts in the group", alert.alert_count if alert.alert_count > 1 else None),
        ("Key", alert.key),
    ):
        if value:
            lines.append(f"{label}: {value}")
    if alert.description:
        lines += ["", alert.description]
    if alert.links:
        lines += ["", *(f"{link['text'] or 'Link'}: {link['href']}" for link in alert.links)]
    return "\n".join(lines)
