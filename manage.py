#!/usr/bin/env python
"""Django's manage.py; the installed ``servicedesk`` command does the same."""

from servicedesk.cli import main

if __name__ == "__main__":
    main()
