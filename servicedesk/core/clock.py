"""The only source of "now" in the code base: tests freeze it with time-machine."""

from datetime import datetime

from django.utils import timezone


def now() -> datetime:
    return timezone.now()
