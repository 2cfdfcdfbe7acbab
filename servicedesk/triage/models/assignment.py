"""How a support group hands its new tickets to its agents."""

from django.conf import settings
from django.db import models

from servicedesk.accounts.models import SupportGroup
from servicedesk.triage.choices import Strategy


class GroupRouting(models.Model):
    """A group's assignment strategy and, for round robin, who had the last ticket."""

    group = models.OneToOneField(SupportGroup, on_delete=models.CASCADE, related_name="routing")
    strategy = models.CharField(max_length=16, choices=Strategy.choices, default=Strategy.NONE)
    last_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", help_text="Round robin: the next ticket goes to the agent after them.",
    )  # fmt: skip

    class Meta:
        verbose_name = "group assignment strategy"

    def __str__(self) -> str:
        return f"{self.group}: {self.get_strategy_display()}"
