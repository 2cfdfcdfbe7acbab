from django.apps import AppConfig


class ChatChannelConfig(AppConfig):
    name = "servicedesk.channels.chat"
    label = "chat_channel"
    verbose_name = "Chat"
