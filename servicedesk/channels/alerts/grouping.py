"""Correlation and storms: when a new alert joins an incident instead of opening its own.

* Correlation: a new alert on the host or service of an alert seen within the source's window,
  whose incident is open, joins that incident (ServiceNow's and PagerDuty's "related alerts").
* Storm: beyond the source's rate of new alerts, one parent incident takes the new alerts; the
  incidents opened just before in the window become its children (LinkKind.CHILD_OF).
"""

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q

from servicedesk.accounts.choices import Role
from servicedesk.channels.alerts.choices import AlertState, Outcome
from servicedesk.channels.alerts.mapping import impact_urgency
from servicedesk.channels.alerts.models import Alert, AlertSource
from servicedesk.tickets.choices import Channel, EventKind, Impact, Kind, LinkKind, State
from servicedesk.tickets.models import Ticket, TicketLink
from servicedesk.tickets.services import link_add, ticket_create, ticket_system_note

MONITORING_USERNAME = "monitoring"
OVER_STATES = frozenset({State.RESOLVED, State.CLOSED, State.CANCELLED})


def monitoring_user():
    """The requester of incidents from sources that name none: an account nobody signs in to."""
    User = get_user_model()
    user = User.objects.filter(username=MONITORING_USERNAME).first()
    if user is None:
        user = User(username=MONITORING_USERNAME, display_name="Monitoring", role=Role.END_USER)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # made by a concurrent delivery
            user = User.objects.get(username=MONITORING_USERNAME)
    return user


def _open_ticket(alerts):
    return alerts.filter(is_current=True, ticket__isnull=False).exclude(
        ticket__state__in=OVER_STATES
    )


def correlate(source: AlertSource, alert: Alert, now: datetime) -> str | None:
    if not source.correlation_window or not (alert.host or alert.service):
        return None
    same = Q()
    if alert.host:
        same |= Q(host=alert.host)
    if alert.service:
        same |= Q(service=alert.service)
    since = now - timedelta(seconds=source.correlation_window)
    other = (
        _open_ticket(Alert.objects.filter(same, last_seen__gte=since))
        .exclude(pk=alert.pk)
        .exclude(state=AlertState.RESOLVED)
        .select_related("ticket")
        .order_by("-last_seen", "-id")
        .first()
    )
    if other is None:
        return None
    alert.ticket = other.ticket
    alert.save(update_fields=["ticket"])
    on = " and ".join(
        f"{name} {value}"
        for name, value in (("host", alert.host), ("service", alert.service))
        if value and value == getattr(other, name)
    )
    ticket_system_note(
        ticket=other.ticket, kind=EventKind.UPDATED, is_internal=True,
        message=f"Alert '{alert.title}' from {source.name} joined this incident: same {on} "
        f"as '{other.title}' within {source.correlation_window} s.",
    )  # fmt: skip
    return Outcome.CORRELATED


def storm(source: AlertSource, alert: Alert, now: datetime) -> str | None:
    if not source.storm_threshold:
        return None
    since = now - timedelta(seconds=source.storm_window)
    recent = Alert.objects.filter(source=source, first_seen__gte=since)
    count = recent.count()
    if count <= source.storm_threshold:
        return None
    parent_alert = (
        _open_ticket(Alert.objects.filter(source=source, in_storm=True))
        .select_related("ticket")
        .order_by("-first_seen")
        .first()
    )
    if parent_alert is not None:
        parent = parent_alert.ticket
    else:
        parent = _storm_parent(source, alert, count)
        for child in (
            _open_ticket(recent.filter(in_storm=False))
            .exclude(pk=alert.pk)
            .select_related("ticket")
        ):
            if not TicketLink.objects.filter(source=child.ticket, target=parent).exists():
                link_add(
                    source=child.ticket, target=parent, kind=LinkKind.CHILD_OF, by=None,
                    channel=Channel.MONITORING,
                )  # fmt: skip
    alert.ticket, alert.in_storm = parent, True
    alert.save(update_fields=["ticket", "in_storm"])
    ticket_system_note(
        ticket=parent, kind=EventKind.UPDATED, is_internal=True,
        message=f"Alert '{alert.title}' joined the storm ({alert.host or alert.service or alert.key}).",
    )  # fmt: skip
    return Outcome.STORM


def _storm_parent(source: AlertSource, alert: Alert, count: int) -> Ticket:
    requester = source.requester or monitoring_user()
    _, urgency = impact_urgency(source, alert.severity)
    return ticket_create(
        by=requester,
        requester=requester,
        title=f"Alert storm: {count} new alerts from {source.name} within {source.storm_window} s",
        description=(
            f"{source.name} sent more than {source.storm_threshold} new alerts within "
            f"{source.storm_window} s. The incidents opened in that window are children of this "
            "one; further new alerts join it instead of opening incidents. It resolves when "
            "every alert on it has."
        ),
        kind=Kind.INCIDENT,
        channel=Channel.MONITORING,
        impact=Impact.HIGH,
        urgency=urgency,
        assignment_group=source.assignment_group
        if source.assignment_group and source.assignment_group.is_active
        else None,
    )
