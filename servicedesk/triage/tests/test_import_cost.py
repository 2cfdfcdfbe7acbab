"""A desk process loads scikit-learn only when it trains or predicts (about 75 MiB, a second)."""

import subprocess
import sys

PROBE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
import django
django.setup()
from django.contrib import admin  # noqa: F401  (admin autodiscovery ran in setup)
import config.queue  # noqa: F401  (the periodic jobs and every app's tasks)
import config.urls  # noqa: F401  (every view a web worker serves)
print(sorted(name for name in ("sklearn", "scipy", "numpy", "joblib") if name in sys.modules))
"""


def test_a_started_desk_process_holds_no_scikit_learn():
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]", done.stderr
