"""The ``servicedesk`` command: Django's management commands with our settings."""

import importlib
import os
import signal
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        # Settings read the environment; a bad value is the operator's to fix, not a traceback.
        importlib.import_module(os.environ["DJANGO_SETTINGS_MODULE"])
    except (ValueError, OSError) as error:
        sys.exit(f"servicedesk: configuration error: {error}")
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["servicedesk", *sys.argv[1:]])
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader left (``servicedesk email-parse ... | head``): stop quietly, as cat does.
        # Python would report the pipe again when it flushes stdout at exit, so point it at
        # /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(128 + signal.SIGPIPE)


if __name__ == "__main__":
    main()
