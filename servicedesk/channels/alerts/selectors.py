"""Reads of the alerts channel."""

from django.db.models import QuerySet

from servicedesk.channels.alerts.models import Alert, AlertDelivery, AlertSource
from servicedesk.tickets.choices import LinkKind
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
        .order_by("is_current", "state", "-last_seen")
        .reverse()
    )


def storm_children(ticket: Ticket) -> list[Ticket]:
    """The incidents grouped under a storm's parent."""
    links = TicketLink.objects.filter(target=ticket, kind=LinkKind.CHILD_OF).select_related(
        "source"
    )
    return [link.source for link in links.order_by("source__number")]
