from django.apps import AppConfig


class AlertsChannelConfig(AppConfig):
    name = "servicedesk.channels.alerts"
    label = "alerts_channel"
    verbose_name = "Monitoring alerts"
