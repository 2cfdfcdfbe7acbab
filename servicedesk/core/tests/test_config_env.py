"""config/env.py: the typed readers of deploy-time settings, and how the CLI reports them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import env_int, env_str

ROOT = Path(__file__).parents[3]


def test_a_file_variable_is_read_instead_of_the_value(monkeypatch, tmp_path):
    (tmp_path / "key").write_text("s3cret\n")
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY", "ignored")
    monkeypatch.setenv("SERVICEDESK_SECRET_KEY_FILE", str(tmp_path / "key"))

    assert env_str("SERVICEDESK_SECRET_KEY", "") == "s3cret"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda path: None, "No such file or directory"),
        (lambda path: path.mkdir(), "Is a directory"),
        (lambda path: path.write_bytes(b"\xff\xfe7"), "not UTF-8 text"),
    ],
)
def test_a_file_variable_that_cannot_be_read_names_the_variable(
    monkeypatch, tmp_path, make, reason
):
    path = tmp_path / "workers.txt"
    make(path)
    monkeypatch.setenv("SERVICEDESK_WORKERS_FILE", str(path))

    with pytest.raises(ValueError) as caught:
        env_int("SERVICEDESK_WORKERS", 2)
    assert str(caught.value) == (
        f"SERVICEDESK_WORKERS_FILE names {path}, which cannot be read ({reason})"
    )


def test_the_cli_says_which_variable_names_a_missing_file(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SERVICEDESK_DATA_DIR": str(tmp_path),
        "SERVICEDESK_SECRET_KEY_FILE": "../nonexist.txt",
    }
    done = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "check"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "servicedesk: configuration error: SERVICEDESK_SECRET_KEY_FILE names ../nonexist.txt, "
        "which cannot be read (No such file or directory)"
    ]


def _cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SERVICEDESK_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", *args],
        capture_output=True, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_a_data_directory_under_a_missing_parent_is_refused_not_created(tmp_path):
    mistyped = tmp_path / "srv" / "servicedesk"

    done = _cli("check", data_dir=mistyped)

    assert done.returncode == 1
    assert done.stderr.decode().strip().splitlines() == [
        f"servicedesk: configuration error: SERVICEDESK_DATA_DIR names {mistyped}, "
        "whose parent directory does not exist"
    ]
    assert not (tmp_path / "srv").exists()


def test_a_reader_that_leaves_early_ends_the_command_without_a_traceback(tmp_path):
    # The reader has gone before the command writes a byte: every write meets a closed pipe.
    reader = subprocess.Popen(["true"], stdin=subprocess.PIPE)
    reader.wait(timeout=10)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SERVICEDESK_DATA_DIR": str(tmp_path)}
    writer = subprocess.run(
        [sys.executable, "-m", "servicedesk.cli", "help", "--commands"],
        stdout=reader.stdin, stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip
    reader.stdin.close()

    assert writer.stderr.decode() == ""
    assert writer.returncode == 141
