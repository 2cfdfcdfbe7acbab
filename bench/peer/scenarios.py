"""django-helpdesk's four scenarios over HTTP, then their SQL query counts (peer's venv).

    var/bench/peer/venv/bin/python bench/peer/scenarios.py --db D.sqlite3 --tickets T.jsonl

D is a database ``load.py`` made (it is copied first: the API scenario writes); T the export
the titles and descriptions of API-created tickets come from. gunicorn serves
``peer_project`` on loopback with 2 workers, the agent logs in through helpdesk's login form
(session cookie) and the API takes its token (``Authorization: Token``). One
``bench.common.Result`` JSON line per scenario goes to stdout, progress to stderr:

- ``api_create``: POST /helpdesk/api/tickets/ from 4 concurrent clients; tickets/s.
- ``list_first_page``: GET /helpdesk/tickets/ and then the datatables request its script makes
  for the first page (/helpdesk/datatables_ticket_list/<query>?draw=1&start=0&length=25),
  timed together: the list's rows arrive only with the second.
- ``ticket_page``: GET /helpdesk/tickets/<id>/ of the ticket with the most follow-ups.
- ``dashboard``: GET /helpdesk/dashboard/.

Queries per request are counted afterwards in-process (Django's test Client and
``CaptureQueriesContext``, logged in the same way), for the same requests.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Result, emit  # noqa: E402
from bench.httpload import Request, sequence_timings, serve, throughput  # noqa: E402

SYSTEM, DATABASE = "django-helpdesk", "sqlite"
PREFIX = "/helpdesk"
API = f"{PREFIX}/api/tickets/"
# What DataTables sends for the first page (the view reads draw, start, length and search).
FIRST_PAGE = urlencode(
    {"draw": 1, "start": 0, "length": 25, "search[value]": "", "search[regex]": "false"}
)
_DATA_URL = re.compile(r'"url":\s*"(/[^"]*datatables_ticket_list/[^"]*)"')


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cookies(response: http.client.HTTPResponse) -> SimpleCookie:
    jar: SimpleCookie = SimpleCookie()
    for header in response.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return jar


def login(port: int, username: str, password: str) -> str:
    """Sign in through helpdesk's login form; the Cookie header that carries the session."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"{PREFIX}/login/")
        page = conn.getresponse()
        body = page.read().decode()
        cookies = _cookies(page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if token is None or "csrftoken" not in cookies:
            raise RuntimeError("helpdesk's login page carried no CSRF token")
        form = urlencode(
            {"csrfmiddlewaretoken": token.group(1), "username": username, "password": password}
        )
        conn.request(
            "POST",
            f"{PREFIX}/login/",
            body=form,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={cookies['csrftoken'].value}",
            },
        )
        answer = conn.getresponse()
        answer.read()
        session = _cookies(answer)
        if answer.status != 302 or "sessionid" not in session:
            raise RuntimeError(f"logging in as {username} failed ({answer.status})")
        return f"sessionid={session['sessionid'].value}"
    finally:
        conn.close()


