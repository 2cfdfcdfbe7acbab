"""The alerts channel's periodic work: thin, each calls a service."""

from datetime import timedelta

from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from servicedesk.channels.alerts.choices import DeliveryState
from servicedesk.channels.alerts.models import AlertDelivery
from servicedesk.channels.alerts.services import alert_delivery_process, alerts_settle
from servicedesk.core import clock

# A delivery stored but not processed after this long (the database refused the processing,
# the web process died mid-way) is processed by the recovery job.
RECOVER_AFTER = timedelta(minutes=1)


def alert_deliveries_recover(*, limit: int = 200) -> int:
    """Each minute: process what was stored and never processed; the number taken up."""
    try:
        with HUEY.lock_task("alert-deliveries-recover"):
            waiting = AlertDelivery.objects.filter(
                state=DeliveryState.RECEIVED, received_at__lt=clock.now() - RECOVER_AFTER
            ).order_by("received_at", "id")
            taken = 0
            for pk in waiting.values_list("pk", flat=True)[:limit]:
                alert_delivery_process(delivery_id=pk)
                taken += 1
            return taken
    except TaskLockedException:
        return 0


def alerts_settle_job() -> int:
    """Each minute: flapping alerts quiet for their window get the outcome held back."""
    return alerts_settle()
