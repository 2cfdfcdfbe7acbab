from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "servicedesk.channels.email"
    label = "email_channel"
    verbose_name = "Email channel"
