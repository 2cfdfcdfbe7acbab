"""Storing deliveries and turning their alerts into incidents.

The order of one delivery, written out in ``alert_delivery_process``: parse, recognise a
retried delivery, then per alert: find its current episode, and open, repeat, correlate,
group into a storm, acknowledge or resolve. One transaction per delivery: a delivery is
processed whole or not at all, and processing it twice changes nothing.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from servicedesk.channels.alerts.choices import AlertEvent, AlertState, DeliveryState, Outcome
from servicedesk.channels.alerts.grouping import OVER_STATES, correlate, monitoring_user, storm
from servicedesk.channels.alerts.mapping import (
    configuration_items,
    impact_urgency,
    severity_map_problems,
    ticket_description,
    ticket_title,
)
from servicedesk.channels.alerts.models import (
    Alert,
    AlertDelivery,
    AlertDeliveryKey,
    AlertNotification,
    AlertSource,
)
from servicedesk.channels.alerts.parsing import ParsedAlert, ParseError, parse_alerts
from servicedesk.channels.alerts.parsing.generic import PATH_FIELDS, path_problem
from servicedesk.core import clock
from servicedesk.core.errors import ValidationFailed
from servicedesk.tickets.choices import (
    Channel,
    EventKind,
    Kind,
    LinkKind,
    ResolutionCode,
    State,
)
from servicedesk.tickets.models import Comment, Ticket, TicketEvent
from servicedesk.tickets.services import (
    link_add,
    ticket_create,
    ticket_system_note,
    ticket_system_update,
)

logger = logging.getLogger(__name__)

# The incident's timeline notes repeats of one alert at most this often (each is counted).
NOTE_REPEATS_EVERY = timedelta(minutes=5)

# Headers worth keeping beside the raw body, for the admin reading a delivery.
KEPT_HEADERS = (
    "Content-Type", "User-Agent", "X-Amz-Sns-Message-Type", "X-Amz-Sns-Message-Id",
    "X-Amz-Sns-Topic-Arn", "Sentry-Hook-Resource", "Idempotency-Key", "X-Request-Id",
    "X-Forwarded-For",
)  # fmt: skip


@dataclass
class AlertResult:
    key: str
    dedup_key: str | None
    event: str
    outcome: str
    incident: str | None = None


@dataclass
class ProcessResult:
    delivery: AlertDelivery
    alerts: list[AlertResult] = field(default_factory=list)


@transaction.atomic
def alert_delivery_store(
    *, source: AlertSource, raw: bytes, content_type: str = "", headers: dict | None = None,
    state: str = DeliveryState.RECEIVED, error_code: str = "", error: str = "",
) -> AlertDelivery:  # fmt: skip
    """Keep what arrived, before anything reads it (committed when this returns)."""
    return AlertDelivery.objects.create(
        source=source,
        received_at=clock.now(),
        raw=raw,
        content_type=content_type[:100],
        headers=headers or {},
        state=state,
        error_code=error_code,
        error=error,
    )


def alert_delivery_reject(*, delivery: AlertDelivery, code: str, message: str) -> AlertDelivery:
    AlertDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.REJECTED, error_code=code, error=message, processed_at=clock.now()
    )
    delivery.refresh_from_db()
    return delivery


def alert_delivery_process(*, delivery_id: int, source: AlertSource | None = None) -> ProcessResult:
    """Process a stored delivery; a delivery already processed is left as it is. ``source``:
    the delivery's, when the caller has it (spares a query)."""
    try:
        with transaction.atomic():
            return _process(delivery_id, source)
    except ParseError as error:
        delivery = AlertDelivery.objects.get(pk=delivery_id)
        return ProcessResult(
            alert_delivery_reject(delivery=delivery, code=error.code, message=error.message)
        )


