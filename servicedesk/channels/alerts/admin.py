"""Alert sources (set up by admins), what the tools posted, and the alerts it made."""

import json

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from servicedesk.channels.alerts.choices import DeliveryState
from servicedesk.channels.alerts.models import Alert, AlertDelivery, AlertNotification, AlertSource
from servicedesk.channels.alerts.receiver import TOKEN_HEADER
from servicedesk.channels.alerts.services import (
    SOURCE_FIELDS,
    alert_delivery_process,
    alert_delivery_requeue,
    alert_source_problems,
    alert_source_save,
)

# The raw body shown on a delivery's page at most; the download has it whole.
SHOWN_BYTES = 256 * 1024


class AlertSourceForm(forms.ModelForm):
    class Meta:
        model = AlertSource
        fields = sorted(SOURCE_FIELDS)

    def clean(self):
        cleaned = super().clean()
        for name, problems in alert_source_problems(cleaned).items():
            for problem in problems:
                self.add_error(name, problem)
        return cleaned


def _url(request, source: AlertSource) -> str:
    return request.build_absolute_uri(reverse("api:alerts-receive", kwargs={"source": source.slug}))


@admin.action(description="Give the selected sources a new token (the old one stops working)")
def rotate_token(modeladmin, request, queryset):
    for source in queryset:
        _, token = alert_source_save(source=source, values={}, new_token=True)
        modeladmin.message_user(
            request,
            f"{source.name}: new token {token} (shown only now). URL: {_url(request, source)}",
            messages.WARNING,
        )


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    form = AlertSourceForm
    list_display = (
        "name",
        "slug",
        "kind",
        "is_active",
        "note_only",
        "correlation_window",
        "storm_threshold",
        "receiver_url",
    )
    list_filter = ("kind", "is_active", "note_only")
    search_fields = ("name", "slug")
    actions = [rotate_token]
    readonly_fields = ("receiver_url", "token_hint", "created_at")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "is_active", "receiver_url", "token_hint")}),
        ("Incidents", {"fields": ("severity_map", "default_impact", "default_urgency", "requester", "assignment_group", "note_only")}),
        ("Grouping", {"fields": ("correlation_window", "storm_threshold", "storm_window", "flap_threshold", "flap_window")}),
        ("Tool", {"fields": ("mapping", "verify_signatures")}),
    )  # fmt: skip

    @admin.display(description="receiver URL")
    def receiver_url(self, obj: AlertSource) -> str:
        if not obj.pk:
            return "Shown, with the token, once saved."
        return format_html(
            "<code>/api/v1/alerts/{}/</code> with the token in the {} header, as a Bearer "
            "token, as the Basic-auth password, or as <code>?token=</code>.",
            obj.slug, TOKEN_HEADER,
        )  # fmt: skip

    def save_model(self, request, obj, form, change):
        values = {
            name: form.cleaned_data[name] for name in SOURCE_FIELDS if name in form.cleaned_data
        }
        _, token = alert_source_save(source=obj, values=values, new_token=not change)
        if token:
            self.message_user(
                request,
                f"{obj.name}: token {token} (shown only now; the desk keeps a hash). "
                f"URL: {_url(request, obj)}",
                messages.WARNING,
            )


@admin.action(description="Process the selected failed deliveries again")
def reprocess(modeladmin, request, queryset):
    done = skipped = 0
    for pk in queryset.values_list("pk", flat=True):
        if not alert_delivery_requeue(delivery_id=pk):
            skipped += 1
            continue
        done += alert_delivery_process(delivery_id=pk).delivery.state == DeliveryState.PROCESSED
    text = f"{done} processed." + (
        f" {skipped} skipped: only failed deliveries are processed again." if skipped else ""
    )
    modeladmin.message_user(request, text, messages.SUCCESS if done else messages.WARNING)


class NotificationInline(admin.TabularInline):
    model = AlertNotification
    fields = ("key", "event", "outcome", "ticket", "alert")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(admin.ModelAdmin):
    """Every authenticated POST as it arrived, with the raw body and any processing error."""

    list_display = (
        "id",
        "received_at",
        "source",
        "state",
        "error_code",
        "alert_count",
        "delivery_id",
    )
    list_filter = ("state", "source", "error_code")
    search_fields = ("delivery_id", "error")
    list_select_related = ("source",)
    date_hierarchy = "received_at"
    actions = [reprocess]
    exclude = ("raw",)
    readonly_fields = [f.name for f in AlertDelivery._meta.fields if f.name != "raw"] + ["body"]
    inlines = [NotificationInline]

    def get_queryset(self, request):
        # The body is read only on a delivery's own page (a second query there).
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # what arrived stays as it arrived

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="raw body")
    def body(self, obj: AlertDelivery):
        raw = bytes(obj.raw)
        shown = raw[:SHOWN_BYTES]
        try:
            text = json.dumps(json.loads(shown), indent=2, ensure_ascii=False)
        except ValueError:
            text = shown.decode("utf-8", errors="replace")
        more = (
            f" (first {SHOWN_BYTES} of {len(raw)} bytes)"
            if len(raw) > SHOWN_BYTES
            else f" ({len(raw)} bytes)"
        )
        return format_html(
            '<pre style="white-space: pre-wrap; max-height: 40rem; overflow: auto">{}</pre>{}',
            text,
            more,
        )


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "source",
        "state",
        "occurrences",
        "last_seen",
        "ticket",
        "is_current",
        "is_flapping",
        "in_storm",
    )
    list_filter = ("state", "source", "is_current", "is_flapping", "in_storm")
    search_fields = ("title", "key", "host", "service", "ticket__number")
    list_select_related = ("source", "ticket")
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
