"""Every case of the issue's two tables, through ``servicedesk sla-calc`` as an admin runs it:
the calendar as a CAL.json file, the times as typed, the JSON line printed."""

import json
import sys

import pytest

from servicedesk import cli
from servicedesk.sla.tests.calendars import weekdays


def cal(zone: str, *intervals: tuple[str, str], **extra) -> dict:
    return {"timezone": zone, "hours": weekdays(*(intervals or (("09:00", "17:00"),))), **extra}


BERLIN = cal("Europe/Berlin")
CHRISTMAS = cal("Europe/Berlin", holidays=["2026-12-24", "2026-12-25", "2026-12-26"])
NEW_YORK_24X7 = {"timezone": "America/New_York", "preset": "24x7"}
LUNCH = cal("Europe/Berlin", ("09:00", "12:00"), ("13:00", "17:00"))
LONG_DAYS = cal("Europe/Berlin", ("09:00", "21:00"), holidays=["2026-11-13"])
LONDON = cal("Europe/London", ("09:00", "18:00"))
EARLY = cal("Europe/Berlin", ("08:00", "17:00"))
KOLKATA = cal("Asia/Kolkata", ("09:00", "18:30"))

DUE_CASES = [
    # The first table (Mon-Fri 09:00-17:00 unless said).
    (BERLIN, "2026-03-27T16:30+01:00", "8h", [], "2026-03-30T14:30:00Z",
     "2026-03-30T16:30:00+02:00"),
    (BERLIN, "2026-03-28T10:00+01:00", "8h", [], "2026-03-30T15:00:00Z",
     "2026-03-30T17:00:00+02:00"),
    (CHRISTMAS, "2026-12-23T15:00+01:00", "4h", [], "2026-12-28T10:00:00Z",
     "2026-12-28T11:00:00+01:00"),
    (NEW_YORK_24X7, "2026-11-01T00:30-04:00", "4h", [], "2026-11-01T08:30:00Z",
     "2026-11-01T03:30:00-05:00"),
    (BERLIN, "2026-06-01T09:00+02:00", "8h", ["2026-06-01T10:00+02:00/2026-06-01T12:00+02:00"],
     "2026-06-02T09:00:00Z", "2026-06-02T11:00:00+02:00"),
    (LUNCH, "2026-06-01T11:00+02:00", "2h", [], "2026-06-01T12:00:00Z",
     "2026-06-01T14:00:00+02:00"),
    # "From bugs that other desks shipped".
    (LONG_DAYS, "2026-11-11T23:00", "48h", [], "2026-11-18T20:00:00Z",
     "2026-11-18T21:00:00+01:00"),
    (LONDON, "2026-06-06T11:00", "1h", [], "2026-06-08T09:00:00Z", "2026-06-08T10:00:00+01:00"),
    (EARLY, "2026-09-14T16:40", "60m", [], "2026-09-15T06:40:00Z", "2026-09-15T08:40:00+02:00"),
    (EARLY, "2026-09-18T16:45", "45m", [], "2026-09-21T06:30:00Z", "2026-09-21T08:30:00+02:00"),
    (EARLY, "2026-09-14T16:00", "60m", [], "2026-09-14T15:00:00Z", "2026-09-14T17:00:00+02:00"),
    (KOLKATA, "2026-02-02T10:00", "4h", [], "2026-02-02T08:30:00Z", "2026-02-02T14:00:00+05:30"),
    (KOLKATA, "2026-02-02T10:00", "16h", [], "2026-02-03T11:00:00Z",
     "2026-02-03T16:30:00+05:30"),
]  # fmt: skip

ELAPSED_CASES = [
    # At Thu 12:00 local, 3 business hours have elapsed (from Wed 23:00, opening Thu 09:00).
    (LONG_DAYS, "2026-11-11T23:00", "2026-11-12T12:00", 3 * 3600),
    # A first public reply at Mon 09:45 local is a 45-minute business response (the 46h45m on
    # the wall clock is not the SLA figure).
    (LONDON, "2026-06-06T11:00", "2026-06-08T09:45", 45 * 60),
    # The Kolkata reply at 11:00: one hour of business time, within the 4h response target.
    (KOLKATA, "2026-02-02T10:00", "2026-02-02T11:00", 3600),
    # The 48 hours of the first case are used up exactly at Wed 21:00 local, closing time.
    (LONG_DAYS, "2026-11-11T23:00", "2026-11-18T21:00", 48 * 3600),
]


def sla_calc(monkeypatch, capsys, tmp_path, calendar: dict, *args: str) -> dict:
    path = tmp_path / "CAL.json"
    path.write_text(json.dumps(calendar), encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["servicedesk", "sla-calc", "--calendar", str(path), *args])
    status = 0
    try:
        cli.main()
    except SystemExit as stop:
        status = stop.code
    out, err = capsys.readouterr()
    assert (status, err) in ((0, ""), (None, "")), err
    return json.loads(out)


@pytest.mark.parametrize(("calendar", "start", "target", "pauses", "due", "local"), DUE_CASES)
def test_due(monkeypatch, capsys, tmp_path, calendar, start, target, pauses, due, local):
    pause_args = [arg for pause in pauses for arg in ("--pause", pause)]
    answer = sla_calc(
        monkeypatch, capsys, tmp_path, calendar, "--start", start, "--target", target, *pause_args
    )
    assert answer == {"due": due, "due_local": local}


@pytest.mark.parametrize(("calendar", "start", "until", "seconds"), ELAPSED_CASES)
def test_elapsed(monkeypatch, capsys, tmp_path, calendar, start, until, seconds):
    answer = sla_calc(monkeypatch, capsys, tmp_path, calendar, "--start", start, "--until", until)
    assert answer == {"elapsed_seconds": seconds}
