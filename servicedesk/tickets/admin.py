from django.contrib import admin

from servicedesk.tickets.models import (
    Category,
    ConfigurationItem,
    CustomField,
    PriorityMatrixCell,
    Ticket,
    TicketEvent,
)


class SubcategoryInline(admin.TabularInline):
    model = Category
    fk_name = "parent"
    extra = 1
    fields = ("name", "default_group", "is_active")


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "parent", "default_group", "is_active")
    list_filter = ("is_active", "parent")
    search_fields = ("name",)
    inlines = [SubcategoryInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent", "default_group")


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)


@admin.register(CustomField)
class CustomFieldAdmin(admin.ModelAdmin):
    list_display = ("label", "key", "type", "kinds", "position", "is_active")
    list_filter = ("type", "is_active")
    list_editable = ("position", "is_active")
    search_fields = ("key", "label")


@admin.register(PriorityMatrixCell)
class PriorityMatrixCellAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_display_links = None
    ordering = ("impact", "urgency")


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    """Read-only: tickets change through the desk and the API so that every change is recorded."""

    list_display = (
        "number",
        "title",
        "kind",
        "state",
        "priority",
        "assignment_group",
        "assignee",
        "created_at",
    )
    list_filter = ("kind", "state", "priority", "channel")
    search_fields = ("number", "title", "external_ref")
    show_full_result_count = False
    list_select_related = ("assignment_group", "assignee")
    raw_id_fields = ("requester", "reported_by", "assignee", "resolved_by")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "actor", "channel", "created_at")
    list_filter = ("kind", "channel")
    raw_id_fields = ("ticket", "actor")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
