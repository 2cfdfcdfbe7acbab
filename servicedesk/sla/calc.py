"""The SLA arithmetic's inputs and answers as text, shared by ``servicedesk sla-calc`` and the API.

Both read instants the same way (without an offset: the calendar's local time) and answer in the
same shapes: ``{"due": "...Z", "due_local": "..."}`` and ``{"elapsed_seconds": N}``.
"""

from datetime import UTC, datetime, timedelta, tzinfo

_SECOND = timedelta(seconds=1)


def read_instant(text: str, *, zone: tzinfo) -> datetime:
    """An ISO 8601 time; without an offset it is ``zone``'s local time (the first if twice).

    ``ValueError`` with a one-line reason for text that is not one, or that UTC cannot hold.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"cannot read {text!r} as an ISO 8601 time") from None
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=zone)
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is outside the years 1 to 9999 in UTC") from None
    return moment


def due_answer(due: datetime | None, *, zone: tzinfo) -> dict[str, str | None]:
    """The due time in UTC and in the calendar's zone; both None while a pause is open."""
    if due is None:  # an open pause: no due time while the clock is stopped
        return {"due": None, "due_local": None}
    utc = due.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return {"due": utc, "due_local": due.astimezone(zone).isoformat()}


def elapsed_answer(spent: timedelta) -> dict[str, int | float]:
    """Whole seconds as an integer; a fraction only when there is one."""
    whole, rest = divmod(spent, _SECOND)
    return {"elapsed_seconds": whole if not rest else spent / _SECOND}
