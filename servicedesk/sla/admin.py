from django import forms
from django.contrib import admin

from servicedesk.core import clock
from servicedesk.sla.choices import BREACH, DEFAULT_PAUSE_STATES, DEFAULT_WARNINGS, PAUSABLE_STATES
from servicedesk.sla.models import (
    HOLIDAYS_HELP,
    HOURS_HELP,
    BusinessCalendar,
    Clock,
    ClockCycle,
    EscalationTarget,
    GroupCalendar,
    OrganisationCalendar,
    SLAAction,
    SLAPolicy,
    SLATarget,
)
from servicedesk.sla.reschedule import ClockReschedule
from servicedesk.tickets.choices import Channel, Kind, Priority, State

TOO_DEEP = "The JSON is nested too deeply to be a calendar."


class CalendarJSONField(forms.JSONField):
    """Django's JSON form field, answering JSON nested too deeply for the parser ("[[[[...",
    which raises RecursionError, not a decoding error) with a message instead of a 500."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except RecursionError:
            raise forms.ValidationError(TOO_DEEP, code="invalid") from None

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except RecursionError:
            return forms.fields.InvalidJSONInput(data)


class BusinessCalendarForm(forms.ModelForm):
    hours = CalendarJSONField(required=False, initial=dict, help_text=HOURS_HELP)
    holidays = CalendarJSONField(required=False, initial=list, help_text=HOLIDAYS_HELP)

    class Meta:
        model = BusinessCalendar
        fields = [
            "name", "timezone", "always_open", "hours", "holidays", "country", "subdivision",
            "is_default",
        ]  # fmt: skip

    def clean_hours(self):
        return self.cleaned_data["hours"] or {}

    def clean_holidays(self):
        return self.cleaned_data["holidays"] or []

    def _post_clean(self):
        # Unreadable JSON leaves the model with its empty default, which the calendar's own
        # checks would then call "no working time": one message, the true one, is enough.
        if self.has_error("hours") or self.has_error("holidays"):
            return
        super()._post_clean()


class ReschedulesClocks:
    """An edit saved in the admin moves the running clocks it governs (sla.reschedule): the
    time they used is banked before the save, their due times worked out after the inlines."""

    reschedule_by = "calendar"

    def save_model(self, request, obj, form, change):
        form.reschedule = None
        if change:
            form.reschedule = ClockReschedule(**{self.reschedule_by: obj.pk}, now=clock.now())
            form.reschedule.begin()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if getattr(form, "reschedule", None) is not None:
            form.reschedule.finish()


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
class BusinessCalendarAdmin(ReschedulesClocks, admin.ModelAdmin):
    form = BusinessCalendarForm
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
class SLAPolicyAdmin(ReschedulesClocks, admin.ModelAdmin):
    reschedule_by = "policy"
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


class ClockCycleInline(admin.TabularInline):
    """A next-response clock's finished cycles, one per requester reply answered."""

    model = ClockCycle
    extra = 0
    can_delete = False
    fields = ("cycle", "status", "target", "used", "started_at", "stopped_at", "breached_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Clock)
class ClockAdmin(admin.ModelAdmin):
    """Read-only: clocks follow their tickets."""

    list_display = (
        "ticket", "metric", "cycle", "status", "target", "due_at", "breached_at", "policy",
    )  # fmt: skip
    inlines = [ClockCycleInline]
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


class EscalationTargetForm(forms.ModelForm):
    class Meta:
        model = EscalationTarget
        fields = ["group", "escalate_to"]


@admin.register(EscalationTarget)
class EscalationTargetAdmin(admin.ModelAdmin):
    """Where "escalate to the next tier" sends each group's tickets."""

    form = EscalationTargetForm
    list_display = ("group", "escalate_to")
    list_select_related = ("group", "escalate_to")
    search_fields = ("group__name", "escalate_to__name")