def alert_delivery_fail(*, delivery_id: int, error: str) -> None:
    AlertDelivery.objects.filter(pk=delivery_id, state=DeliveryState.RECEIVED).update(
        state=DeliveryState.FAILED, error_code="processing_failed", error=error[:2000]
    )


def alert_delivery_requeue(*, delivery_id: int) -> bool:
    """A failed delivery goes back to be processed again (admin action)."""
    return bool(
        AlertDelivery.objects.filter(pk=delivery_id, state=DeliveryState.FAILED).update(
            state=DeliveryState.RECEIVED, error_code="", error=""
        )
    )


def _process(delivery_id: int, source: AlertSource | None) -> ProcessResult:
    if source is None:
        delivery = AlertDelivery.objects.select_related("source").get(pk=delivery_id)
        source = delivery.source
    else:
        delivery = AlertDelivery.objects.get(pk=delivery_id, source=source)
        delivery.source = source
    if delivery.state != DeliveryState.RECEIVED:
        return ProcessResult(delivery)
    parsed = parse_alerts(bytes(delivery.raw), source.kind, mapping=source.mapping)
    now = clock.now()
    given_id = (delivery.headers or {}).get("Idempotency-Key") or ""
    delivery_ids = {a.delivery_id for a in parsed if a.delivery_id} or (
        {given_id} if given_id else set()
    )
    result = ProcessResult(delivery)
    if delivery_ids:
        try:
            with transaction.atomic():
                for value in sorted(delivery_ids):
                    AlertDeliveryKey.objects.create(
                        source=source, value=value[:255], delivery=delivery
                    )
        except IntegrityError:
            # The same notification again (an SNS re-delivery, a sender's retry): kept, not applied.
            _finish(delivery, DeliveryState.DUPLICATE, now, len(parsed), delivery_ids)
            return result
    for alert in parsed:
        result.alerts.append(_apply(source, alert, delivery, now))
    _finish(delivery, DeliveryState.PROCESSED, now, len(parsed), delivery_ids)
    return result


def _finish(delivery: AlertDelivery, state: str, now: datetime, count: int, ids: set[str]) -> None:
    values = {
        "state": state, "processed_at": now, "alert_count": count,
        "delivery_id": (sorted(ids)[0] if ids else "")[:255],
    }  # fmt: skip
    AlertDelivery.objects.filter(pk=delivery.pk).update(**values)
    for name, value in values.items():
        setattr(delivery, name, value)


def _current(source: AlertSource, key_hash: str) -> Alert | None:
    """The key's current episode, locked, with its incident's number and state (the incident
    itself is read only where a change needs it)."""
    alert = (
        Alert.objects.select_for_update(of=("self",))
        .annotate(ticket_state=F("ticket__state"), ticket_number=F("ticket__number"))
        .filter(source=source, key_hash=key_hash, is_current=True)
        .first()
    )
    if alert is not None:
        alert.source = source
    return alert


def _incident_over(alert: Alert) -> bool:
    if alert.ticket_id is None:
        return False
    if "ticket" in alert._state.fields_cache:
        return alert.ticket.state in OVER_STATES
    return alert.ticket_state in OVER_STATES


def _number(alert: Alert | None) -> str | None:
    if alert is None or alert.ticket_id is None:
        return None
    if "ticket" in alert._state.fields_cache:
        return alert.ticket.number
    return getattr(alert, "ticket_number", None) or alert.ticket.number


