from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "servicedesk.api"
    label = "api"
    verbose_name = "REST API"

    def ready(self) -> None:
        # The schema extensions register themselves when their module is imported.
        from servicedesk.api import schema  # noqa: F401