def data_path(port: int, cookie: str) -> str:
    """The datatables URL the ticket list's script asks for its rows (its query is per page)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"{PREFIX}/tickets/", headers={"Cookie": cookie})
        page = conn.getresponse()
        body = page.read().decode()
    finally:
        conn.close()
    found = _DATA_URL.search(body)
    if page.status != 200 or found is None:
        raise RuntimeError(f"the ticket list ({page.status}) names no datatables URL")
    return f"{found.group(1)}?{FIRST_PAGE}"


def create_bodies(tickets: Path, count: int, queue_id: int) -> list[bytes]:
    """API bodies with the titles and descriptions of exported tickets."""
    bodies = []
    with tickets.open(encoding="utf-8") as stream:
        for line in stream:
            r = json.loads(line)
            bodies.append(
                json.dumps(
                    {
                        "queue": queue_id,
                        "title": r["title"],
                        "description": r["description"],
                        "submitter_email": r["submitter_email"],
                        "priority": r["priority"],
                    }
                ).encode()
            )
            if len(bodies) == count:
                break
    return [bodies[i % len(bodies)] for i in range(count)]


def over_http(db: Path, meta: dict, *, size: int, tickets: Path, creates: int, repeat: int):
    """The timings: {scenario: (samples, value or None, note)}, and the request paths."""
    env = {
        "PEER_DB": str(db),
        "DJANGO_SETTINGS_MODULE": "peer_project.settings",
        "PYTHONPATH": str(HERE),
    }
    log = db.with_name("gunicorn.log")
    log.unlink(missing_ok=True)  # this run's access log and errors only
    out: dict[str, tuple[list[float], float | None, str]] = {}
    with serve(python=Path(sys.executable), app="peer_project.wsgi:application", env=env,
               workers=2, cwd=HERE, log=log) as (port, _):  # fmt: skip
        cookie = login(port, meta["agent"], meta["password"])
        page = (("Cookie", cookie),)
        paths = {
            "list_first_page": [f"{PREFIX}/tickets/", data_path(port, cookie)],
            "ticket_page": [f"{PREFIX}/tickets/{meta['ticket_id']}/"],
            "dashboard": [f"{PREFIX}/dashboard/"],
        }
        notes = {
            "list_first_page": "page + datatables rows",
            "ticket_page": f"{meta['ticket_followups']} follow-ups",
            "dashboard": "service desk lead",
        }
        for scenario, urls in paths.items():
            say(f"== django-helpdesk, {size:,} tickets: {scenario} ({repeat} samples) ==")
            requests = [Request("GET", url, headers=page) for url in urls]
            out[scenario] = (sequence_timings(port, requests, repeat=repeat), None, notes[scenario])

        say(f"== django-helpdesk, {size:,} tickets: api_create ({creates} tickets, 4 clients) ==")
        api = (("Authorization", f"Token {meta['token']}"), ("Content-Type", "application/json"))
        bodies = create_bodies(tickets, creates + 50, meta["queue_id"])
        warm = throughput(port, [Request("POST", API, b, api) for b in bodies[:50]], clients=4)
        load = throughput(port, [Request("POST", API, b, api) for b in bodies[50:]], clients=4)
        for run in (warm, load):
            if set(run.statuses) != {201}:
                raise RuntimeError(f"api_create answers were {run.statuses}, not all 201")
        out["api_create"] = (load.latencies_ms, load.rate, "HTTP, 2 workers, 4 clients")
    return out, paths


def count_queries(db: Path, meta: dict, paths: dict[str, list[str]], tickets: Path) -> dict:
    """SQL queries of one request of each scenario (the list: its page plus its rows)."""
    os.environ["PEER_DB"] = str(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_project.settings")
    sys.path.insert(0, str(HERE))
    import warnings

    import django

    # helpdesk's dashboard filters on naive date strings; Django warns on each, not our concern.
    warnings.filterwarnings("ignore", "DateTimeField .* received a naive datetime")
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    if not client.login(username=meta["agent"], password=meta["password"]):
        raise RuntimeError(f"the test client could not log in as {meta['agent']}")
    counts = {}
    for scenario, urls in paths.items():
        with CaptureQueriesContext(connection) as queries:
            for url in urls:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"{url} answered {response.status_code}")
        counts[scenario] = len(queries)
    body = create_bodies(tickets, 1, meta["queue_id"])[0]
    api = Client(headers={"Authorization": f"Token {meta['token']}"})
    with CaptureQueriesContext(connection) as queries:
        response = api.post(API, data=body, content_type="application/json")
    if response.status_code != 201:
        raise RuntimeError(f"POST {API} answered {response.status_code}")
    counts["api_create"] = len(queries)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a database load.py made")
    parser.add_argument("--tickets", type=Path, required=True, help="the export it came from")
    parser.add_argument("--creates", type=int, default=2000, help="tickets api_create posts")
    parser.add_argument("--samples", type=int, default=30, help="timed requests per page")
    args = parser.parse_args(argv)
    meta_path = args.db.with_suffix(".json")
    if not args.db.is_file() or not meta_path.is_file():
        parser.exit(2, f"scenarios.py: error: no loaded database at {args.db} (and its .json)\n")
    if args.samples < 1 or args.creates < 1:
        parser.exit(2, "scenarios.py: error: --samples and --creates must be at least 1\n")
    meta = json.loads(meta_path.read_text())
    size = meta["tickets"]
    work = args.db.resolve().with_name(f"run-{args.db.name}")
    shutil.copyfile(args.db, work)  # checkpointed by load.py: the one file is the database
    started = time.monotonic()
    try:
        timed, paths = over_http(
            work, meta, size=size, tickets=args.tickets, creates=args.creates, repeat=args.samples
        )
        say("== django-helpdesk: counting queries in-process ==")
        queries = count_queries(work, meta, paths, args.tickets)
    finally:
        for path in (work, Path(f"{work}-wal"), Path(f"{work}-shm")):
            path.unlink(missing_ok=True)
    for scenario in ("api_create", "list_first_page", "ticket_page", "dashboard"):
        samples, value, note = timed[scenario]
        emit(
            Result(
                scenario=scenario,
                database=DATABASE,
                size=size,
                samples=samples,
                queries=queries[scenario],
                unit="tickets/s" if value is not None else "ms",
                value=value,
                note=note,
                system=SYSTEM,
            )
        )
    say(f"django-helpdesk scenarios took {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