def _apply(
    source: AlertSource, parsed: ParsedAlert, delivery: AlertDelivery, now: datetime
) -> AlertResult:
    key = parsed.key or ""
    key_hash = Alert.hash_key(key)
    current = _current(source, key_hash)
    if current is not None and current.is_flapping:
        _settle_if_quiet(current, now)
    if parsed.event == AlertEvent.TRIGGER:
        alert, outcome = _trigger(source, parsed, current, key, key_hash, now)
    elif parsed.event == AlertEvent.RESOLVE:
        alert, outcome = _resolve(source, parsed, current, now)
    elif parsed.event == AlertEvent.ACKNOWLEDGE:
        alert, outcome = _acknowledge(parsed, current, now)
    else:
        alert, outcome = current, Outcome.IGNORED
        if current is not None:
            Alert.objects.filter(pk=current.pk).update(
                last_seen=now, notifications=current.notifications + 1
            )
    ticket_id = alert.ticket_id if alert is not None else None
    AlertNotification.objects.create(
        alert=alert, delivery=delivery, key=key, event=parsed.event, outcome=outcome,
        ticket_id=ticket_id, created_at=now,
    )  # fmt: skip
    return AlertResult(key, parsed.dedup_key, parsed.event, outcome, _number(alert))


# --- trigger -----------------------------------------------------------------------------


def _refresh_fields(alert: Alert, parsed: ParsedAlert) -> None:
    """What a newer notification says wins; what it leaves out (a PagerDuty ack) is kept."""
    if parsed.title:
        alert.title = parsed.title[:255]
    for name in ("severity", "host", "service"):
        value = getattr(parsed, name)
        if value:
            setattr(alert, name, value[:255] if name != "severity" else value[:64])
    if parsed.description:
        alert.description = parsed.description
    if parsed.labels:
        alert.labels = parsed.labels
    if parsed.links:
        alert.links = parsed.links
    if parsed.members:
        members = dict(alert.members)
        for member in parsed.members:
            members[member.key] = {"status": member.status, "host": member.host}
        alert.members = members
    alert.alert_count = max(parsed.alert_count, 1)


def _note_change(alert: Alert, source: AlertSource, now: datetime) -> None:
    """Count a firing/resolved change; enough of them in the window make the alert flap."""
    if not source.flap_threshold:
        return
    since = now - timedelta(seconds=source.flap_window)
    recent = [t for t in alert.changes if datetime.fromisoformat(t) >= since]
    alert.changes = [*recent, now.isoformat()]
    if len(alert.changes) >= source.flap_threshold and not alert.is_flapping:
        alert.is_flapping = True
        if alert.ticket_id:
            ticket_system_note(
                ticket=alert.ticket, kind=EventKind.UPDATED, is_internal=True,
                message=f"Alert '{alert.title}' is flapping ({len(alert.changes)} changes "
                f"within {source.flap_window} s): the incident is neither resolved nor "
                "re-opened by it until it settles.",
            )  # fmt: skip


def _trigger(source, parsed, current, key, key_hash, now) -> tuple[Alert, str]:
    if current is not None:
        if not _incident_over(current):
            return _repeat(source, parsed, current, now), Outcome.REPEAT
        if current.state == AlertState.RESOLVED:
            _note_change(current, source, now)
        if current.is_flapping:
            _refresh_fields(current, parsed)
            current.state, current.last_seen = AlertState.FIRING, now
            current.occurrences += 1
            current.notifications += 1
            current.save()
            return current, Outcome.FLAPPING
        return _refire(source, parsed, current, key, key_hash, now), Outcome.REFIRED
    return _open(source, parsed, key, key_hash, now)


def _repeat(source: AlertSource, parsed: ParsedAlert, alert: Alert, now: datetime) -> Alert:
    was = alert.state
    if was == AlertState.RESOLVED:
        _note_change(alert, source, now)
        alert.resolved_at = None
    _refresh_fields(alert, parsed)
    alert.state = AlertState.ACKNOWLEDGED if was == AlertState.ACKNOWLEDGED else AlertState.FIRING
    alert.occurrences += 1
    alert.notifications += 1
    alert.last_seen = now
    # Every repeat is counted and recorded (AlertNotification); the incident's timeline gets
    # one entry per NOTE_REPEATS_EVERY at most, so a tool re-sending each minute does not bury
    # what people wrote (admin guide).
    recovered = was == AlertState.RESOLVED
    quiet = alert.noted_at is None or now - alert.noted_at >= NOTE_REPEATS_EVERY
    if alert.ticket_id and (recovered or quiet):
        since = alert.noted_occurrences
        again = "fired again after recovering" if recovered else "fired again"
        count = (
            f"occurrence {alert.occurrences}"
            if alert.occurrences - since <= 1
            else f"occurrences {since + 1}-{alert.occurrences}"
        )
        ticket_system_note(
            ticket=alert.ticket, kind=EventKind.UPDATED, is_internal=True,
            message=f"Alert '{alert.title}' {again} ({count}).",
        )  # fmt: skip
        alert.noted_at, alert.noted_occurrences = now, alert.occurrences
    alert.save()
    return alert


