from django.apps import AppConfig
from django.db.models.signals import post_migrate

from servicedesk.knowledge import index


class KnowledgeConfig(AppConfig):
    name = "servicedesk.knowledge"
    label = "knowledge"
    verbose_name = "Knowledge base"

    def ready(self) -> None:
        post_migrate.connect(index.repair, sender=self, dispatch_uid="knowledge.index.repair")
