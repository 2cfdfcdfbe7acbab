"""Settings of the SLA app that must be readable before the desk starts."""

from django.core import checks

from servicedesk.sla.autoclose import default_quiet_period


@checks.register(checks.Tags.compatibility)
def quiet_period_check(app_configs, **kwargs):
    try:
        default_quiet_period()
    except ValueError as error:
        return [
            checks.Error(
                f"SERVICEDESK_AUTO_CLOSE_AFTER cannot be read: {error}",
                hint="A duration such as 48h or 336h, or 0 to keep resolved tickets open.",
                id="sla.E001",
            )
        ]
    return []
