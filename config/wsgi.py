import os
import sys

from config.env import env_str


def _leave_unused_drivers_out() -> None:
    """Keep the PostgreSQL and Redis drivers out of a web worker that uses neither.

    Huey's storage module imports both whenever they are installed (they are dependencies, for
    the scale-out); in a worker on SQLite without Redis they would be a quarter of its memory
    (about 18 MiB of 75). A ``None`` in ``sys.modules`` makes their import fail as if they were
    absent, which Huey expects. Management commands and tests are not affected: only this
    entry point does it.
    """
    if not env_str("DATABASE_URL", ""):
        sys.modules.setdefault("psycopg", None)
    if not env_str("REDIS_URL", ""):
        sys.modules.setdefault("redis", None)


_leave_unused_drivers_out()

from django.core.wsgi import get_wsgi_application  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
