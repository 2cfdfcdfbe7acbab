"""``servicedesk alert-parse``: the normalised alert as JSON, or one line and exit status 2."""

import io
import json
import sys

from servicedesk import cli
from servicedesk.channels.alerts.tests import payloads as p


def run(monkeypatch, capsys, *args: str, stdin: bytes = b"") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["servicedesk", "alert-parse", *args])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = 0
    try:
        cli.main()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def test_prints_the_normalised_alert(monkeypatch, capsys, tmp_path):
    path = tmp_path / "am.json"
    path.write_bytes(p.body(p.ALERTMANAGER_RESOLVED_ONE))
    status, out, err = run(monkeypatch, capsys, "alertmanager", str(path))
    assert (status, err) == (0, "")
    answer = json.loads(out)
    assert list(answer)[:7] == [
        "event",
        "dedup_key",
        "title",
        "severity",
        "host",
        "service",
        "alert_count",
    ]
    assert {k: answer[k] for k in list(answer)[:7]} == {
        "event": "resolve",
        "dedup_key": p.ALERTMANAGER_RESOLVED_ONE["groupKey"],
        "title": "PostgreSQL on db-01 is down",
        "severity": "critical",
        "host": "db-01:9187",
        "service": "postgres",
        "alert_count": 1,
    }


def test_reads_stdin_and_a_generic_mapping(monkeypatch, capsys, tmp_path):
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps(p.GENERIC_MAPPING))
    status, out, _ = run(
        monkeypatch,
        capsys,
        "generic",
        "-",
        "--mapping",
        str(mapping),
        stdin=p.body(p.GENERIC_NESTED),
    )
    assert status == 0
    assert json.loads(out)["dedup_key"] == "g-77"


def test_the_corpus_file_of_the_issue(monkeypatch, capsys, corpus):
    path = corpus / "alerts/cloudwatch/sns_http_alarm_disk_used.json"
    status, out, _ = run(monkeypatch, capsys, "cloudwatch", str(path))
    assert status == 0
    assert json.loads(out)["host"] == "i-0123456789abcdef0"


def test_bad_input_is_one_line_and_status_2(monkeypatch, capsys, tmp_path, db):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    empty = tmp_path / "empty.json"
    empty.write_text("")
    cases = [
        ("alertmanager", str(bad)),
        ("alertmanager", str(empty)),
        ("alertmanager", str(tmp_path / "missing.json")),
        ("splunk", str(bad)),
        ("generic", str(tmp_path / "x.json"), "--mapping"),
    ]
    for args in cases:
        status, out, err = run(monkeypatch, capsys, *args)
        assert status == 2, args
        assert out == ""
        assert err.count("\n") == 1, err
