from django.apps import AppConfig
from django.db.models.signals import post_migrate

from servicedesk.tickets.search import index


class TicketsConfig(AppConfig):
    name = "servicedesk.tickets"
    label = "tickets"
    verbose_name = "Tickets"

    def ready(self) -> None:
        post_migrate.connect(index.repair, sender=self, dispatch_uid="tickets.search.repair")
        from servicedesk.accounts.models import SupportGroup
        from servicedesk.core.config import watch
        from servicedesk.tickets.models import Category, PriorityMatrixCell

        # What ticket_create reads on every call and keeps per process (core.config).
        watch(PriorityMatrixCell, Category, SupportGroup)
