"""The SLA sweep as a queued task: thin, it calls the sweeper and the automatic closure."""

from django.conf import settings
from huey.contrib.djhuey import db_task

from servicedesk.sla.autoclose import auto_close_sweep
from servicedesk.sla.sweeper import sla_sweep


@db_task()
def sla_sweep_task() -> None:
    sla_sweep()
    auto_close_sweep()


def sla_sweep_schedule() -> None:
    """Run each minute by the scheduler: a sweep now and at each SLA_SWEEP_SECONDS after."""
    every = settings.SERVICEDESK_SLA_SWEEP_SECONDS
    for offset in range(0, 60, every):
        if offset:
            sla_sweep_task.schedule(delay=offset)
        else:
            sla_sweep_task()
