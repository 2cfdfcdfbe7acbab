"""Scheduled reports as a periodic job: thin, it calls the service that mails what is due."""

from servicedesk.reports.services import subscriptions_send_due


def report_subscriptions_job() -> int:
    """Hourly (config/queue.py): the weekly and monthly reports due since the last run."""
    return subscriptions_send_due()
