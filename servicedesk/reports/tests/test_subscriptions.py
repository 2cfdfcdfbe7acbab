"""Scheduled reports: subscribing in the desk, when they are due, mailing each once."""

from datetime import UTC, datetime

import pytest

from servicedesk.core.models import OutboxMessage
from servicedesk.reports.models import ReportSubscription
from servicedesk.reports.services import (
    subscription_create,
    subscription_send,
    subscriptions_send_due,
)
from servicedesk.reports.tasks import report_subscriptions_job
from servicedesk.reports.types import ReportError


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_subscribe_from_the_desk_and_unsubscribe(signed_in, lead_mo, time_machine, service_desk):
    time_machine.move_to(utc(2026, 1, 28, 15, 0), tick=False)
    client = signed_in(lead_mo)
    response = client.post(
        "/desk/reports/volume/subscribe/",
        {"frequency": "monthly", "from": "2026-01-01", "to": "2026-01-28", "by": "channel",
         "group": str(service_desk.pk), "priority": ""},
    )  # fmt: skip
    assert response.status_code == 302 and response.url == "/desk/reports/subscriptions/"
    sub = ReportSubscription.objects.get()
    assert sub.user == lead_mo and sub.report == "volume" and sub.frequency == "monthly"
    # The dates come from each mailing's month, not from the page; empty filters are dropped.
    assert sub.params == {"by": "channel", "group": str(service_desk.pk)}
    assert sub.next_run_at == utc(2026, 2, 1, 6, 0)  # the desk's zone is UTC in the tests
    page = client.get("/desk/reports/subscriptions/").content.decode()
    assert "Volume" in page and "Sun 1 Feb 2026 06:00" in page
    assert client.post(f"/desk/reports/subscriptions/{sub.pk}/delete/").status_code == 302
    assert not ReportSubscription.objects.exists()


def test_someone_elses_subscription_cannot_be_removed(signed_in, lead_mo, agent_l1_lee):
    sub = subscription_create(user=lead_mo, report="volume", params={}, frequency="weekly")
    response = signed_in(agent_l1_lee).post(f"/desk/reports/subscriptions/{sub.pk}/delete/")
    assert response.status_code == 404
    assert ReportSubscription.objects.filter(pk=sub.pk).exists()


@pytest.mark.parametrize(
    ("report", "params", "frequency", "message"),
    [
        ("volume", {}, "daily", "weekly or monthly"),
        ("nope", {}, "weekly", "Unknown report"),
        ("volume", {"priority": "9"}, "weekly", "Unknown priority"),
    ],
)
def test_bad_subscription(lead_mo, report, params, frequency, message):
    with pytest.raises(ReportError, match=message):
        subscription_create(user=lead_mo, report=report, params=params, frequency=frequency)


def test_bad_subscription_in_the_desk_says_why(signed_in, lead_mo):
    response = signed_in(lead_mo).post(
        "/desk/reports/volume/subscribe/", {"frequency": "hourly"}, follow=True
    )
    assert "frequency must be weekly or monthly" in response.content.decode()
    assert not ReportSubscription.objects.exists()


def test_monthly_mail_covers_the_month_before_and_is_sent_once(lead_mo, march, time_machine):
    time_machine.move_to(utc(2026, 2, 20, 9, 0), tick=False)
    sub = subscription_create(
        user=lead_mo, report="volume", params={"by": "channel"}, frequency="monthly"
    )
    assert sub.next_run_at == utc(2026, 3, 1, 6, 0)
    time_machine.move_to(utc(2026, 3, 31, 23, 0), tick=False)  # not due yet: April 1st
    sub.next_run_at = utc(2026, 4, 1, 6, 0)
    sub.save()
    assert report_subscriptions_job() == 0
    time_machine.move_to(utc(2026, 4, 1, 6, 5), tick=False)
    assert report_subscriptions_job() == 1
    assert report_subscriptions_job() == 0  # a second run finds nothing due
    mail = OutboxMessage.objects.get(key__startswith="report:")
    assert mail.to == lead_mo.email
    assert mail.subject == "Volume, 1 Mar 2026 to 31 Mar 2026"
    assert mail.key == f"report:{sub.pk}:2026-04-01T06:00:00+00:00"
    # The table inline: Mo sees the service desk's five March tickets, three from the portal.
    lines = mail.body.splitlines()
    portal = next(line for line in lines if line.startswith("Portal"))
    assert portal.split()[1:3] == ["3", "2"]  # created, resolved
    assert "from=2026-03-01" in mail.body and "to=2026-03-31" in mail.body
    assert "/desk/reports/subscriptions/" in mail.body  # how to unsubscribe
    sub.refresh_from_db()
    assert sub.next_run_at == utc(2026, 5, 1, 6, 0)
    assert sub.last_sent_at == utc(2026, 4, 1, 6, 5)


def test_two_workers_never_send_twice(lead_mo, time_machine):
    time_machine.move_to(utc(2026, 3, 4, 12, 0), tick=False)
    sub = subscription_create(user=lead_mo, report="channels", params={}, frequency="weekly")
    now = utc(2026, 3, 9, 6, 30)
    time_machine.move_to(now, tick=False)
    # Both workers saw the row due; the first claims it, the second's conditional UPDATE
    # changes no row, so it queues nothing.
    assert subscription_send(subscription_id=sub.pk, now=now) is True
    assert subscription_send(subscription_id=sub.pk, now=now) is False
    assert OutboxMessage.objects.count() == 1
    # A worker still holding the old due time: the claim names it, and no row has it now.
    claimed = ReportSubscription.objects.filter(
        pk=sub.pk, next_run_at=utc(2026, 3, 9, 6, 0)
    ).update(next_run_at=now)
    assert claimed == 0


def test_a_missed_week_is_mailed_once_for_the_latest_week(lead_mo, time_machine):
    time_machine.move_to(utc(2026, 3, 4, 12, 0), tick=False)
    sub = subscription_create(user=lead_mo, report="channels", params={}, frequency="weekly")
    time_machine.move_to(utc(2026, 3, 25, 9, 0), tick=False)  # the worker was down 3 weeks
    assert subscriptions_send_due() == 1
    mail = OutboxMessage.objects.get(key__startswith="report:")
    assert mail.subject == "Channel mix, 16 Mar 2026 to 22 Mar 2026"
    sub.refresh_from_db()
    assert sub.next_run_at == utc(2026, 3, 30, 6, 0)


def test_a_report_that_no_longer_parses_is_not_sent_and_says_why(lead_mo, time_machine):
    time_machine.move_to(utc(2026, 3, 4, 12, 0), tick=False)
    sub = subscription_create(user=lead_mo, report="channels", params={}, frequency="weekly")
    ReportSubscription.objects.filter(pk=sub.pk).update(params={"group": "999999"})
    time_machine.move_to(utc(2026, 3, 9, 7, 0), tick=False)
    assert subscriptions_send_due() == 0
    sub.refresh_from_db()
    assert "Unknown group" in sub.last_error
    assert sub.next_run_at == utc(2026, 3, 16, 6, 0)
    assert not OutboxMessage.objects.exists()


def test_admins_see_subscriptions_and_cannot_make_one(client, admin_ada, lead_mo):
    subscription_create(user=lead_mo, report="sla", params={"by": "priority"}, frequency="weekly")
    client.force_login(admin_ada)
    page = client.get("/admin/reports/reportsubscription/")
    assert page.status_code == 200 and "mo" in page.content.decode()
    assert client.get("/admin/reports/reportsubscription/add/").status_code == 403
