"""``report_query_parse``: the one reading of a report's parameters, for the CLI, the REST API
and the desk. Every mistake is a ``ReportError`` whose message names the parameter."""

import re
from collections.abc import Mapping
from datetime import date

from servicedesk.reports.fields import FIELDS, field_named
from servicedesk.reports.registry import report_info
from servicedesk.reports.types import INTERVALS, ReportError, ReportQuery

# The parameters that are not filters; every other key of a mapping is a filter field.
OWN_PARAMS = ("name", "from", "to", "by", "interval", "format", "filter")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# The days a range may name. Year 1 or 9999 overflowed when the day became an instant (the
# zone's offset, or "to" plus one day): a 500. No desk holds tickets outside these.
DATE_MIN, DATE_MAX = date(1900, 1, 1), date(2999, 12, 31)


def date_in_range(day: date, *, param: str) -> date:
    """``day`` if a report or the event log can use it, else ReportError."""
    if not DATE_MIN <= day <= DATE_MAX:
        raise ReportError(f"{param} must be a day from {DATE_MIN} to {DATE_MAX}, not {day}.")
    return day


def _date(value: str | None, *, param: str) -> date | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ReportError(f"{param} must be a date as YYYY-MM-DD, not {value!r}.") from None
    return date_in_range(day, param=param)


def parse_filter(text: str) -> tuple[str, str]:
    """``k=v`` as the CLI's ``--filter`` gives it."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ReportError(f"A filter is FIELD=VALUE, such as priority=1, not {text!r}.")
    return key.strip(), value


def report_query_parse(params: Mapping[str, str], *, name: str | None = None) -> ReportQuery:
    """A ``ReportQuery`` from text parameters: ``name`` (or the keyword), ``from``, ``to``,
    ``by``, ``interval``, and any field of ``FIELDS`` as a filter (``priority=1``). Raises
    ``ReportError`` for an unknown report, field, interval or value and for a bad date."""
    name = (name if name is not None else params.get("name") or "").strip()
    info = report_info(name)
    date_from = _date(params.get("from"), param="from")
    date_to = _date(params.get("to"), param="to")
    if date_from and date_to and date_from > date_to:
        raise ReportError(f"from ({date_from}) is after to ({date_to}).")
    by = (params.get("by") or "").strip() or None
    if by is not None:
        field_named(by)
        if by not in info.by:
            allowed = ", ".join(info.by) or "no field"
            raise ReportError(f"The {name} report cannot be cut by {by!r}: use {allowed}.")
    interval = (params.get("interval") or "").strip() or "month"
    if interval not in INTERVALS:
        raise ReportError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}.")
    filters: dict[str, str] = {}
    for key, value in params.items():
        if key in OWN_PARAMS or key in ("page", "cursor"):
            continue
        if key not in FIELDS:
            raise ReportError(
                f"Unknown parameter {key!r}: use from, to, by, interval or a field "
                f"({', '.join(FIELDS)})."
            )
        if str(value).strip():
            FIELDS[key].parse(str(value))
            filters[key] = str(value).strip()
    return ReportQuery(
        name=name, date_from=date_from, date_to=date_to, by=by, interval=interval, filters=filters
    )
