"""Calendars the SLA arithmetic tests share, built from the JSON shape as operators write it."""

from datetime import datetime

from servicedesk.sla.calendar import Calendar, calendar_from_dict

WORKDAYS = ("mon", "tue", "wed", "thu", "fri")


def weekdays(*intervals: tuple[str, str]) -> dict[str, list[list[str]]]:
    """The same intervals Monday to Friday."""
    return {day: [list(interval) for interval in intervals] for day in WORKDAYS}


def calendar(zone: str, *intervals: tuple[str, str], **extra) -> Calendar:
    """Mon-Fri ``intervals`` in ``zone`` (09:00-17:00 when none are given)."""
    return calendar_from_dict(
        {"timezone": zone, "hours": weekdays(*(intervals or (("09:00", "17:00"),))), **extra}
    )


def around_the_clock(zone: str, **extra) -> Calendar:
    return calendar_from_dict({"timezone": zone, "preset": "24x7", **extra})


def at(text: str) -> datetime:
    """An ISO 8601 instant; ``Z`` for UTC."""
    return datetime.fromisoformat(text)
