from django.contrib import admin

from servicedesk.core.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What the desk has sent and what still waits: read-only, the worker writes it."""

    list_display = ("created_at", "to", "subject", "sent_at", "attempts", "last_error")
    list_filter = ("sent_at",)
    search_fields = ("to", "subject", "key", "message_id")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in OutboxMessage._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A queued mail is part of the change that queued it: it is sent or it fails, and stays.
        return False
