"""Scheduled reports: a user's standing order for one report, mailed weekly or monthly."""

from django.conf import settings
from django.db import models

from servicedesk.reports.choices import Frequency


class ReportSubscription(models.Model):
    """One report with its filters, mailed to ``user`` each week or month.

    ``params`` are the report's parameters other than the dates (``by``, ``interval`` and the
    filters, as the desk's report page takes them); each mailing covers the week or month
    before it (``reports.schedule``). ``next_run_at`` is when it is due: the periodic job
    claims a due row by moving it forward with a conditional UPDATE, so two workers never
    mail it twice.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions"
    )
    report = models.CharField(max_length=64)
    params = models.JSONField(default=dict, blank=True)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    next_run_at = models.DateTimeField()
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # Why the last due mailing was not sent (the report was renamed, a filter names a group
    # that is gone): shown on the user's subscriptions page.
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "id"]
        indexes = [models.Index(fields=["next_run_at"], name="report_subscription_due")]

    def __str__(self) -> str:
        return f"{self.report} {self.frequency} for {self.user_id}"
