"""``servicedesk sla-calc``: one JSON line out, or one line on stderr and exit status 2."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicedesk import cli
from servicedesk.sla.tests.calendars import weekdays

BERLIN = {"timezone": "Europe/Berlin", "hours": {**weekdays(("09:00", "17:00")), "sat": []}}
FIRST_CASE = ["--start", "2026-03-27T16:30+01:00", "--target", "8h"]
FIRST_ANSWER = '{"due": "2026-03-30T14:30:00Z", "due_local": "2026-03-30T16:30:00+02:00"}'


@pytest.fixture
def cal_file(tmp_path):
    def write(data: object) -> str:
        path = tmp_path / "CAL.json"
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        return str(path)

    return write


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The command as the shell runs it, in this process: status, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["servicedesk", "sla-calc", *args])
    status = 0
    try:
        cli.main()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def test_the_due_time_is_one_json_line(monkeypatch, capsys, cal_file):
    status, out, err = run(monkeypatch, capsys, "--calendar", cal_file(BERLIN), *FIRST_CASE)
    assert (status, out, err) == (0, FIRST_ANSWER + "\n", "")


def test_a_start_without_offset_is_read_in_the_calendars_zone(monkeypatch, capsys, cal_file):
    args = ["--calendar", cal_file(BERLIN), "--start", "2026-03-27T16:30", "--target", "PT8H"]
    assert run(monkeypatch, capsys, *args)[1] == FIRST_ANSWER + "\n"


def test_pauses_move_the_due_time(monkeypatch, capsys, cal_file):
    args = [
        "--calendar", cal_file(BERLIN), "--start", "2026-06-01T09:00+02:00", "--target", "8h",
        "--pause", "2026-06-01T10:00/2026-06-01T12:00",
    ]  # fmt: skip
    answer = json.loads(run(monkeypatch, capsys, *args)[1])
    assert answer == {"due": "2026-06-02T09:00:00Z", "due_local": "2026-06-02T11:00:00+02:00"}


def test_an_open_pause_leaves_no_due_time(monkeypatch, capsys, cal_file):
    args = ["--calendar", cal_file(BERLIN), *FIRST_CASE, "--pause", "2026-03-27T16:40+01:00/"]
    assert json.loads(run(monkeypatch, capsys, *args)[1]) == {"due": None, "due_local": None}


@pytest.mark.parametrize(
    ("until", "seconds"),
    [("2026-03-30T15:30+02:00", 25200), ("2026-03-30T09:00:00.5+02:00", 1800.5)],
)
def test_until_prints_the_elapsed_seconds(monkeypatch, capsys, cal_file, until, seconds):
    args = ["--calendar", cal_file(BERLIN), "--start", "2026-03-27T16:30+01:00", "--until", until]
    status, out, _ = run(monkeypatch, capsys, *args)
    assert status == 0
    assert out == json.dumps({"elapsed_seconds": seconds}) + "\n"
    assert type(json.loads(out)["elapsed_seconds"]) is type(seconds)


GOOD_START = ["--start", "2026-03-27T16:30+01:00"]


@pytest.mark.parametrize(
    ("calendar", "args", "says"),
    [
        ({**BERLIN, "timezone": "Europe/Atlantis"}, [*GOOD_START, "--target", "1h"], "time zone"),
        ({"timezone": "UTC", "hours": {}}, [*GOOD_START, "--target", "1h"], "no working time"),
        ('{"timezone": "UTC",', [*GOOD_START, "--target", "1h"], "is not JSON"),
        ("[1, 2]", [*GOOD_START, "--target", "1h"], "JSON object"),
        (BERLIN, [*GOOD_START, "--target=-1h"], "negative"),
        (BERLIN, [*GOOD_START, "--target", "-1h"], "--target"),
        (BERLIN, [*GOOD_START, "--target", "soon"], "cannot read duration"),
        (BERLIN, [*GOOD_START, "--target", "1d"], "days"),
        (BERLIN, ["--start", "last friday", "--target", "1h"], "--start"),
        (BERLIN, ["--start", "0001-01-01T00:00+05:00", "--target", "1h"], "outside the years"),
        (BERLIN, [*GOOD_START, "--until", "2026-03-27T16:00+01:00"], "before start"),
        (BERLIN, [*GOOD_START, "--target", "1h", "--until", "2026-03-28T00:00"], "not allowed"),
        (BERLIN, GOOD_START, "--target --until"),
        (BERLIN, ["--target", "1h"], "--start"),
        (
            BERLIN,
            [*GOOD_START, "--target", "1h", "--pause", "2026-03-30T10:00/2026-03-30T09:00"],
            "before it starts",
        ),
        (BERLIN, [*GOOD_START, "--target", "1h", "--pause", "2026-03-30T10:00"], "START/END"),
        (BERLIN, ["--start", "9999-12-31T12:00", "--target", "100h"], "years"),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_status_2(
    monkeypatch, capsys, cal_file, calendar, args, says
):
    status, out, err = run(monkeypatch, capsys, "--calendar", cal_file(calendar), *args)
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n")
    assert says in err
    assert "Traceback" not in err


@pytest.mark.parametrize("name", ["missing.json", "."])
def test_a_calendar_file_it_cannot_read_is_status_2(monkeypatch, capsys, tmp_path, name):
    path = str(tmp_path / name)
    status, out, err = run(monkeypatch, capsys, "--calendar", path, *FIRST_CASE)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and "cannot read calendar" in err


def test_the_installed_command(cal_file):
    servicedesk = Path(sys.executable).parent / "servicedesk"
    good = subprocess.run(
        [servicedesk, "sla-calc", "--calendar", cal_file(BERLIN), *FIRST_CASE],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (good.returncode, good.stdout, good.stderr) == (0, FIRST_ANSWER + "\n", "")
    bad = subprocess.run(
        [servicedesk, "sla-calc", "--calendar", cal_file("{"), *FIRST_CASE],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr.count("\n") == 1 and "is not JSON" in bad.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
        (" " * (1024 * 1024 + 1), "over 1024 KiB"),  # what an endless file like /dev/zero gives
        (  # fifty one-minute intervals on a Monday
            json.dumps(
                {
                    "timezone": "UTC",
                    "hours": {
                        "mon": [
                            [f"{m // 60:02d}:{m % 60:02d}", f"{m // 60:02d}:{m % 60 + 1:02d}"]
                            for m in range(0, 100, 2)
                        ]
                    },
                }
            ),  # fmt: skip
            "at most 48",
        ),
    ],
)
def test_a_hostile_calendar_file_is_refused_in_one_line(
    monkeypatch, capsys, tmp_path, content, message
):
    path = tmp_path / "hostile.json"
    path.write_text(content)
    status, out, err = run(monkeypatch, capsys, "--calendar", str(path), *FIRST_CASE)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and message in err
