"""Shapes of /api/v1/chat/: conversations with their messages, and what a client posts."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from servicedesk.channels.chat.models import Conversation, Message


class ChatMessageOutput(serializers.ModelSerializer):
    text = serializers.CharField(source="body")
    extra = serializers.JSONField(
        help_text="Bot messages: articles offered (id, title, url, snippet with <mark>), "
        "choices (quick replies to show as buttons), ticket (number, url)."
    )

    class Meta:
        model = Message
        fields = ["id", "author", "text", "extra", "created_at"]


class ChatTicketRef(serializers.Serializer):
    number = serializers.CharField()
    url = serializers.CharField()


class ConversationOutput(serializers.ModelSerializer):
    ended = serializers.BooleanField(source="has_ended")
    ticket = serializers.SerializerMethodField()
    messages = serializers.SerializerMethodField()

    class Meta:
        model = Conversation
        fields = [
            "id", "step", "ended", "source", "ticket", "helped_article_id", "created_at",
            "updated_at", "messages",
        ]  # fmt: skip

    @extend_schema_field(ChatTicketRef(allow_null=True))
    def get_ticket(self, conversation: Conversation) -> dict | None:
        ticket = conversation.ticket
        if ticket is None:
            return None
        return {"number": ticket.number, "url": reverse("portal:ticket", args=[ticket.number])}

    @extend_schema_field(ChatMessageOutput(many=True))
    def get_messages(self, conversation: Conversation) -> list:
        messages = self.context.get("messages")
        if messages is None:
            messages = conversation.messages.order_by("created_at", "id")
        return ChatMessageOutput(messages, many=True).data


class ConversationSummary(serializers.ModelSerializer):
    ended = serializers.BooleanField(source="has_ended")

    class Meta:
        model = Conversation
        fields = ["id", "step", "ended", "source", "created_at", "updated_at"]


def _text_field(**kwargs) -> serializers.CharField:
    # The service gives the clear answers on empty and long text; the field only takes a string.
    return serializers.CharField(allow_blank=True, trim_whitespace=False, **kwargs)


class ConversationInput(serializers.Serializer):
    text = _text_field(
        required=False,
        default="",
        help_text="A first message (optional); "
        f"at most {settings.SERVICEDESK_CHAT_MESSAGE_MAX_CHARS} characters.",
    )


class ChatMessageInput(serializers.Serializer):
    text = _text_field(help_text="What the user typed.")
    article_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="When the user marks one offered article as the one that helped.",
    )


class ChatUploadInput(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False)
