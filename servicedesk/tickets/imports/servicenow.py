"""Read a ServiceNow incident event log into dataclasses; no database is touched here.

The log (``incident_event_log.csv``, alone or in a zip) has one row per update of an incident.
``servicenow_file.open_log`` opens the file, ``parse_log`` reads its rows into ``Incident``
objects whose ``Update`` s are in ``sys_mod_count`` order (rows it cannot read are listed with
their line number, and their incidents are left out whole), and ``replay`` walks one incident
into ``Step`` s: the ticket's readable fields after each update and what changed against the
update before. ``servicenow_write`` stores the result in bulk rather than through
``ticket_create``: an import replays history, so it records what happened in the source instead
of enforcing today's transitions.

Every value is checked here, against the limits of the columns it ends up in, so that the
writer meets nothing the database could refuse: a row with a value out of range is reported
and skipped, and so is the rest of its incident. An incident missing an update would be
imported with a history that never happened, and once imported it is skipped by every later
run, so the corrected row could never be added; left out, it is imported by the run that
follows the correction. Text holding control characters is refused rather than cleaned
(PostgreSQL refuses NUL, and a name cleaned by guess could merge two people).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from functools import lru_cache
from hashlib import sha1
from typing import Any

from django.utils.text import slugify

from servicedesk.tickets.choices import (
    DEFAULT_PRIORITY_MATRIX,
    Channel,
    Impact,
    Priority,
    ResolutionCode,
    State,
)
from servicedesk.tickets.imports.servicenow_file import (
    CsvLine,
    LineSource,
    LogUnreadable,
    csv_lines,
    shown,
)

SOURCE = "servicenow"
MISSING = "?"
UNKNOWN_STATE = "-100"
# ServiceNow allows an incident without a caller; a ticket needs a requester.
UNKNOWN_CALLER = "Unknown caller"
TIME_PATTERN = re.compile(
    r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4}) ([0-9]{1,2}):([0-9]{2})"
)  # 29/2/2016 01:16
NAME_MAX = 200
REF_MAX = 64
FIELD_MAX = 10_000  # characters; the real log's longest field has 23
# Our numbers and the API's routes take INC and at most 17 digits; ten leave room for the
# sequence to count on after the highest imported serial.
INCIDENT_NUMBER = re.compile(r"INC([0-9]{1,10})")
COUNT_MAX = 1_000_000
YEARS = range(1900, 3000)  # far inside what datetime and the databases can store in UTC
# Line breaks and other C0/C1 controls. str.isprintable() finds these first, fast; it also
# fails on no-break spaces and the like, which names may hold.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

COLUMNS = (
    "number", "incident_state", "active", "reassignment_count", "reopen_count", "sys_mod_count",
    "made_sla", "caller_id", "opened_by", "opened_at", "sys_created_by", "sys_created_at",
    "sys_updated_by", "sys_updated_at", "contact_type", "location", "category", "subcategory",
    "u_symptom", "cmdb_ci", "impact", "urgency", "priority", "assignment_group", "assigned_to",
    "knowledge", "u_priority_confirmation", "notify", "problem_id", "rfc", "vendor", "caused_by",
    "closed_code", "resolved_by", "resolved_at", "closed_at",
)  # fmt: skip

STATES = {
    "New": State.NEW,
    "Active": State.IN_PROGRESS,
    "Awaiting User Info": State.AWAITING_USER,
    "Awaiting Evidence": State.AWAITING_USER,
    "Awaiting Vendor": State.AWAITING_VENDOR,
    "Awaiting Problem": State.AWAITING_CHANGE,
    "Resolved": State.RESOLVED,
    "Closed": State.CLOSED,
}

# contact_type -> how the ticket came in. The corpus holds only Phone and Email; the rest are
# ServiceNow's other stock values. Walk-in goes to phone because in both an agent logs the ticket
# for the caller; Virtual Agent is ServiceNow's chatbot. A value we do not know is kept in
# custom_fields and the ticket is marked as arrived by import, since its real channel is unknown.
CHANNELS = {
    "phone": Channel.PHONE,
    "ivr": Channel.PHONE,
    "walk-in": Channel.PHONE,
    "email": Channel.EMAIL,
    "self service": Channel.PORTAL,
    "self-service": Channel.PORTAL,
    "web": Channel.PORTAL,
    "chat": Channel.CHAT,
    "virtual agent": Channel.CHAT,
    "monitoring": Channel.MONITORING,
    "event": Channel.MONITORING,
    "alert": Channel.MONITORING,
    "integration": Channel.API,
}

# ServiceNow's stock close codes (old and new names). The corpus's codes are anonymised
# ("code 6"), so none of them maps; the source value is always kept in custom_fields.
RESOLUTION_CODES = {
    "solved (permanently)": ResolutionCode.SOLVED,
    "solved (work around)": ResolutionCode.WORKAROUND,
    "solved remotely (permanently)": ResolutionCode.REMOTE,
    "solved remotely (work around)": ResolutionCode.REMOTE,
    "not solved (not reproducible)": ResolutionCode.NOT_SOLVED,
    "not solved (too costly)": ResolutionCode.NOT_SOLVED_COSTLY,
    "closed/resolved by caller": ResolutionCode.CLOSED_BY_CALLER,
    "resolved by caller": ResolutionCode.CLOSED_BY_CALLER,
    "solution provided": ResolutionCode.SOLVED,
    "workaround provided": ResolutionCode.WORKAROUND,
    "resolved by change": ResolutionCode.SOLVED,
    "resolved by problem": ResolutionCode.SOLVED,
    "duplicate": ResolutionCode.DUPLICATE,
    "user error": ResolutionCode.USER_ERROR,
    "known error": ResolutionCode.KNOWN_ERROR,
}

_IMPACTS = {label: value for value, label in Impact.choices} | {str(v): v for v in Impact.values}
_PRIORITIES = {label: value for value, label in Priority.choices} | {
    str(v): v for v in Priority.values
}
_BOOLEANS = {"true": True, "false": False}


class RowUnreadable(ValueError):
    """One row cannot be read; the reason says which column and why."""


# Not frozen: a frozen dataclass's __init__ sets each of these 37 fields the slow way, and
# the real log has 120,000 rows.
@dataclass(slots=True)
class Update:
    """One row of the log: an incident as it was after one update."""

    line: int
    number: str
    state: str | None  # None: the source says -100 (unknown)
    active: bool | None
    reassignment_count: int
    reopen_count: int
    mod_count: int
    made_sla: bool | None
    caller: str | None
    opened_by: str | None
    opened_at: datetime
    created_by: str | None
    created_at: datetime | None
    updated_by: str | None
    updated_at: datetime
    contact_type: str | None
    location: str | None
    category: str | None
    subcategory: str | None
    symptom: str | None
    ci: str | None
    impact: int
    urgency: int
    priority: int
    group: str | None
    assignee: str | None
    knowledge: bool | None
    priority_confirmation: bool | None
    notify: str | None
    problem: str | None
    rfc: str | None
    vendor: str | None
    caused_by: str | None
    closed_code: str | None
    resolved_by: str | None
    resolved_at: datetime | None
    closed_at: datetime | None

    @property
    def requester(self) -> str:
        return self.caller or UNKNOWN_CALLER


@dataclass(slots=True)
class Incident:
    number: str
    updates: list[Update]  # in sys_mod_count order, ties in file order


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    reason: str
    number: str | None = None  # the incident the row names, None when that cannot be read


@dataclass(slots=True)
class ParsedLog:
    incidents: list[Incident]  # only incidents all of whose rows were read
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0  # data rows read, readable or not
    left_out: list[str] = field(default_factory=list)  # incidents with an unreadable row
    left_out_rows: int = 0  # readable rows of the left-out incidents

    @property
    def readable_rows(self) -> int:
        return self.rows - len(self.problems)


@dataclass(slots=True)
class Step:
    """The ticket after one update: its state, readable fields, and what changed."""

    update: Update
    state: str
    fields: dict[str, Any]
    changes: dict[str, list[Any]]
    message: str


# ---- reading the file ------------------------------------------------------------------------


def parse_log(stream: LineSource, *, tz: tzinfo) -> ParsedLog:
    """Read every row; unreadable rows are listed, not fatal. Local times are read in ``tz``.

    An incident any of whose rows cannot be read is left out whole (``left_out``). A row whose
    incident number cannot be read leaves out the incidents of the rows just before and after
    it: the log lists each incident's rows together, so its own is one of them.

    Raises LogUnreadable when the file as a whole cannot be read: no header, a header without
    the log's columns or naming one twice, a damaged zip member.
    """
    lines = csv_lines(stream)
    header = _header(lines)
    log = ParsedLog(incidents=[])
    by_number: dict[str, list[Update]] = {}
    left_out: set[str] = set()
    previous: str | None = None  # the incident of the last row whose number was read
    waiting = False  # a row without a number waits for the next row's incident
    for line, values, reason, lead in lines:
        log.rows += 1
        read = _read_line(header, line, values, reason, lead, tz)
        if isinstance(read, Update):
            by_number.setdefault(read.number, []).append(read)
        else:
            log.problems.append(read)
            if read.number is not None:
                left_out.add(read.number)
        number = read.number
        if number is None:
            if previous is not None:
                left_out.add(previous)
            waiting = True
        else:
            if waiting:
                left_out.add(number)
                waiting = False
            previous = number
    log.left_out = sorted(left_out, key=lambda ref: (len(ref), ref))
    log.left_out_rows = sum(len(by_number.pop(number, ())) for number in log.left_out)
    log.incidents = [
        Incident(number, sorted(updates, key=lambda u: (u.mod_count, u.line)))
        for number, updates in by_number.items()
    ]
    return log


def _read_line(
    header: list[str],
    line: int,
    values: list[str] | None,
    reason: str | None,
    lead: str | None,
    tz: tzinfo,
) -> Update | RowProblem:
    """One line of ``csv_lines`` as an update, or as the problem naming the incident it spoils."""
    if values is None:
        return RowProblem(line, reason or "unreadable", _number_in(lead))
    if len(values) != len(header):
        reason = f"{len(values)} columns where the header has {len(header)}"
        return RowProblem(line, reason, _number_in(values[0]))
    row = dict(zip(header, values, strict=True))
    try:
        if max(map(len, values)) > FIELD_MAX:
            _refuse_long_field(row)
        return parse_row(row, line=line, tz=tz)
    except RowUnreadable as exc:
        return RowProblem(line, str(exc), _number_in(row["number"]))


def _number_in(value: str | None) -> str | None:
    """The incident number a field holds, or None when it holds none of ours."""
    if value is None:
        return None
    value = value.strip()
    return value if INCIDENT_NUMBER.fullmatch(value) else None


def _header(lines: Iterator[CsvLine]) -> list[str]:
    first = next(lines, None)
    if first is None:
        raise LogUnreadable("the file is empty")
    line, values, reason, _ = first
    if values is None:
        raise LogUnreadable(f"line {line}, the header: {reason}")
    header = [name.strip() for name in values]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        shown_missing = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        raise LogUnreadable(
            f"not a ServiceNow incident event log: missing column(s) {shown_missing}"
        )
    # With a column twice, a row's value would silently come from the last of them.
    twice = [name for name in COLUMNS if header.count(name) > 1]
    if twice:
        raise LogUnreadable(f"the header names column(s) {', '.join(twice)} more than once")
    return header


def _refuse_long_field(row: dict[str, str]) -> None:
    column, value = max(row.items(), key=lambda item: len(item[1]))
    raise RowUnreadable(f"{column} is {len(value):,} characters long, more than {FIELD_MAX:,}")


# ---- reading one row -------------------------------------------------------------------------


def parse_row(row: dict[str, str], *, line: int, tz: tzinfo) -> Update:
    """One row to an ``Update``; raises RowUnreadable naming the first bad column."""
    number = _number(row)
    source_state = row["incident_state"].strip()
    if source_state != UNKNOWN_STATE and source_state not in STATES:
        raise RowUnreadable(f"incident_state {shown(source_state)} is not a known state")
    return Update(
        line=line,
        number=number,
        state=STATES.get(source_state),
        active=_boolean(row, "active"),
        reassignment_count=_count(row, "reassignment_count"),
        reopen_count=_count(row, "reopen_count"),
        mod_count=_count(row, "sys_mod_count"),
        made_sla=_boolean(row, "made_sla"),
        caller=_text(row, "caller_id"),
        opened_by=_text(row, "opened_by"),
        opened_at=_required_time(row, "opened_at", tz),
        created_by=_text(row, "sys_created_by"),
        created_at=_time(row, "sys_created_at", tz),
        updated_by=_text(row, "sys_updated_by"),
        updated_at=_required_time(row, "sys_updated_at", tz),
        contact_type=_text(row, "contact_type"),
        location=_text(row, "location"),
        category=_text(row, "category"),
        subcategory=_text(row, "subcategory"),
        symptom=_text(row, "u_symptom"),
        ci=_text(row, "cmdb_ci"),
        impact=_level(row, "impact", _IMPACTS),
        urgency=_level(row, "urgency", _IMPACTS),
        priority=_level(row, "priority", _PRIORITIES),
        group=_text(row, "assignment_group"),
        assignee=_text(row, "assigned_to"),
        knowledge=_boolean(row, "knowledge"),
        priority_confirmation=_boolean(row, "u_priority_confirmation"),
        notify=_text(row, "notify"),
        problem=_text(row, "problem_id", REF_MAX),
        rfc=_text(row, "rfc", REF_MAX),
        vendor=_text(row, "vendor"),
        caused_by=_text(row, "caused_by", REF_MAX),
        closed_code=_text(row, "closed_code"),
        resolved_by=_text(row, "resolved_by"),
        resolved_at=_time(row, "resolved_at", tz),
        closed_at=_time(row, "closed_at", tz),
    )


def _number(row: dict[str, str]) -> str:
    value = row["number"].strip()
    if value in ("", MISSING):
        raise RowUnreadable("number is missing")
    if INCIDENT_NUMBER.fullmatch(value) is None:
        raise RowUnreadable(f"number {shown(value)} is not INC followed by 1 to 10 digits")
    return value


def _text(row: dict[str, str], column: str, limit: int = NAME_MAX) -> str | None:
    value = row[column]
    if value == MISSING:
        return None
    if not value.isprintable():
        _refuse_control(column, value)
    # Names are kept as written inside (the corpus has "Opened by  8" with two spaces).
    value = value.strip()
    if value in ("", MISSING):
        return None
    if len(value) > limit:
        raise RowUnreadable(f"{column} is longer than {limit} characters")
    return value


def _refuse_control(column: str, value: str) -> None:
    found = CONTROL.search(value)
    if found is None:
        return
    char = found.group()
    what = "a line break" if char in LINE_BREAKS else "a control character"
    raise RowUnreadable(f"{column} holds {what} (U+{ord(char):04X})")


def _count(row: dict[str, str], column: str) -> int:
    value = row[column].strip()
    # The length first: int() of thousands of digits is slow, and refused past 4,300.
    if not (len(value) <= 7 and value.isascii() and value.isdigit()) or int(value) > COUNT_MAX:
        raise RowUnreadable(
            f"{column} {shown(value)} is not a whole number from 0 to {COUNT_MAX:,}"
        )
    return int(value)


def _boolean(row: dict[str, str], column: str) -> bool | None:
    value = row[column].strip().lower()
    if value in ("", MISSING):
        return None
    if value not in _BOOLEANS:
        raise RowUnreadable(f"{column} {shown(row[column])} is not true or false")
    return _BOOLEANS[value]


def _level(row: dict[str, str], column: str, levels: dict[str, int]) -> int:
    value = row[column].strip()
    if value not in levels:
        raise RowUnreadable(f"{column} {shown(value)} is not a known {column}")
    return levels[value]


def _time(row: dict[str, str], column: str, tz: tzinfo) -> datetime | None:
    value = row[column].strip()
    if value in ("", MISSING):
        return None
    moment = _local_time(value, tz)
    if moment is None:
        raise RowUnreadable(f"{column} {shown(value)} is not a day/month/year hours:minutes time")
    if moment.year not in YEARS:
        raise RowUnreadable(
            f"{column} {shown(value)} is not in the years {YEARS[0]} to {YEARS[-1]}"
        )
    return moment


def _required_time(row: dict[str, str], column: str, tz: tzinfo) -> datetime:
    moment = _time(row, column, tz)
    if moment is None:
        raise RowUnreadable(f"{column} is missing")
    return moment


@lru_cache(maxsize=131072)
def _local_time(value: str, tz: tzinfo) -> datetime | None:
    # The log's times carry no zone: they are wall-clock times of the desk. A time that falls
    # in a DST gap or overlap takes the earlier offset (fold=0), as zoneinfo does.
    # A regular expression instead of strptime: a third of the whole parse went to strptime.
    match = TIME_PATTERN.fullmatch(value)
    if match is None:
        return None
    day, month, year, hour, minute = map(int, match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:  # 31/2, 25:00 ...
        return None


# ---- what an update means for the ticket -----------------------------------------------------


def channel_for(contact_type: str | None) -> str:
    return CHANNELS.get((contact_type or "").lower(), Channel.IMPORT)


def resolution_code_for(closed_code: str | None) -> str:
    return RESOLUTION_CODES.get((closed_code or "").lower(), "")


def subcategory_label(update: Update) -> str | None:
    """A subcategory as the services write it: ``Category > Subcategory``."""
    if update.subcategory is None:
        return None
    if update.category is None:
        return update.subcategory
    return f"{update.category} > {update.subcategory}"


def title_for(update: Update) -> str:
    # The log has no short description; symptom and category are what tells incidents apart.
    topic = " / ".join(part for part in (update.category, update.subcategory) if part)
    if update.symptom and topic:
        return f"{update.symptom} ({topic})"[:255]
    return (update.symptom or topic or f"ServiceNow incident {update.number}")[:255]


def priority_override_reason(update: Update) -> str:
    if DEFAULT_PRIORITY_MATRIX.get((update.impact, update.urgency)) == update.priority:
        return ""
    return "Priority as recorded in ServiceNow."


def incident_serial(number: str) -> int | None:
    """The serial of an ``INC0000045`` style number (at most ten digits), or None."""
    match = INCIDENT_NUMBER.fullmatch(number)
    return int(match.group(1)) if match else None


def username_for(name: str) -> str:
    """A sign-in name derived from a name as written: ``Opened by  8`` -> ``opened-by-8``."""
    slug = slugify(name)[:150]
    return slug or f"servicenow-{sha1(name.encode()).hexdigest()[:12]}"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


# How the desk labels the values the import keeps in custom_fields (admins may rename them).
CUSTOM_FIELD_LABELS: dict[str, tuple[str, str]] = {
    "source": ("Imported from", "text"),
    "symptom": ("Symptom", "text"),
    "location": ("Location", "text"),
    "vendor": ("Vendor", "text"),
    "caused_by": ("Caused by (source)", "text"),
    "notify": ("Notify (source)", "text"),
    "priority_confirmation": ("Priority confirmed (source)", "boolean"),
    "closed_code": ("Close code (source)", "text"),
    "contact_type": ("Contact type (source)", "text"),
    "active": ("Active (source)", "boolean"),
    "sys_created_by": ("Created by (source)", "text"),
    "sys_created_at": ("Created at (source)", "text"),
    "subcategory": ("Subcategory (source)", "text"),
}


def custom_fields(update: Update) -> dict[str, Any]:
    """What the ticket has no column for, plus the source's own values of mapped fields."""
    values = {
        "source": SOURCE,
        "symptom": update.symptom,
        "location": update.location,
        "vendor": update.vendor,
        "caused_by": update.caused_by,
        "notify": update.notify,
        "priority_confirmation": update.priority_confirmation,
        "closed_code": update.closed_code,
        "contact_type": update.contact_type,
        "active": update.active,
        "sys_created_by": update.created_by,
        "sys_created_at": _iso(update.created_at),
    }
    if update.subcategory and not update.category:
        values["subcategory"] = update.subcategory  # no category to hang it under
    return {key: value for key, value in values.items() if value is not None}


