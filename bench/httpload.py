"""Requests over real HTTP on loopback: a gunicorn to measure, and clients that load it.

Standard library only (shared with the peer's scripts). ``serve`` starts gunicorn with a given
Python and WSGI app and waits until it answers; ``throughput`` sends a list of requests from N
concurrent clients, each on its own keep-alive connection; ``timings`` times one request again
and again on one connection, ``sequence_timings`` a page with the requests it makes at once.
"""

import http.client
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    *,
    python: Path,
    app: str,
    env: dict[str, str],
    workers: int = 2,
    cwd: Path | None = None,
    timeout: float = 60.0,
    log: Path | None = None,
) -> Iterator[tuple[int, subprocess.Popen]]:
    """Run ``gunicorn app`` on a free loopback port until the block ends; yields (port, process)."""
    port = free_port()
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [str(python), "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--worker-class", "sync", "--keep-alive", "30",
         "--access-logfile", "-" if log else "/dev/null", "--log-level", "warning"],
        env={**os.environ, **env}, cwd=cwd, stdout=out, stderr=out, start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for(port, process, timeout)
        yield port, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log:
            out.close()


def _wait_for(port: int, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode} before serving")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on port {port} within {timeout:.0f}s")


def _send(conn: http.client.HTTPConnection, request: Request) -> tuple[int, bytes]:
    conn.request(request.method, request.path, body=request.body, headers=dict(request.headers))
    response = conn.getresponse()
    return response.status, response.read()


@dataclass
class Load:
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def rate(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0


def throughput(port: int, requests: Sequence[Request], *, clients: int = 4) -> Load:
    """Send ``requests`` from ``clients`` threads sharing one work list; time the whole run."""
    lock = threading.Lock()
    queue = list(reversed(requests))
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[BaseException] = []

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    request = queue.pop()
                started = time.perf_counter()
                status, _ = _send(conn, request)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    statuses[status] = statuses.get(status, 0) + 1
        except BaseException as exc:  # reported to the caller, not lost in a thread
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"a client failed: {errors[0]!r}") from errors[0]
    return Load(seconds, latencies, statuses)


def timings(port: int, request: Request, *, repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``repeat`` sends of one request on one keep-alive connection."""
    return sequence_timings(port, [request], repeat=repeat, warmup=warmup)


def sequence_timings(
    port: int, requests: Sequence[Request], *, repeat: int, warmup: int = 3
) -> list[float]:
    """Milliseconds of ``repeat`` runs of ``requests`` one after another on one keep-alive
    connection, each run timed whole: what a person waits for a page and the data request its
    script makes at once."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples = []
    try:
        for i in range(warmup + repeat):
            started = time.perf_counter()
            for request in requests:
                status, body = _send(conn, request)
                if status >= 400:
                    raise RuntimeError(
                        f"{request.method} {request.path} answered {status}: {body[:200]!r}"
                    )
            elapsed = (time.perf_counter() - started) * 1000
            if i >= warmup:
                samples.append(elapsed)
    finally:
        conn.close()
    return samples


def rss_mib(pid: int) -> float:
    """Resident memory of one process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def children(pid: int) -> list[int]:
    """The direct children of a process (gunicorn's workers under its master)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []
