from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "servicedesk.reports"
    label = "reports"
    verbose_name = "Reports"
