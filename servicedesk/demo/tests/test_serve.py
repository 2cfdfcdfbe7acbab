"""``servicedesk serve`` as ``make run`` starts it: a real gunicorn and a real worker, stopped cleanly.

Runs in its own data directory on SQLite, whatever database the test run itself uses.
"""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

ROOT = Path(__file__).resolve().parents[3]
UP_WITHIN = 30  # seconds
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def servicedesk(*args: str) -> list[str]:
    return [sys.executable, "-m", "servicedesk.cli", *args]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str, bytes]:
    try:
        with OPENER.open(url, timeout=5) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) of every process, read from /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # gone meanwhile
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        table[int(entry.name)] = (int(ppid), state, cmdline)
    return table


def descendants(pid: int) -> dict[int, str]:
    table = processes()
    found, frontier = {}, [pid]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, _, cmdline) in table.items():
            if ppid == parent and child not in found:
                found[child] = cmdline
                frontier.append(child)
    return found


def alive(pid: int) -> bool:
    info = processes().get(pid)
    return info is not None and info[1] != "Z"


def test_serve_runs_web_and_worker_and_sigterm_stops_both(tmp_path):
    env = {**os.environ, "SERVICEDESK_DATA_DIR": str(tmp_path)}
    for name in (
        "DATABASE_URL",
        "REDIS_URL",
        "SERVICEDESK_SQLITE_PATH",
        "SERVICEDESK_MEDIA_ROOT",
        "SERVICEDESK_SMTP_HOST",
        "SERVICEDESK_EMAIL_BACKEND",
    ):
        env.pop(name, None)
    subprocess.run(
        servicedesk("migrate", "--noinput", "-v", "0"), env=env, cwd=ROOT, check=True, timeout=180
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen(
        servicedesk("serve", "--port", str(port), "--workers", "1"),
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        started = time.monotonic()
        status = None
        while time.monotonic() - started < UP_WITHIN and serve.poll() is None:
            try:
                status = get(f"{base}/healthz")[0]
                break
            except OSError:
                time.sleep(0.2)
        assert status == 200, f"no answer within {UP_WITHIN} s"

        children = descendants(serve.pid)
        direct = {pid: cmd for pid, cmd in children.items() if processes()[pid][0] == serve.pid}
        assert sorted("gunicorn" in cmd for cmd in direct.values()) == [False, True]
        assert any(" worker" in cmd for cmd in direct.values())
        assert len(children) >= 3  # the gunicorn arbiter, its web process, the worker

        assert get(f"{base}/accounts/login/")[0] == 200
        css_status, css_type, css = get(f"{base}/static/core/servicedesk.css")
        assert (css_status, css_type.split(";")[0]) == (200, "text/css")
        assert b"{" in css

        serve.send_signal(signal.SIGTERM)
        output, _ = serve.communicate(timeout=30)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.communicate()

    assert serve.returncode == 0, output
    assert f"servicedesk is running at http://127.0.0.1:{port}/" in output
    assert "Mail is not sent (no SERVICEDESK_SMTP_HOST or SERVICEDESK_EMAIL_BACKEND)" in output
    assert [pid for pid in children if alive(pid)] == []


def test_serve_refuses_a_port_in_use_before_starting_anything():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"Cannot listen on 127.0.0.1:{port}"):
            call_command("serve", "--port", str(port))


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--port", "0"], "--port must be between 1 and 65535"), (["--workers", "0"], "at least 1")],
)
def test_serve_refuses_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("serve", *args)
