"""Correlation, storms and flapping."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from servicedesk.channels.alerts.models import Alert
from servicedesk.channels.alerts.selectors import storm_children
from servicedesk.channels.alerts.services import alerts_settle
from servicedesk.tickets.choices import LinkKind, State
from servicedesk.tickets.models import Ticket, TicketLink

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def alert(key, host="h", service="s", status="firing", title=None):
    return {
        "id": key,
        "title": title or f"Alert {key}",
        "host": host,
        "service": service,
        "status": status,
    }


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_same_host_within_the_window_is_one_incident(make_source, post, clock):
    source = make_source("generic", correlation_window=300, storm_threshold=0)
    post(source, alert("cpu", host="web-01", service="cpu"))
    clock.shift(timedelta(seconds=120))
    answer = post(source, alert("disk", host="web-01", service="disk")).json()
    assert answer["alerts"][0]["outcome"] == "correlated"
    assert Ticket.objects.count() == 1
    ticket = Ticket.objects.get()
    assert ticket.events.filter(message__contains="same host web-01").exists()
    # resolved only when both have
    post(source, alert("cpu", host="web-01", service="cpu", status="resolved"))
    ticket.refresh_from_db()
    assert ticket.state == State.NEW
    post(source, alert("disk", host="web-01", service="disk", status="resolved"))
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED


def test_same_service_across_sources_and_not_outside_the_window(make_source, post, clock):
    zabbix = make_source("generic", slug="one", correlation_window=300, storm_threshold=0)
    other = make_source("generic", slug="two", correlation_window=300, storm_threshold=0)
    post(zabbix, alert("a", host="db-1", service="billing"))
    post(other, alert("b", host="db-2", service="billing"))
    assert Ticket.objects.count() == 1
    clock.shift(timedelta(seconds=301))
    post(other, alert("c", host="db-3", service="billing"))
    assert Ticket.objects.count() == 2


def test_no_correlation_with_nothing_in_common(make_source, post, clock):
    source = make_source("generic", correlation_window=300, storm_threshold=0)
    post(source, alert("a", host="x1", service="s1"))
    post(source, alert("b", host="x2", service="s2"))
    assert Ticket.objects.count() == 2


def test_a_storm_is_one_parent_with_children(make_source, post, clock):
    source = make_source("generic", correlation_window=0, storm_threshold=3, storm_window=60)
    outcomes = []
    for n in range(6):
        clock.shift(timedelta(seconds=5))
        outcomes.append(
            post(source, alert(f"k{n}", host=f"h{n}", service=f"s{n}")).json()["alerts"][0][
                "outcome"
            ]
        )
    assert outcomes == ["opened", "opened", "opened", "storm", "storm", "storm"]
    parent = Ticket.objects.get(title__startswith="Alert storm")
    assert parent.title == "Alert storm: 4 new alerts from generic within 60 s"
    children = storm_children(parent)
    assert sorted(t.title for t in children) == ["Alert k0", "Alert k1", "Alert k2"]
    assert TicketLink.objects.filter(target=parent, kind=LinkKind.CHILD_OF).count() == 3
    assert Ticket.objects.count() == 4
    assert Alert.objects.filter(ticket=parent, in_storm=True).count() == 3
    # the storm passes: the parent resolves when its alerts have
    for n in (3, 4, 5):
        post(source, alert(f"k{n}", host=f"h{n}", service=f"s{n}", status="resolved"))
    parent.refresh_from_db()
    assert parent.state == State.RESOLVED
    # a new alert well after the storm opens its own incident again
    clock.shift(timedelta(seconds=120))
    assert (
        post(source, alert("later", host="hl", service="sl")).json()["alerts"][0]["outcome"]
        == "opened"
    )


def test_flapping_is_held_back_until_it_settles(make_source, post, clock):
    source = make_source(
        "generic", correlation_window=0, storm_threshold=0, flap_threshold=3, flap_window=600
    )
    seen = []
    for status in ["firing", "resolved", "firing", "resolved", "firing", "resolved"]:
        clock.shift(timedelta(seconds=30))
        seen.append(post(source, alert("f", status=status)).json()["alerts"][0]["outcome"])
    assert seen == ["opened", "auto_resolved", "refired", "flapping", "repeat", "flapping"]
    assert Ticket.objects.count() == 2
    second = Alert.objects.get(is_current=True)
    assert second.is_flapping
    assert second.ticket.state == State.NEW  # not re-resolved while flapping
    assert second.ticket.events.filter(message__contains="is flapping").exists()
    clock.shift(timedelta(seconds=300))
    assert alerts_settle() == 0  # not quiet long enough
    clock.shift(timedelta(seconds=301))
    assert alerts_settle() == 1
    second.refresh_from_db()
    assert not second.is_flapping
    assert second.ticket.state == State.RESOLVED


def test_a_flapping_alert_that_settles_firing_opens_again(make_source, post, clock):
    source = make_source(
        "generic", correlation_window=0, storm_threshold=0, flap_threshold=2, flap_window=600
    )
    for status in ["firing", "resolved", "firing"]:
        clock.shift(timedelta(seconds=30))
        post(source, alert("g", status=status))
    # fire -> resolve (auto-resolved) -> fire: the second change makes it flap, held back
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().state == State.RESOLVED
    clock.shift(timedelta(seconds=601))
    assert alerts_settle() == 1
    assert Ticket.objects.count() == 2
    new = Alert.objects.get(is_current=True).ticket
    assert new.state == State.NEW
    assert TicketLink.objects.filter(source=new, kind=LinkKind.RELATED).exists()


def test_repeats_reach_the_timeline_at_most_every_5_minutes(make_source, post, clock):
    source = make_source("generic", correlation_window=0, storm_threshold=0)
    for _ in range(4):
        post(source, alert("r"))
        clock.shift(timedelta(minutes=2))
    clock.shift(timedelta(minutes=2))
    post(source, alert("r"))
    ticket = Ticket.objects.get()
    notes = list(
        ticket.events.filter(message__contains="fired again")
        .order_by("id")
        .values_list("message", flat=True)
    )
    assert notes == [
        "Alert 'Alert r' fired again (occurrence 2).",
        "Alert 'Alert r' fired again (occurrences 3-5).",
    ]
    assert Alert.objects.get().occurrences == 5
