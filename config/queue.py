"""The task queue and the one table of periodic jobs.

The queue is Huey as ``settings.HUEY`` configures it: SQLite storage under the data directory by
default, Redis when ``REDIS_URL`` is set. Tasks live in each app's ``tasks.py`` (Huey finds them);
what runs on a schedule is listed here and nowhere else, so one look shows every timer the desk
has. ``servicedesk worker`` imports this module; the consumer that runs the scheduler (one per
deployment, see docs/deployment.md) enqueues these jobs.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from huey import Huey, crontab
from huey.contrib.djhuey import HUEY

from servicedesk.api.idempotency import idempotency_keys_purge
from servicedesk.channels.alerts.tasks import alert_deliveries_recover, alerts_settle_job
from servicedesk.channels.email.tasks import (
    inbound_messages_purge_job,
    inbound_messages_recover,
    mailboxes_poll_schedule,
)
from servicedesk.core.outbox import outbox_deliver_job
from servicedesk.reports.tasks import report_subscriptions_job
from servicedesk.sla.tasks import sla_sweep_schedule
from servicedesk.triage.tasks import triage_train_schedule


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    # A huey.crontab(...): tells from a datetime whether the job is due in that minute.
    schedule: Callable[[datetime], bool]
    run: Callable[[], object]


# Later work adds its rows here.
PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    # Warnings, breaches and their actions: every SERVICEDESK_SLA_SWEEP_SECONDS (default 30).
    PeriodicJob(name="sla_sweep", schedule=crontab(), run=sla_sweep_schedule),
    # Mail waiting in the outbox (notifications, SLA warnings, ...), each minute, once a mail
    # transport is configured (SERVICEDESK_SMTP_HOST or SERVICEDESK_EMAIL_BACKEND).
    PeriodicJob(name="outbox_deliver", schedule=crontab(), run=outbox_deliver_job),
    # Inbound mail: each IMAP mailbox polled each minute, and what was stored more than a
    # minute ago but never processed (a worker died mid-way) queued again.
    PeriodicJob(name="mailboxes_poll", schedule=crontab(), run=mailboxes_poll_schedule),
    PeriodicJob(name="inbound_messages_recover", schedule=crontab(), run=inbound_messages_recover),
    # The raw bytes of finished inbound mail past SERVICEDESK_EMAIL_KEEP_DAYS (0, the default:
    # kept for ever), nightly.
    PeriodicJob(
        name="inbound_messages_purge",
        schedule=crontab(hour="3", minute="41"),
        run=inbound_messages_purge_job,
    ),
    # Monitoring alerts: deliveries stored but never processed, and flapping alerts that
    # settled (their incident resolved or re-opened as the last state says), each minute.
    PeriodicJob(name="alert_deliveries_recover", schedule=crontab(), run=alert_deliveries_recover),
    PeriodicJob(name="alerts_settle", schedule=crontab(), run=alerts_settle_job),
    # API retries are answered from stored responses for 24 hours; older keys are dropped.
    PeriodicJob(
        name="idempotency_keys_purge", schedule=crontab(minute="17"), run=idempotency_keys_purge
    ),
    # Scheduled reports (weekly on Mondays, monthly on the 1st, 06:00 in the desk's zone) go
    # to the outbox within the hour they fall due; each is claimed once, so extra runs are
    # harmless.
    PeriodicJob(
        name="report_subscriptions", schedule=crontab(minute="5"), run=report_subscriptions_job
    ),
)
# The triage model retrained on the ticket history: SERVICEDESK_TRIAGE_TRAIN_SCHEDULE, a cron
# line (nightly at 02:30 by default), or "off" for on demand only (servicedesk triage-train).
if settings.SERVICEDESK_TRIAGE_TRAIN_SCHEDULE is not None:
    PERIODIC_JOBS += (
        PeriodicJob(
            name="triage_train",
            schedule=crontab(**settings.SERVICEDESK_TRIAGE_TRAIN_SCHEDULE),
            run=triage_train_schedule,
        ),
    )


def register(jobs: tuple[PeriodicJob, ...], huey: Huey = HUEY) -> None:
    for job in jobs:
        huey.periodic_task(job.schedule, name=job.name)(job.run)


register(PERIODIC_JOBS)
