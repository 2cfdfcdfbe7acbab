from django import forms
from django.contrib import admin

from servicedesk.sla.choices import BREACH, DEFAULT_PAUSE_STATES, DEFAULT_WARNINGS, PAUSABLE_STATES
from servicedesk.sla.models import (
    BusinessCalendar,
    Clock,
    GroupCalendar,
    OrganisationCalendar,
    SLAAction,
    SLAPolicy,
    SLATarget,
)
from servicedesk.tickets.choices import Channel, Kind, Priority, State


class GroupCalendarInline(admin.TabularInline):
    model = GroupCalendar
    extra = 0
    verbose_name = "support group on this calendar"
    verbose_name_plural = "support groups on this calendar"


class OrganisationCalendarInline(admin.TabularInline):
    model = OrganisationCalendar
    extra = 0
    verbose_name = "organisation on this calendar"
    verbose_name_plural = "organisations on this calendar"


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "timezone", "always_open", "country", "subdivision", "is_default")
    search_fields = ("name",)
    inlines = [GroupCalendarInline, OrganisationCalendarInline]


def _checkboxes(choices) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        choices=choices, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any.",
    )  # fmt: skip


class PercentagesField(forms.CharField):
    """Warnings typed as "75, 90"; stored as a list of whole percentages."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        text = (value or "").replace(" ", "")
        if not text:
            return []
        try:
            found = sorted({int(part) for part in text.split(",") if part})
        except ValueError:
            raise forms.ValidationError("Whole percentages separated by commas: 75, 90.") from None
        if any(not 0 < p < BREACH for p in found):
            raise forms.ValidationError("Each warning is between 1 and 99 percent.")
        return found


class SLAPolicyForm(forms.ModelForm):
    kinds = _checkboxes(Kind.choices)
    priorities = _checkboxes(Priority.choices)
    channels = _checkboxes(Channel.choices)
    pause_states = forms.MultipleChoiceField(
        choices=[(s, State(s).label) for s in PAUSABLE_STATES], required=False,
        widget=forms.CheckboxSelectMultiple, initial=DEFAULT_PAUSE_STATES,
        help_text="The clocks stop while a ticket is in one of these states.",
    )  # fmt: skip
    warnings = PercentagesField(
        required=False, initial=DEFAULT_WARNINGS,
        help_text="Warn when this share of a target is used, in percent: 75, 90.",
    )  # fmt: skip

    class Meta:
        model = SLAPolicy
        fields = [
            "name", "order", "is_active", "calendar", "internal_group", "kinds", "priorities",
            "channels", "categories", "organisations", "services", "pause_states", "warnings",
        ]  # fmt: skip

    def clean_priorities(self):
        return [int(p) for p in self.cleaned_data["priorities"]]


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    extra = 0


class SLAActionInline(admin.TabularInline):
    model = SLAAction
    extra = 0


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    form = SLAPolicyForm
    list_display = ("name", "order", "is_active", "calendar", "internal_group")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    filter_horizontal = ("categories", "organisations", "services")
    inlines = [SLATargetInline, SLAActionInline]
    fieldsets = (
        (None, {"fields": ("name", "order", "is_active", "calendar", "internal_group")}),
        ("Applies to (empty: every ticket)", {
            "fields": ("kinds", "priorities", "channels", "categories", "organisations", "services"),
        }),
        ("Clock", {"fields": ("pause_states", "warnings")}),
    )  # fmt: skip


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Read-only: clocks follow their tickets."""

    list_display = ("ticket", "metric", "status", "target", "due_at", "breached_at", "policy")
    list_filter = ("metric", "status", "policy")
    search_fields = ("ticket__number",)
    list_select_related = ("ticket", "policy")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
