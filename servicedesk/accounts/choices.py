from django.db import models


class Role(models.TextChoices):
    END_USER = "end_user", "End user"
    AGENT = "agent", "Agent"
    LEAD = "lead", "Group lead"
    ADMIN = "admin", "Admin"


class Tier(models.TextChoices):
    L1 = "L1", "L1 (service desk)"
    L2 = "L2", "L2"
    L3 = "L3", "L3"


STAFF_ROLES = frozenset({Role.AGENT, Role.LEAD, Role.ADMIN})
