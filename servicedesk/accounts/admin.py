from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from servicedesk.accounts.models import ApiToken, Membership, Organisation, SupportGroup, User

# Permissions go by role; Django's permission groups would only be confused with support groups.
admin.site.unregister(Group)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "email_domain", "is_active")
    search_fields = ("name", "email_domain")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ("user",)


@admin.register(SupportGroup)
class SupportGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "tier", "lead", "email", "is_active")
    list_filter = ("tier", "is_active")
    search_fields = ("name",)
    inlines = [MembershipInline]
    autocomplete_fields = ("lead",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "email", "role", "organisation", "is_active")
    list_filter = ("role", "is_active", "organisation")
    search_fields = ("username", "display_name", "first_name", "last_name", "email", "phone")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (
            "Service desk",
            {
                "fields": (
                    "role", "display_name", "phone", "organisation", "can_see_organisation_tickets",
                    "can_see_all_tickets", "is_vip", "out_of_office_from", "out_of_office_until",
                )
            },
        ),
        (
            "Triage",
            {
                "fields": ("location", "skills", "max_open_tickets"),
                "description": "What rules match on and what assignment reads "
                "(docs/admin-guide.md, Assignment).",
            },
        ),
    )  # fmt: skip


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "expires_at", "revoked")
    list_filter = ("revoked",)
    readonly_fields = ("user", "key_hash", "hint", "created_at", "last_used_at")
    search_fields = ("name", "user__username")

    def has_add_permission(self, request):
        # Tokens are made with `servicedesk create-api-token`, which shows the secret once.
        return False