def _new_alert(source, parsed, key, key_hash, now, **extra) -> Alert | None:
    """Insert the current episode of ``key``; None when a concurrent delivery did first."""
    alert = Alert(
        source=source, key=key, key_hash=key_hash, dedup_key=parsed.dedup_key or "",
        title=(parsed.title or ticket_title(source, parsed))[:255], first_seen=now, last_seen=now,
        started_at=parsed.started_at, occurrences=1, notifications=1, noted_occurrences=1,
        **extra,
    )  # fmt: skip
    _refresh_fields(alert, parsed)
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:
        return None
    return alert


def _incident(source: AlertSource, parsed: ParsedAlert) -> Ticket:
    requester = source.requester or monitoring_user()
    impact, urgency = impact_urgency(source, parsed.severity)
    service, item = configuration_items(parsed)
    return ticket_create(
        by=requester,
        requester=requester,
        title=ticket_title(source, parsed),
        description=ticket_description(source, parsed),
        kind=Kind.INCIDENT,
        channel=Channel.MONITORING,
        impact=impact,
        urgency=urgency,
        affected_service=service,
        configuration_item=item,
        assignment_group=source.assignment_group
        if source.assignment_group and source.assignment_group.is_active
        else None,
    )


def _open(source, parsed, key, key_hash, now) -> tuple[Alert, str]:
    alert = _new_alert(source, parsed, key, key_hash, now)
    if alert is None:
        # Another delivery of the same new alert got there first: this one is a repeat.
        return _repeat(source, parsed, _current(source, key_hash), now), Outcome.REPEAT
    for attach in (storm, correlate):
        joined = attach(source, alert, now)
        if joined is not None:
            return alert, joined
    alert.ticket = _incident(source, parsed)
    alert.save(update_fields=["ticket"])
    return alert, Outcome.OPENED


def _refire(source, parsed, old: Alert, key, key_hash, now) -> Alert:
    Alert.objects.filter(pk=old.pk).update(is_current=False)
    alert = _new_alert(source, parsed, key, key_hash, now, previous=old, changes=old.changes)
    if alert is None:
        return _repeat(source, parsed, _current(source, key_hash), now)
    alert.ticket = _incident(source, parsed)
    alert.save(update_fields=["ticket"])
    if old.ticket_id:
        link_add(
            source=alert.ticket, target=old.ticket, kind=LinkKind.RELATED, by=None,
            channel=Channel.MONITORING,
        )  # fmt: skip
        ticket_system_note(
            ticket=alert.ticket, kind=EventKind.UPDATED, is_internal=True,
            message=f"The alert fired again after {old.ticket.number} was "
            f"{old.ticket.get_state_display().lower()}: a new incident, related to it.",
        )  # fmt: skip
    return alert


# --- acknowledge and resolve -------------------------------------------------------------


