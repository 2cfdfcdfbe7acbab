from django.contrib import admin

from servicedesk.reports.models import ReportSubscription


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    """Who gets which report by mail; admins may remove one (a leaver's, say), not make one:
    a subscription is its user's choice, made in the desk."""

    list_display = ("report", "user", "frequency", "next_run_at", "last_sent_at", "last_error")
    list_filter = ("report", "frequency")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "report")
    readonly_fields = ("user", "report", "params", "frequency", "next_run_at", "last_sent_at",
                       "last_error", "created_at")  # fmt: skip

    def has_add_permission(self, request) -> bool:
        return False
