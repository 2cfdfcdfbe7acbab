"""Reads of the alerts channel."""

from django.db.models import QuerySet

from servicedesk.channels.alerts.choices import STATE_BADGE, AlertState
from servicedesk.channels.alerts.models import Alert, AlertDelivery, AlertSource
from servicedesk.tickets.choices import Channel, LinkKind
from servicedesk.tickets.models import Ticket, TicketLink


def active_source(slug: str) -> AlertSource | None:
    return AlertSource.objects.filter(slug=slug, is_active=True).first()


def alert_sources() -> QuerySet[AlertSource]:
    return AlertSource.objects.select_related("requester", "assignment_group").order_by("name")


def alert_deliveries(*, state: str = "", source_id: int | None = None) -> QuerySet[AlertDelivery]:
    """Newest first, without the raw bodies (read one delivery for its body)."""
    deliveries = AlertDelivery.objects.select_related("source").defer("raw")
    if state:
        deliveries = deliveries.filter(state=state)
    if source_id:
        deliveries = deliveries.filter(source_id=source_id)
    return deliveries.order_by("-received_at", "-id")


def ticket_alerts(ticket: Ticket) -> QuerySet[Alert]:
    """The alerts on an incident, the firing ones first."""
    return (
        Alert.objects.filter(ticket=ticket)
        .select_related("source")
        .order_by("-is_current", "-last_seen", "-id")
    )


def storm_children(ticket: Ticket) -> list[Ticket]:
    """The incidents grouped under a storm's parent."""
    links = TicketLink.objects.filter(target=ticket, kind=LinkKind.CHILD_OF).select_related(
        "source"
    )
    return [link.source for link in links.order_by("source__number")]


def ticket_alert_box(ticket: Ticket) -> dict | None:
    """What the desk's ticket page shows of an incident's alerts (None: not from monitoring).

    Only monitoring tickets are looked at, so that other tickets' pages cost no query more.
    """
    if ticket.channel != Channel.MONITORING:
        return None
    alerts = list(ticket_alerts(ticket))
    children = storm_children(ticket)
    if not alerts and not children:
        return None
    return {
        "rows": [(a, STATE_BADGE[a.state]) for a in alerts],
        "count": len(alerts),
        "storm": any(a.in_storm for a in alerts),
        "children": children,
        "firing": sum(1 for a in alerts if a.state != AlertState.RESOLVED),
        "occurrences": sum(a.occurrences for a in alerts),
        "last_seen": max(a.last_seen for a in alerts) if alerts else None,
    }