def _acknowledge(
    parsed: ParsedAlert, current: Alert | None, now: datetime
) -> tuple[Alert | None, str]:
    if current is None or current.state == AlertState.RESOLVED:
        return current, Outcome.NOTHING_OPEN
    current.state, current.acknowledged_at, current.last_seen = AlertState.ACKNOWLEDGED, now, now
    current.notifications += 1
    _refresh_fields(current, parsed)
    current.save()
    if current.ticket_id and not _incident_over(current):
        # An event, not a state change: the desk's people own the ticket's state and its SLA
        # clocks; the tool's acknowledgement says someone there is on it (admin guide).
        ticket_system_note(
            ticket=current.ticket, kind=EventKind.UPDATED,
            message=f"Alert '{current.title}' acknowledged in {current.source.name}.",
        )  # fmt: skip
    return current, Outcome.ACKNOWLEDGED


def _resolve(
    source: AlertSource, parsed: ParsedAlert, current: Alert | None, now: datetime
) -> tuple[Alert | None, str]:
    if current is None or current.state == AlertState.RESOLVED:
        if current is not None:
            Alert.objects.filter(pk=current.pk).update(
                last_seen=now, notifications=current.notifications + 1
            )
        return current, Outcome.NOTHING_OPEN
    _note_change(current, source, now)
    _refresh_fields(current, parsed)
    current.state, current.resolved_at, current.last_seen = AlertState.RESOLVED, now, now
    current.notifications += 1
    current.save()
    if current.is_flapping:
        return current, Outcome.FLAPPING
    return current, incident_resolve_if_clear(alert=current)


def worked_by_a_person(ticket: Ticket, requester_id: int | None) -> str:
    """Why the desk leaves this incident to people ('' when nobody worked on it)."""
    public = Comment.objects.filter(ticket=ticket, is_public=True, author__isnull=False)
    if requester_id:
        public = public.exclude(author_id=requester_id)
    if public.exists():
        return "someone replied on it"
    changed = TicketEvent.objects.filter(
        ticket=ticket, kind=EventKind.UPDATED, actor__isnull=False, changes__has_key="state"
    )
    if requester_id:
        changed = changed.exclude(actor_id=requester_id)
    if changed.exists():
        return "someone changed its state"
    return ""


def incident_resolve_if_clear(*, alert: Alert) -> str:
    """Resolve the alert's incident when every alert on it has resolved (with a note), unless
    a person works on it or its source only adds notes; the outcome for the alert."""
    ticket = Ticket.objects.get(pk=alert.ticket_id) if alert.ticket_id else None
    if ticket is None or ticket.state in OVER_STATES:
        return Outcome.RESOLVED
    attached = Alert.objects.filter(ticket=ticket, is_current=True)
    firing = attached.exclude(state=AlertState.RESOLVED)
    if firing.exists():
        ticket_system_note(
            ticket=ticket, kind=EventKind.UPDATED, is_internal=True,
            message=f"Alert '{alert.title}' resolved; {firing.count()} other alert(s) on this "
            "incident still firing.",
        )  # fmt: skip
        return Outcome.RESOLVED
    if attached.filter(is_flapping=True).exists():
        return Outcome.FLAPPING
    names = ", ".join(sorted({a.source.name for a in attached.select_related("source")}))
    why = ""
    if any(a.source.note_only for a in attached.select_related("source")):
        why = f"{names} only adds notes"
    else:
        requester_id = alert.source.requester_id or monitoring_user().pk
        why = worked_by_a_person(ticket, requester_id)
    if why:
        ticket_system_note(
            ticket=ticket, kind=EventKind.UPDATED,
            message=f"Every alert on this incident has resolved ({names}). Left open: {why}.",
        )  # fmt: skip
        return Outcome.KEPT_OPEN
    ticket_system_update(
        ticket=ticket,
        changes={
            "state": State.RESOLVED,
            "resolution_code": ResolutionCode.SOLVED,
            "resolution_notes": f"Resolved automatically: every alert on it recovered ({names}).",
        },
        message=f"Every alert on this incident has resolved ({names}).",
    )
    return Outcome.AUTO_RESOLVED


# --- flapping ------------------------------------------------------------------------------


