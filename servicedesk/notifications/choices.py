"""What the desk mails people about."""

from django.db import models


class NotificationKind(models.TextChoices):
    RECEIVED = "received", "Ticket received (acknowledgement to the requester)"
    REPLY = "reply", "Public reply from an agent (to the requester and watchers)"
    RESOLVED = "resolved", "Ticket resolved (to the requester, with accept and reject links)"
    CLOSED = "closed", "Ticket closed (to the requester)"


class Direction(models.TextChoices):
    INBOUND = "in", "received"
    OUTBOUND = "out", "sent"
