from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "servicedesk.api"
    label = "api"
    verbose_name = "REST API"
