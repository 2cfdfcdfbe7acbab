"""The ``servicedesk`` command: Django's management commands with our settings."""

import importlib
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        # Settings read the environment; a bad value is the operator's to fix, not a traceback.
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except (ValueError, OSError) as error:
        sys.exit(f"servicedesk: configuration error: {error}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["servicedesk", *sys.argv[1:]])


if __name__ == "__main__":
    main()
