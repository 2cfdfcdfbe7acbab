"""Editing a calendar or a policy's targets moves the running clocks it governs, in bulk: the
time used before the edit stays as counted, the rest runs on the calendar and targets as saved."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from servicedesk.sla.choices import ClockStatus, Metric
from servicedesk.sla.models import Clock, SLATarget
from servicedesk.sla.reschedule import ClockReschedule
from servicedesk.sla.tests.factories import berlin_office, policy_with
from servicedesk.sla.tests.test_admin import policy_form
from servicedesk.tickets.services import comment_add
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

MONDAY_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)  # 09:00 in Berlin
MORNINGS = {day: [["09:00", "13:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


def at(hours: float) -> datetime:
    return MONDAY_0900 + timedelta(hours=hours)


@pytest.fixture
def office(db):
    return berlin_office()


@pytest.fixture
def policy(office):
    return policy_with(calendar=office, response="1h", resolution="8h")


@pytest.fixture
def ticket(policy, requester_ann, agent_l1_lee, time_machine):
    time_machine.move_to(MONDAY_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2, assignee=agent_l1_lee)
    time_machine.move_to(at(0.5), tick=False)
    comment_add(ticket=ticket, by=agent_l1_lee, body="On it.", is_public=True)
    time_machine.move_to(at(2), tick=False)  # Monday 11:00 local: 2h of the 8h used
    return ticket


@pytest.fixture
def ada(admin_ada) -> Client:
    client = Client()
    client.force_login(admin_ada)
    return client


def resolution(ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, metric=Metric.RESOLUTION)


def test_shorter_hours_in_the_admin_move_the_due_time_and_keep_the_time_used(ada, office, ticket):
    form = {
        "name": office.name, "timezone": "Europe/Berlin", "hours": json.dumps(MORNINGS),
        "holidays": "[]", "country": "", "subdivision": "",
        "groupcalendar_set-TOTAL_FORMS": 0, "groupcalendar_set-INITIAL_FORMS": 0,
        "organisationcalendar_set-TOTAL_FORMS": 0, "organisationcalendar_set-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = ada.post(reverse("admin:sla_businesscalendar_change", args=[office.pk]), form)
    assert response.status_code == 302
    clock = resolution(ticket)
    assert (clock.banked, clock.running_since) == (timedelta(hours=2), at(2))
    # 6h left from Mon 11:00 on mornings only: Mon 11-13, Tue 09-13 local.
    assert clock.due_at == datetime(2026, 6, 2, 11, 0, tzinfo=UTC)
    assert clock.next_check_at == datetime(2026, 6, 2, 9, 0, tzinfo=UTC)  # 75%, 6h: Tue 11:00
    # The response clock, met, is not touched.
    response_clock = Clock.objects.get(ticket=ticket, metric=Metric.RESPONSE)
    assert (response_clock.status, response_clock.banked) == (
        ClockStatus.MET, timedelta(minutes=30),
    )  # fmt: skip


def test_a_shorter_target_in_the_policy_admin_moves_the_clocks_of_that_priority(
    ada, policy, ticket
):
    targets = [
        (t.metric, t.priority, str(t.duration)) for t in SLATarget.objects.filter(policy=policy)
    ]
    form = policy_form(
        name=policy.name, order=policy.order, targets=[],
        **{"pause_states": ["awaiting_user", "awaiting_vendor"]},
    )  # fmt: skip
    form.update({"targets-TOTAL_FORMS": len(targets), "targets-INITIAL_FORMS": len(targets)})
    for index, target in enumerate(SLATarget.objects.filter(policy=policy)):
        hours = "04:00:00" if (target.metric, target.priority) == ("resolution", 3) else None
        form.update({
            f"targets-{index}-id": target.pk, f"targets-{index}-policy": policy.pk,
            f"targets-{index}-metric": target.metric, f"targets-{index}-priority": target.priority,
            f"targets-{index}-duration": hours or str(target.duration),
        })  # fmt: skip
    response = ada.post(reverse("admin:sla_slapolicy_change", args=[policy.pk]), form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    clock = resolution(ticket)
    assert clock.target == timedelta(hours=4)
    assert clock.due_at == at(4)  # Monday 13:00 local
    assert clock.next_check_at == at(3)  # 75% of 4h


def test_the_queries_do_not_grow_with_the_clocks(policy, office, requester_ann, time_machine):
    def count_queries(tickets: int) -> int:
        time_machine.move_to(MONDAY_0900, tick=False)
        for _ in range(tickets):
            make_ticket(requester=requester_ann)
        time_machine.move_to(at(0.25), tick=False)
        with CaptureQueriesContext(connection) as seen:
            reschedule = ClockReschedule(calendar=office.pk, now=at(0.25))
            reschedule.begin()
            reschedule.finish()
        return len(seen)

    few = count_queries(2)
    Clock.objects.all().delete()
    assert count_queries(40) == few