def readable_fields(update: Update, state: str) -> dict[str, Any]:
    """The mapped fields after ``update``, written as the services write them in events."""
    resolution_code = resolution_code_for(update.closed_code)
    return {
        "state": state,
        "channel": channel_for(update.contact_type),
        "requester": update.requester,
        "reported_by": update.opened_by,
        "category": update.category,
        "subcategory": subcategory_label(update),
        "configuration_item": update.ci,
        "impact": update.impact,
        "urgency": update.urgency,
        "priority": update.priority,
        "assignment_group": update.group,
        "assignee": update.assignee,
        "reassignment_count": update.reassignment_count,
        "reopen_count": update.reopen_count,
        "knowledge": update.knowledge,
        "made_sla": update.made_sla,
        "problem_ref": update.problem,
        "change_ref": update.rfc,
        "resolved_by": update.resolved_by,
        "resolution_code": resolution_code or None,
        "resolved_at": _iso(update.resolved_at),
        "closed_at": _iso(update.closed_at),
        "symptom": update.symptom,
        "location": update.location,
        "vendor": update.vendor,
        "caused_by": update.caused_by,
        "notify": update.notify,
        "priority_confirmation": update.priority_confirmation,
        "closed_code": update.closed_code,
    }


def replay(incident: Incident) -> list[Step]:
    """Each update against the one before; the first lists every field it sets."""
    steps: list[Step] = []
    before: dict[str, Any] | None = None
    state: str = State.NEW
    for update in incident.updates:
        message = f"ServiceNow update {update.mod_count}"
        if update.state is None:
            message += f"; the source state is {UNKNOWN_STATE} (unknown), kept {state}"
        else:
            state = update.state
        after = readable_fields(update, state)
        if before is None:
            changes = {k: [None, v] for k, v in after.items() if v is not None and v != ""}
        else:
            changes = {k: [before[k], v] for k, v in after.items() if before[k] != v}
        steps.append(Step(update, state, after, changes, message))
        before = after
    return steps
