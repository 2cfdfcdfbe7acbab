"""Writes of the reports app: subscribing to a report, unsubscribing, and mailing what is due."""

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.http import urlencode

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.core.errors import NotFound
from servicedesk.core.outbox import outbox_queue
from servicedesk.reports.choices import Frequency
from servicedesk.reports.models import ReportSubscription
from servicedesk.reports.presentation import text_table
from servicedesk.reports.schedule import next_run_after, period_before
from servicedesk.reports.selectors import report_query_parse, report_run
from servicedesk.reports.types import ReportError

logger = logging.getLogger(__name__)
# The parameters a subscription keeps: the dates come from each mailing's period.
KEPT_OUT = ("from", "to", "format", "name")


def subscription_params(params) -> dict[str, str]:
    """The report parameters worth keeping: no dates, no empty values."""
    return {
        key: str(value).strip()
        for key, value in params.items()
        if key not in KEPT_OUT and str(value).strip()
    }


def subscription_create(
    *, user: User, report: str, params: dict[str, str], frequency: str
) -> ReportSubscription:
    """Subscribe ``user`` to ``report`` with ``params``; ReportError for a bad report, filter
    or frequency (checked now, so that the first mailing does not find it out)."""
    if frequency not in Frequency.values:
        raise ReportError(f"frequency must be weekly or monthly, not {frequency!r}.")
    kept = subscription_params(params)
    report_query_parse(kept, name=report)
    if not user.is_agent:
        raise ReportError("Reports are for agents, leads and admins.")
    now = clock.now()
    return ReportSubscription.objects.create(
        user=user,
        report=report,
        params=kept,
        frequency=frequency,
        next_run_at=next_run_after(frequency, now),
        created_at=now,
    )


def subscription_delete(*, user: User, subscription_id: int) -> None:
    """Unsubscribe: only from one's own subscriptions (anyone else's does not exist)."""
    deleted, _ = ReportSubscription.objects.filter(pk=subscription_id, user=user).delete()
    if not deleted:
        raise NotFound("No such subscription of yours.")


def _site(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _mail(subscription: ReportSubscription, run_at: datetime) -> tuple[str, str]:
    """Subject and body of one mailing: the table inline, links to the page and the CSV."""
    date_from, date_to = period_before(subscription.frequency, run_at)
    params = {**subscription.params, "from": date_from.isoformat(), "to": date_to.isoformat()}
    query = report_query_parse(params, name=subscription.report)
    result = report_run(user=subscription.user, query=query)
    page = reverse("reports:report", args=[subscription.report])
    csv_url = reverse("reports:export", args=[subscription.report, "csv"])
    subject = f"{result.title}, {date_from:%-d %b %Y} to {date_to:%-d %b %Y}"
    filters = ", ".join(f"{k} {v}" for k, v in sorted(subscription.params.items()))
    lines = [
        f"{result.title}: {result.description}",
        f"From {date_from} to {date_to} ({result.time_zone})"
        + (f"; {filters}" if filters else "")
        + ".",
        "",
        text_table(result),
        "",
        *(f"Note: {note}" for note in result.notes),
        f"In the desk: {_site(page)}?{urlencode(params)}",
        f"As CSV: {_site(csv_url)}?{urlencode(params)}",
        "",
        f"You get this {subscription.get_frequency_display().split(' (')[0].lower()} report "
        f"because you subscribed to it. Unsubscribe: {_site(reverse('reports:subscriptions'))}",
    ]
    return subject, "\n".join(lines)


def subscription_send(*, subscription_id: int, now: datetime) -> bool:
    """Mail one due subscription, at most once per due time: the row is claimed by moving its
    ``next_run_at`` on with a conditional UPDATE in the transaction that queues the mail, so
    of two workers only one changes the row and queues it (and the outbox key is unique per
    due time besides). True when this call queued the mail."""
    with transaction.atomic():
        sub = (
            ReportSubscription.objects.select_related("user")
            .filter(pk=subscription_id, next_run_at__lte=now)
            .first()
        )
        if sub is None:
            return False
        due = sub.next_run_at
        claimed = ReportSubscription.objects.filter(pk=sub.pk, next_run_at=due).update(
            next_run_at=next_run_after(sub.frequency, now)
        )
        if not claimed:
            return False  # another worker has it
        user = sub.user
        if not (user.is_active and user.is_agent and user.email):
            ReportSubscription.objects.filter(pk=sub.pk).update(
                last_error="Not sent: the subscriber is no longer an active agent with an address."
            )
            return False
        try:
            subject, body = _mail(sub, now)
        except ReportError as error:
            ReportSubscription.objects.filter(pk=sub.pk).update(
                last_error=f"Not sent on {now:%Y-%m-%d}: {error}"[:500]
            )
            return False
        queued = outbox_queue(
            key=f"report:{sub.pk}:{due.isoformat()}", to=user.email, subject=subject, body=body
        )
        ReportSubscription.objects.filter(pk=sub.pk).update(last_sent_at=now, last_error="")
        return queued is not None


def subscriptions_send_due(*, limit: int = 200) -> int:
    """Mail every subscription that is due; the number queued. Safe to run on every worker."""
    now = clock.now()
    due = ReportSubscription.objects.filter(next_run_at__lte=now).order_by("next_run_at")
    sent = 0
    for pk in list(due.values_list("pk", flat=True)[:limit]):
        try:
            sent += subscription_send(subscription_id=pk, now=now)
        except Exception:  # one broken report must not stop the others' mail
            logger.exception("report subscription %s failed", pk)
    return sent
