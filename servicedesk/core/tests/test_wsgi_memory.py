"""The web entry point leaves out the database and cache drivers the deployment does not use."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PROBE = (
    "import json, sys; import config.wsgi; "
    "print(json.dumps({m: sys.modules.get(m) is not None for m in ('psycopg', 'redis')}))"
)


def _loaded(tmp_path, **env) -> dict[str, bool]:
    run_env = {**os.environ, "SERVICEDESK_DATA_DIR": str(tmp_path), "DATABASE_URL": "",
               "REDIS_URL": "", **env}  # fmt: skip
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=run_env, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_sqlite_worker_loads_neither_driver(tmp_path):
    assert _loaded(tmp_path) == {"psycopg": False, "redis": False}


def test_scale_out_worker_loads_both_drivers(tmp_path):
    loaded = _loaded(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert loaded == {"psycopg": True, "redis": True}
