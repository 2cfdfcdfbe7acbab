"""``servicedesk serve``: the web app (gunicorn) and one background worker, run as a pair.

Both run as child processes in their own process groups, so that a Ctrl-C reaches only this
supervisor, which then stops them in order: the web server finishes its requests and the worker
its running tasks. If either child dies, the other is stopped and serve exits non-zero, so a
process manager sees the failure instead of a half-running desk.
"""

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor

READY_TIMEOUT = 60  # seconds for the web app to answer its first request
STOP_TIMEOUT = 20  # seconds for both children to finish before they are killed
POLL = 0.1
_PR_SET_PDEATHSIG = 1
_LIBC = ctypes.CDLL(None) if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    # Runs in the child before exec: if serve itself is killed outright (SIGKILL), the kernel
    # sends the child SIGTERM, so no orphan keeps the port or the queue.
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _probe_host(host: str) -> str:
    """Where to reach a server that listens on ``host`` from this machine."""
    return {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(host, host)


class Command(BaseCommand):
    # `servicedesk migrate` runs the system checks just before (make run); the web processes
    # would run into the same problems anyway, and serve should come up quickly.
    requires_system_checks: list[str] = []
    help = (
        "Serve the desk with gunicorn and run one background worker beside it. "
        "Ctrl-C or SIGTERM stops both."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8000, help="Port to listen on.")
        parser.add_argument(
            "--workers", type=int, default=2, help="Number of gunicorn web processes."
        )

    def handle(self, *args, host: str, port: int, workers: int, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port must be between 1 and 65535, got {port}.")
        if workers < 1:
            raise CommandError(f"--workers must be at least 1, got {workers}.")
        self._check_port(host, port)
        self._check_database()
        self._stopping = False
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._on_signal)

        env = dict(os.environ)
        # Links in mail (accept/reject, the ticket's page) name the address served here, unless
        # the operator says which address people reach the desk at.
        env.setdefault("SERVICEDESK_SITE_URL", f"http://{_url_host(_probe_host(host))}:{port}")
        children = {
            "web server": self._spawn(self._gunicorn(host, port, workers), env),
            "worker": self._spawn(
                [sys.executable, "-m", "servicedesk.cli", "worker", "--quiet"], env
            ),
        }
        url = f"http://{_url_host(_probe_host(host))}:{port}/healthz"
        try:
            failure = self._wait_until_up(url, children)
            if not failure and not self._stopping:
                self._banner(host, port)
                failure = self._supervise(children)
        finally:
            self._stop(children)
        if failure:
            raise CommandError(failure)

    def _on_signal(self, signum, frame) -> None:
        self._stopping = True

    def _check_port(self, host: str, port: int) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as sock:
            # As gunicorn does: a port held only by closed connections (TIME_WAIT) is free.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((host, port))
            except OSError as error:
                raise CommandError(
                    f"Cannot listen on {host}:{port}: {error.strerror or error}. "
                    "Choose another address or port (--host, --port)."
                ) from None

    def _check_database(self) -> None:
        connection = connections["default"]
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise CommandError(f"Cannot reach the database: {error}".strip()) from None
        finally:
            connections.close_all()
        if pending:
            self.stderr.write(
                f"{len(pending)} database migration(s) are not applied; "
                "run `servicedesk migrate` (make run does it for you)."
            )

    def _gunicorn(self, host: str, port: int, workers: int) -> list[str]:
        return [
            sys.executable, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"{_url_host(host)}:{port}",
            "--workers", str(workers),
            "--graceful-timeout", "10",
            # Load the app once and fork the web processes from it: faster start, less memory.
            "--preload",
            "--log-level", "warning",
            # Gunicorn's control socket sits in the home directory by default, shared by every
            # instance on the machine; serve does not use it.
            "--no-control-socket",
        ]  # fmt: skip

    def _spawn(self, command: list[str], env: dict[str, str]) -> subprocess.Popen:
        return subprocess.Popen(command, env=env, process_group=0, preexec_fn=_die_with_parent)

    def _wait_until_up(self, url: str, children: dict[str, subprocess.Popen]) -> str:
        """Wait until the web app answers; return what went wrong instead, if anything."""
        # Straight to the server, whatever proxy the environment names.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + READY_TIMEOUT
        while not self._stopping:
            failure = self._death(children)
            if failure:
                return failure
            try:
                opener.open(url, timeout=2).close()
                return ""
            except urllib.error.HTTPError:
                return ""  # the app answered, if not with 200 (ALLOWED_HOSTS, say)
            except OSError:
                if time.monotonic() > deadline:
                    return f"The web server did not answer {url} within {READY_TIMEOUT} s."
                time.sleep(POLL)
        return ""

    def _banner(self, host: str, port: int) -> None:
        self.stdout.write(
            f"servicedesk is running at http://{_url_host(host)}:{port}/  (desk /desk/, "
            "portal /portal/, API /api/schema/swagger/, admin /admin/)"
        )
        try:
            call_command("load-demo", logins=True, stdout=self.stdout)
        except (CommandError, DatabaseError):
            pass  # no demo app, or no demo data: nothing to show
        finally:
            connections.close_all()
        if settings.SERVICEDESK_MAIL_DELIVERY:
            via = f" ({settings.EMAIL_HOST}:{settings.EMAIL_PORT})" if settings.EMAIL_HOST else ""
            self.stdout.write(f"Mail is sent through {settings.EMAIL_BACKEND}{via}.")
        else:
            self.stdout.write(
                "Mail is not sent (no SERVICEDESK_SMTP_HOST or SERVICEDESK_EMAIL_BACKEND): "
                "it waits in the outbox, admin /admin/core/outboxmessage/."
            )
        self.stdout.write("Press Ctrl-C to stop.")
        self.stdout.flush()

    def _supervise(self, children: dict[str, subprocess.Popen]) -> str:
        """Wait for a stop signal (return "") or a child's death (return what happened)."""
        while not self._stopping:
            failure = self._death(children)
            if failure:
                return failure
            time.sleep(POLL)
        return ""

    def _death(self, children: dict[str, subprocess.Popen]) -> str:
        for name, child in children.items():
            code = child.poll()
            if code is not None:
                others = " and ".join(other for other in children if other != name)
                return f"The {name} stopped unexpectedly (exit code {code}); stopping the {others}."
        return ""

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        # Gunicorn stops gracefully on SIGTERM, the Huey consumer on SIGINT.
        graceful = {"web server": signal.SIGTERM, "worker": signal.SIGINT}
        for name, child in children.items():
            if child.poll() is None:
                child.send_signal(graceful[name])
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in children.values():
            try:
                child.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
