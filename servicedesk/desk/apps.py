from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "servicedesk.desk"
    label = "desk"
    verbose_name = "Agents' desk"
