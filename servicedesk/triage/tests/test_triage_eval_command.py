"""``servicedesk triage-eval``: one JSON line out, or one line on stderr and exit status 2."""

import csv
import gzip
import io
import json
import sys

import pytest

from servicedesk import cli
from servicedesk.triage.tests.synthetic import tickets

KEYS = {
    "accuracy", "macro_f1", "coverage_at_95", "precision_at_threshold", "train_seconds",
    "predict_ms_p50", "baseline_accuracy", "baseline_coverage_at_95",
}  # fmt: skip


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    """The command as the shell runs it, in this process: status, stdout, stderr."""
    monkeypatch.setattr(sys, "argv", ["servicedesk", "triage-eval", *args])
    status = 0
    try:
        cli.main()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


def write_csv(path, texts, labels, *, columns=("text", "label"), compress=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows(zip(texts, labels, strict=True))
    data = buffer.getvalue().encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


@pytest.fixture
def files(tmp_path):
    texts, labels = tickets(50, seed=0)
    test_texts, test_labels = tickets(20, seed=1)
    return (
        write_csv(tmp_path / "train.csv.gz", texts, labels, compress=True),
        write_csv(tmp_path / "test.csv", test_texts, test_labels),
    )


def test_prints_one_json_line_with_ours_and_the_baseline(monkeypatch, capsys, files):
    train, test = files
    status, out, err = run(
        monkeypatch, capsys, "--train", train, "--test", test, "--text-col", "text",
        "--label-col", "label",
    )  # fmt: skip
    assert status == 0, err
    assert out.count("\n") == 1
    figures = json.loads(out)
    assert figures.keys() >= KEYS
    assert figures["test_size"] == 60 and figures["train_size"] == 150
    assert 0.85 <= figures["accuracy"] <= 1.0
    assert 0.85 <= figures["baseline_accuracy"] <= 1.0
    assert 0.5 <= figures["coverage_at_95"] <= 1.0
    assert figures["precision_at_threshold"] >= 0.9
    assert figures["train_seconds"] > 0
    assert 0 < figures["predict_ms_p50"] < 100
    assert 0 < figures["predict_cpu_ms_p50"] < 100
    assert figures["model_bytes"] > 1000


def test_gzip_is_recognised_by_its_bytes_without_the_name(monkeypatch, capsys, tmp_path):
    texts, labels = tickets(30, seed=2)
    train = write_csv(tmp_path / "train.data", texts, labels, compress=True)
    status, out, err = run(
        monkeypatch, capsys, "--train", train, "--test", train, "--text-col", "text",
        "--label-col", "label", "--no-baseline",
    )  # fmt: skip
    assert status == 0, err
    figures = json.loads(out)
    assert figures["test_size"] == 90
    assert "baseline_accuracy" not in figures


def test_empty_text_gets_no_prediction_and_counts_as_not_covered(monkeypatch, capsys, tmp_path):
    texts, labels = tickets(30, seed=3)
    train = write_csv(tmp_path / "train.csv", texts, labels)
    # The same easy texts, and as many again with nothing to read.
    test = write_csv(tmp_path / "test.csv", texts + ["  "] * 90, labels + ["Access"] * 90)
    status, out, err = run(
        monkeypatch, capsys, "--train", train, "--test", test, "--text-col", "text",
        "--label-col", "label", "--no-baseline",
    )  # fmt: skip
    assert status == 0, err
    figures = json.loads(out)
    assert figures["test_size"] == 180
    assert figures["accuracy"] <= 0.5
    assert figures["coverage_at_95"] <= 0.5
    assert figures["precision_at_threshold"] >= 0.95


@pytest.mark.parametrize(
    "columns, message",
    [
        (("body", "label"), "no column 'text' (columns: body, label)"),
        (("body", "topic"), "no column 'text' or 'label' (columns: body, topic)"),
    ],
)
def test_missing_columns_are_one_line_and_status_2(
    monkeypatch, capsys, tmp_path, files, columns, message
):
    texts, labels = tickets(10)
    bad = write_csv(tmp_path / "bad.csv", texts, labels, columns=columns)
    status, out, err = run(
        monkeypatch, capsys, "--train", files[0], "--test", bad, "--text-col", "text",
        "--label-col", "label",
    )  # fmt: skip
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read"),
        (b"\x1f\x8b\x08\x00garbage", "cannot read"),
        ("text,label\n\xff\xfe,x\n".encode("latin-1"), "is not UTF-8 text"),
        (b"", "no column"),
        (b"text,label\n,\n", "no labelled rows"),
    ],
    ids=["missing", "broken-gzip", "not-utf8", "empty", "no-labels"],
)
def test_unreadable_files_are_one_line_and_status_2(
    monkeypatch, capsys, tmp_path, content, message
):
    path = tmp_path / "broken.csv"
    if content is not None:
        path.write_bytes(content)
    status, out, err = run(
        monkeypatch, capsys, "--train", str(path), "--test", str(path), "--text-col", "text",
        "--label-col", "label",
    )  # fmt: skip
    assert status == 2
    assert out == ""
    assert err.count("\n") == 1
    assert message in err


def test_a_training_file_with_one_label_is_one_line_and_status_2(monkeypatch, capsys, tmp_path):
    texts, labels = tickets(10, labels=["Access"])
    path = write_csv(tmp_path / "one.csv", texts, labels)
    status, out, err = run(
        monkeypatch, capsys, "--train", path, "--test", path, "--text-col", "text",
        "--label-col", "label",
    )  # fmt: skip
    assert status == 2
    assert err.count("\n") == 1
    assert "at least two labels" in err


def test_a_missing_option_is_one_line_and_status_2(monkeypatch, capsys, files):
    status, out, err = run(monkeypatch, capsys, "--train", files[0], "--test", files[1])
    assert status == 2
    assert err.count("\n") == 1
    assert "--text-col" in err
