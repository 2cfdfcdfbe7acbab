"""Enumerations of the reports app."""

from django.db import models


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly (Mondays, the week before)"
    MONTHLY = "monthly", "Monthly (on the 1st, the month before)"
