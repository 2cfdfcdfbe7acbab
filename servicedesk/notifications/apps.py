from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "servicedesk.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from servicedesk.notifications.services import ticket_event_notify
        from servicedesk.tickets.observers import observe

        # Models are loaded only now: the services module imports them (docs/decisions/0004).
        observe(ticket_event_notify)
        from servicedesk.core.config import watch
        from servicedesk.notifications.models import NotificationTemplate

        watch(NotificationTemplate)
