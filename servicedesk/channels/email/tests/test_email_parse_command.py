"""``servicedesk email-parse``: the parse as JSON, or one line on stderr and exit status 2."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from servicedesk import cli
from servicedesk.channels.email.tests.fixtures.write_fixtures import PDF

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KEYS = [
    "from_address", "to", "cc", "subject", "date", "message_id", "in_reply_to", "references",
    "body_text", "reply_text", "has_html", "attachments", "is_auto_reply", "is_bounce",
    # beyond item 8: what the admin guide explains
    "is_list", "return_path", "delivery_status", "defects",
]  # fmt: skip


def run(monkeypatch, capsys, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    """The command as the shell runs it, in this process: status, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["servicedesk", "email-parse", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = 0
    try:
        cli.main()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def test_prints_the_fields_of_item_8_then_the_admin_guides(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, str(FIXTURES / "inline-cid.eml"))
    assert (status, err) == (0, "")
    answer = json.loads(out)
    assert list(answer) == KEYS
    assert answer == {
        "from_address": "ann@acme.example",
        "to": ["desk@servicedesk.example"],
        "cc": [],
        "subject": "Screenshot",
        "date": "2026-12-03T09:15:00+01:00",
        "message_id": "inline-cid@acme.example",
        "in_reply_to": [],
        "references": [],
        "body_text": "See the error below.\n[image: error]",
        "reply_text": "See the error below.\n[image: error]",
        "has_html": True,
        # the inline image and the HTML alternative are not attachments
        "attachments": [{"filename": "log.pdf", "content_type": "application/pdf", "size": 77}],
        "is_auto_reply": False,
        "is_bounce": False,
        "is_list": False,
        "return_path": None,
        "delivery_status": None,
        "defects": [],
    }


def test_dash_reads_standard_input(monkeypatch, capsys):
    raw = (FIXTURES / "rfc2231-filename.eml").read_bytes()
    status, out, _err = run(monkeypatch, capsys, "-", stdin=raw)
    answer = json.loads(out)
    assert status == 0
    assert answer["attachments"] == [
        {
            "filename": "Prüfbericht März 2026.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
        }
    ]


def test_a_bounce_and_its_flags(monkeypatch, capsys):
    _status, out, _err = run(monkeypatch, capsys, str(FIXTURES / "dsn.eml"))
    answer = json.loads(out)
    assert (answer["is_bounce"], answer["is_auto_reply"], answer["date"]) == (
        True,
        True,
        "2026-12-03T10:00:00+01:00",
    )
    assert answer["return_path"] == ""
    assert answer["delivery_status"] == {
        "action": "failed",
        "status": "5.1.1",
        "final_recipient": "gone@acme.example",
        "original_recipient": answer["delivery_status"]["original_recipient"],
        "diagnostic_code": "smtp; 550 5.1.1 user unknown",
        "original_message_id": "n1@servicedesk.example",
        "original_subject": "[INC0001234] We received your request",
    }


def _empty(folder: Path) -> Path:
    path = folder / "empty.eml"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing.eml", "No such file or directory"),
        (lambda folder: folder, "Is a directory"),
        (_empty, "is empty"),
    ],
)
def test_a_file_it_cannot_read_is_one_line_and_status_2(
    monkeypatch, capsys, tmp_path, make, message
):
    status, out, err = run(monkeypatch, capsys, str(make(tmp_path)))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and message in err


def test_no_file_is_one_line_and_status_2(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1 and "FILE.eml" in err


def test_the_installed_command():
    servicedesk = Path(sys.executable).parent / "servicedesk"
    good = subprocess.run(
        [servicedesk, "email-parse", str(FIXTURES / "split-utf8-subject.eml")],
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert (good.returncode, good.stderr) == (0, b"")
    assert json.loads(good.stdout)["subject"] == "Drucker im 2. Stock: Störung"
    piped = subprocess.run(
        [servicedesk, "email-parse", "-"],
        input=(FIXTURES / "only-attachment-toplevel.eml").read_bytes(),
        capture_output=True, timeout=120,
    )  # fmt: skip
    assert json.loads(piped.stdout)["body_text"] == ""
    bad = subprocess.run(
        [servicedesk, "email-parse", "/nonexistent/x.eml"], capture_output=True, timeout=120
    )
    assert (bad.returncode, bad.stdout) == (2, b"")
    assert bad.stderr.count(b"\n") == 1
