"""The event log for process mining: every TicketEvent as case / activity / timestamp / resource.

Two formats, both streamed row by row from a database cursor so that a million events never sit
in memory: CSV (one event per line, the columns process-mining tools ask for first, then the
case's attributes) and XES (IEEE 1849-2016, one ``<trace>`` per ticket holding its events in
time order). The case is the ticket (its number); the activity is what happened, named from the
event: "Created", the state it moved to ("In progress", "Resolved"), "Reassigned" (another
group), "Assigned" (another agent), or the kind of event ("Commented", "SLA warning", ...); the
resource is who did it ("System" when nobody did).

The filters choose cases: tickets the user may see, created within the date range (the desk's
days, both ends included), of the kinds, priorities, channels, category, group and organisation
asked for, assigned to the agent asked for; every event of a chosen case is exported, so each trace is whole.
"""

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from xml.sax.saxutils import quoteattr

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from servicedesk.accounts.models import User
from servicedesk.reports.exports import csv_safe
from servicedesk.reports.fields import FIELDS
from servicedesk.reports.query import date_in_range
from servicedesk.reports.types import ReportError
from servicedesk.tickets.choices import EventKind, Priority, State
from servicedesk.tickets.models import Ticket, TicketEvent
from servicedesk.tickets.selectors import visible_tickets

FORMATS = {"csv": "text/csv; charset=utf-8", "xes": "application/xml; charset=utf-8"}
CHUNK = 2000
CSV_COLUMNS = (
    "case",
    "activity",
    "timestamp",
    "resource",
    "event_kind",
    "event_channel",
    "ticket_kind",
    "priority",
    "category",
    "group",
    "organisation",
)
SYSTEM = "System"
_STATE_LABELS = {s.value: s.label for s in State}
_KIND_LABELS = {k.value: k.label for k in EventKind}
_PRIORITY_LABELS = {p.value: p.label for p in Priority}
# Characters XML 1.0 forbids outright; a stray control character in a name must not make the
# whole file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class EventLogError(ValueError):
    """A filter that cannot be read: its message says which and why."""


@dataclass(frozen=True)
class EventLogQuery:
    date_from: date | None = None
    date_to: date | None = None
    kinds: tuple[str, ...] = ()
    priorities: tuple[int, ...] = ()
    channels: tuple[str, ...] = ()
    category: int | None = None
    group: int | None = None
    agent: int | None = None
    organisation: int | None = None


