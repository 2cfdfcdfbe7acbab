from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html

from servicedesk.channels.email.choices import InboundState
from servicedesk.channels.email.models import InboundMessage, Mailbox
from servicedesk.channels.email.services import inbound_message_process, inbound_message_requeue


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = (
        "name", "address", "group", "is_active", "imap_enabled", "last_polled_at",
        "last_poll_error",
    )  # fmt: skip
    list_filter = ("is_active", "imap_enabled", "unknown_sender")
    search_fields = ("name", "address")
    readonly_fields = ("last_polled_at", "last_poll_error")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "imap_secret":
            # Masked on screen (still in the page source: prefer the environment variable).
            kwargs["widget"] = forms.PasswordInput(render_value=True)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    fieldsets = (
        (None, {"fields": ("name", "address", "group", "is_active")}),
        (
            "Processing",
            {"fields": ("unknown_sender", "auto_replies_create_tickets", "cc_watchers")},
        ),
        (
            "IMAP polling",
            {
                "fields": (
                    "imap_enabled",
                    "imap_host",
                    "imap_port",
                    "imap_security",
                    "imap_auth",
                    "imap_username",
                    "imap_secret_env",
                    "imap_secret",
                    "imap_folder",
                    "imap_after_fetch",
                    "imap_move_to",
                    "last_polled_at",
                    "last_poll_error",
                )  # fmt: skip
            },
        ),
    )


@admin.action(description="Re-process the selected messages (quarantined or discarded)")
def reprocess(modeladmin, request, queryset):
    done = skipped = 0
    for pk in queryset.values_list("pk", flat=True):
        if not inbound_message_requeue(message_id=pk):
            skipped += 1
            continue
        result = inbound_message_process(message_id=pk)
        done += result.state in (InboundState.PROCESSED, InboundState.DUPLICATE)
    level = messages.SUCCESS if done else messages.WARNING
    text = f"{done} processed."
    if skipped:
        text += (
            f" {skipped} skipped: only quarantined or discarded messages whose raw bytes are "
            "still kept are re-processed."
        )
    modeladmin.message_user(request, text, level)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    """Every message as it arrived: quarantined ones with their reason, re-processable."""

    list_display = (
        "received_at", "mailbox", "transport", "from_address", "subject", "state", "outcome",
        "ticket", "is_automatic", "reason",
    )  # fmt: skip
    list_filter = ("state", "mailbox", "transport", "is_automatic", "outcome")
    search_fields = ("from_address", "subject", "message_id", "raw_sha256")
    list_select_related = ("mailbox", "ticket")
    actions = [reprocess]
    date_hierarchy = "received_at"
    exclude = ("raw",)
    readonly_fields = [
        f.name for f in InboundMessage._meta.fields if f.name != "raw"
    ] + ["download"]  # fmt: skip

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read-only: what arrived stays as it arrived

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # nothing that arrived is lost, not even by a click

    @admin.display(description="original message")
    def download(self, obj: InboundMessage):
        if obj.pk is None:
            return "-"
        if obj.purged_at is not None:
            return f"purged {obj.purged_at:%Y-%m-%d %H:%M} UTC, its keep period over ({obj.size} bytes)"
        url = reverse("admin:email_channel_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">message-{}.eml</a> ({} bytes)', url, obj.pk, obj.size)

    def get_urls(self):
        raw = self.admin_site.admin_view(self.raw_view)
        return [
            path("<int:pk>/raw/", raw, name="email_channel_inboundmessage_raw"),
            *super().get_urls(),
        ]

    def raw_view(self, request, pk: int):
        message = InboundMessage.objects.filter(pk=pk).first()
        if message is None or not self.has_view_permission(request, message):
            return HttpResponse(status=404)
        if message.purged_at is not None:
            return HttpResponse(
                "The raw message was purged, its keep period over (SERVICEDESK_EMAIL_KEEP_DAYS).",
                status=410, content_type="text/plain",
            )  # fmt: skip
        response = HttpResponse(bytes(message.raw), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="message-{pk}.eml"'
        return response
