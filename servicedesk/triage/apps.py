from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "servicedesk.triage"
    label = "triage"
    verbose_name = "Triage"