def _date(text: str, name: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise EventLogError(f"{name}: {text!r} is not a date (YYYY-MM-DD).") from None
    try:
        return date_in_range(day, param=name)
    except ReportError as error:
        raise EventLogError(str(error)) from None


def _values(params: Mapping, name: str) -> list[str]:
    """Every value given for ``name``, from a QueryDict (repeated) or a dict (list or comma text)."""
    raw = params.getlist(name) if hasattr(params, "getlist") else params.get(name) or []
    if isinstance(raw, str):
        raw = [raw]
    return [part.strip() for value in raw for part in str(value).split(",") if part.strip()]


# Filters on a choice field take several values; on a record (an id or its name), one.
MULTIPLE = ("kind", "priority", "channel")
SINGLE = ("category", "group", "agent", "organisation")
PARAMS = ("from", "to", *MULTIPLE, *SINGLE)


def _parse(name: str, text: str) -> object:
    # The reports' own reading of a field's value (a choice's value or label; a record's id
    # or name), so that the event log takes what the report pages take.
    try:
        return FIELDS[name].parse(text)
    except ReportError as error:
        raise EventLogError(str(error)) from None


def eventlog_query_parse(params: Mapping) -> EventLogQuery:
    """The filters from request or command-line parameters; EventLogError names a bad one."""
    unknown = sorted(set(params) - set(PARAMS) - {"format"})
    if unknown:
        raise EventLogError(
            f"Unknown filter {unknown[0]!r}: the event log filters by {', '.join(PARAMS)}."
        )
    first = {name: (_values(params, name) or [""])[0] for name in PARAMS}
    date_from = _date(first["from"], "from") if first["from"] else None
    date_to = _date(first["to"], "to") if first["to"] else None
    if date_from and date_to and date_to < date_from:
        raise EventLogError(f"to ({date_to}) is before from ({date_from}).")
    many = {
        name: tuple(dict.fromkeys(_parse(name, v) for v in _values(params, name)))
        for name in MULTIPLE
    }
    one = {name: _parse(name, first[name]) if first[name] else None for name in SINGLE}
    return EventLogQuery(
        date_from=date_from,
        date_to=date_to,
        kinds=many["kind"],
        priorities=many["priority"],
        channels=many["channel"],
        category=one["category"],
        group=one["group"],
        agent=one["agent"],
        organisation=one["organisation"],
    )


def _midnight(day: date) -> datetime:
    zone = timezone.get_default_timezone()
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def eventlog_cases(*, user: User | None, query: EventLogQuery) -> QuerySet[Ticket]:
    """The tickets whose events are exported: visible to ``user`` (None: every ticket, for the
    command line, which runs with the database's own rights) and matching the filters."""
    tickets = Ticket.objects.all() if user is None else visible_tickets(user)
    if query.date_from:
        tickets = tickets.filter(created_at__gte=_midnight(query.date_from))
    if query.date_to:
        tickets = tickets.filter(created_at__lt=_midnight(query.date_to + timedelta(days=1)))
    if query.kinds:
        tickets = tickets.filter(kind__in=query.kinds)
    if query.priorities:
        tickets = tickets.filter(priority__in=query.priorities)
    if query.channels:
        tickets = tickets.filter(channel__in=query.channels)
    if query.category:
        tickets = tickets.filter(category_id=query.category)
    if query.group:
        tickets = tickets.filter(assignment_group_id=query.group)
    if query.agent:
        tickets = tickets.filter(assignee_id=query.agent)
    if query.organisation:
        tickets = tickets.filter(organisation_id=query.organisation)
    return tickets


@dataclass(frozen=True)
class LogEvent:
    case: str
    activity: str
    timestamp: datetime
    resource: str
    event_kind: str
    event_channel: str
    ticket_kind: str
    priority: str
    category: str
    group: str
    organisation: str


def activity_of(kind: str, changes: object) -> str:
    """The activity an event stands for in a process model (see the module's docstring)."""
    if kind == EventKind.CREATED:
        return "Created"
    if isinstance(changes, dict):
        state = changes.get("state")
        if isinstance(state, list) and len(state) == 2 and state[1]:
            return _STATE_LABELS.get(state[1], str(state[1]))
        if "assignment_group" in changes:
            return "Reassigned"
        if "assignee" in changes:
            return "Assigned"
    if kind == EventKind.IMPORTED:
        return "Updated"
    return _KIND_LABELS.get(kind, kind)


def eventlog_events(*, user: User | None, query: EventLogQuery) -> Iterator[LogEvent]:
    """The events of the chosen cases, case by case and in time order within each, read from
    the database CHUNK rows at a time (the (ticket, time) index gives this order)."""
    cases = eventlog_cases(user=user, query=query).order_by().values("pk")
    rows = (
        TicketEvent.objects.filter(ticket_id__in=cases)
        .order_by("ticket_id", "created_at", "id")
        .values_list(
            "ticket__number",
            "kind",
            "changes",
            "created_at",
            Coalesce(NullIf(F("actor__display_name"), Value("")), F("actor__username")),
            "channel",
            "ticket__kind",
            "ticket__priority",
            "ticket__category__name",
            "ticket__assignment_group__name",
            "ticket__organisation__name",
        )
    )
    for number, kind, changes, at, actor, channel, tkind, prio, cat, group, org in rows.iterator(
        chunk_size=CHUNK
    ):
        yield LogEvent(
            case=number,
            activity=activity_of(kind, changes),
            timestamp=at,
            resource=actor or SYSTEM,
            event_kind=kind,
            event_channel=channel,
            ticket_kind=tkind,
            priority=_PRIORITY_LABELS.get(prio, str(prio)),
            category=cat or "",
            group=group or "",
            organisation=org or "",
        )


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds")


def eventlog_csv(events: Iterator[LogEvent]) -> Iterator[str]:
    """CSV text in pieces of about CHUNK lines: a header, then one line per event."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for n, event in enumerate(events, start=1):
        writer.writerow(
            [
                csv_safe(event.case),
                csv_safe(event.activity),
                _instant(event.timestamp),
                csv_safe(event.resource),
                event.event_kind,
                event.event_channel,
                event.ticket_kind,
                csv_safe(event.priority),
                csv_safe(event.category),
                csv_safe(event.group),
                csv_safe(event.organisation),
            ]
        )
        if n % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _attr(text: str) -> str:
    return quoteattr(_NOT_XML.sub("", text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _string(key: str, value: str) -> str:
    return f"<string key={_attr(key)} value={_attr(value)}/>"


XES_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1849-2016" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
<global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
<global scope="event"><string key="concept:name" value="UNKNOWN"/><date key="time:timestamp" value="1970-01-01T00:00:00.000+00:00"/><string key="org:resource" value="UNKNOWN"/></global>
<classifier name="Activity" keys="concept:name"/>
<classifier name="Activity and resource" keys="concept:name org:resource"/>
<string key="concept:name" value="servicedesk ticket events"/>
"""


def eventlog_xes(events: Iterator[LogEvent]) -> Iterator[str]:
    """XES text in pieces: a trace per case with the case's attributes, then its events."""
    yield XES_HEAD
    parts: list[str] = []
    case = None
    for event in events:
        if event.case != case:
            if case is not None:
                parts.append("</trace>\n")
            case = event.case
            parts.append(
                "<trace>"
                + _string("concept:name", event.case)
                + _string("kind", event.ticket_kind)
                + _string("priority", event.priority)
                + _string("category", event.category)
                + _string("group", event.group)
                + _string("organisation", event.organisation)
                + "\n"
            )
        parts.append(
            "<event>"
            + _string("concept:name", event.activity)
            + f'<date key="time:timestamp" value="{_instant(event.timestamp)}"/>'
            + _string("org:resource", event.resource)
            + _string("kind", event.event_kind)
            + _string("channel", event.event_channel)
            + "</event>\n"
        )
        if len(parts) >= CHUNK:
            yield "".join(parts)
            parts = []
    if case is not None:
        parts.append("</trace>\n")
    parts.append("</log>\n")
    yield "".join(parts)


def eventlog_stream(*, user: User | None, query: EventLogQuery, format: str) -> Iterator[str]:
    """The whole export in ``format`` ("csv" or "xes"), as text pieces to stream."""
    events = eventlog_events(user=user, query=query)
    if format == "csv":
        return eventlog_csv(events)
    if format == "xes":
        return eventlog_xes(events)
    raise EventLogError(f"Unknown format {format!r}: use csv or xes.")