def _settle_if_quiet(alert: Alert, now: datetime) -> bool:
    """A flapping alert with no change for its window has settled: act on its last state."""
    last = max((datetime.fromisoformat(t) for t in alert.changes), default=None)
    if last is not None and now - last < timedelta(seconds=alert.source.flap_window):
        return False
    alert.is_flapping = False
    alert.changes = []
    alert.save(update_fields=["is_flapping", "changes"])
    if alert.ticket_id:
        ticket_system_note(
            ticket=alert.ticket, kind=EventKind.UPDATED, is_internal=True,
            message=f"Alert '{alert.title}' stopped flapping; it is {alert.get_state_display().lower()}.",
        )  # fmt: skip
    return True


def alerts_settle() -> int:
    """The periodic job: flapping alerts that went quiet get the outcome they held back."""
    now = clock.now()
    settled = 0
    for alert_id in Alert.objects.filter(is_flapping=True, is_current=True).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            alert = (
                Alert.objects.select_for_update(of=("self",))
                .select_related("source", "ticket")
                .get(pk=alert_id)
            )
            if not alert.is_flapping or not _settle_if_quiet(alert, now):
                continue
            settled += 1
            over = alert.ticket is not None and alert.ticket.state in OVER_STATES
            if alert.state == AlertState.RESOLVED and not over:
                incident_resolve_if_clear(alert=alert)
            elif alert.state == AlertState.FIRING and over:
                parsed = ParsedAlert(
                    tool=alert.source.kind, event=AlertEvent.TRIGGER, dedup_key=alert.dedup_key or None,
                    title=alert.title, severity=alert.severity or None, host=alert.host or None,
                    service=alert.service or None, description=alert.description,
                )  # fmt: skip
                _refire(alert.source, parsed, alert, alert.key, alert.key_hash, now)
    return settled


__all__ = [
    "alert_delivery_process",
    "alert_delivery_store",
    "alerts_settle",
    "incident_resolve_if_clear",
    "monitoring_user",
    "worked_by_a_person",
]


SOURCE_FIELDS = frozenset(
    {
        "name", "slug", "kind", "is_active", "severity_map", "default_impact", "default_urgency",
        "mapping", "correlation_window", "storm_threshold", "storm_window", "flap_threshold",
        "flap_window", "note_only", "verify_signatures", "requester", "assignment_group",
    }
)  # fmt: skip


def alert_source_problems(values: dict) -> dict[str, list[str]]:
    """What is wrong with the settings of a source (the admin form and the API share it)."""
    problems: dict[str, list[str]] = {}
    if "severity_map" in values:
        found = severity_map_problems(values["severity_map"] or {})
        if found:
            problems["severity_map"] = found
    mapping = values.get("mapping") or {}
    if not isinstance(mapping, dict):
        problems["mapping"] = ["A JSON object of field -> JSON path."]
    else:
        found = []
        for name, path in mapping.items():
            if name in PATH_FIELDS:
                problem = path_problem(path)
                if problem:
                    found.append(f"{name}: {problem}")
            elif name in ("resolve_values", "acknowledge_values"):
                if not isinstance(path, list):
                    found.append(f"{name}: a list of state values.")
            else:
                found.append(f"{name}: not a field; use {', '.join(PATH_FIELDS)}.")
        if found:
            problems["mapping"] = found
    return problems


@transaction.atomic
def alert_source_save(
    *, source: AlertSource, values: dict, new_token: bool = False
) -> tuple[AlertSource, str | None]:
    """Create or change a source; a new token (returned, readable only now) when asked or new."""
    problems = alert_source_problems(values)
    if problems:
        raise ValidationFailed(
            f"{next(iter(problems))}: {next(iter(problems.values()))[0]}", fields=problems
        )
    for name, value in values.items():
        if name in SOURCE_FIELDS:
            setattr(source, name, value)
    token = source.set_new_token() if new_token or not source.token_hash else None
    source.save()
    return source, token
