from django.apps import AppConfig


class SlaConfig(AppConfig):
    name = "servicedesk.sla"
    label = "sla"
    verbose_name = "Service levels"

    def ready(self) -> None:
        from servicedesk.sla import checks  # noqa: F401  (registers the settings check)
        from servicedesk.sla.services import ticket_event_observed
        from servicedesk.tickets.observers import observe

        # Models are loaded only now: the services module imports them.
        observe(ticket_event_observed)
        from servicedesk.core.config import watch
        from servicedesk.sla import models

        # What every ticket write reads and keeps per process (sla.policies, core.config).
        watch(
            models.SLAPolicy, models.SLATarget, models.SLAAction, models.BusinessCalendar,
            models.GroupCalendar, models.OrganisationCalendar,
        )  # fmt: skip
