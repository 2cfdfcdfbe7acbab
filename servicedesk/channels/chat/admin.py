from django.contrib import admin

from servicedesk.channels.chat.models import Conversation, Message


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    fields = ("created_at", "author", "body")
    readonly_fields = fields
    can_delete = False


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    list_display = ("id", "user", "source", "step", "ticket", "helped_article_id", "updated_at")
    list_filter = ("step", "source")
    search_fields = ("user__username", "user__email")
    raw_id_fields = ("user", "ticket")
    readonly_fields = ("created_at", "updated_at")
    inlines = [MessageInline]
