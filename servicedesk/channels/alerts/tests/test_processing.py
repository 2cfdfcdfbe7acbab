"""From alerts to incidents: repeats, re-fire after close, acknowledge, auto-resolve and when
not, mapping to impact, urgency and configuration items, and the one-incident constraint."""

import pytest
from django.db import IntegrityError, transaction

from servicedesk.channels.alerts import services
from servicedesk.channels.alerts.models import Alert, AlertNotification
from servicedesk.tickets.choices import CIKind, Impact, LinkKind, ResolutionCode, State
from servicedesk.tickets.models import ConfigurationItem, Ticket, TicketLink
from servicedesk.tickets.services import ticket_update


def fire(
    key="k1", title="Disk full", host="web-01", service="disk", severity=None, status="firing"
):
    return {
        "id": key,
        "title": title,
        "host": host,
        "service": service,
        "severity": severity,
        "status": status,
    }


def resolve(key="k1", **kw):
    return fire(key, status="resolved", **kw)


@pytest.fixture
def source(make_source):
    return make_source("generic", correlation_window=0)


def test_repeats_count_on_the_one_incident(source, post):
    for _ in range(3):
        post(source, fire())
    alert = Alert.objects.get()
    assert (alert.occurrences, alert.notifications) == (3, 3)
    assert Ticket.objects.count() == 1
    # the timeline notes the first repeat, then at most one every 5 minutes
    assert list(
        alert.ticket.events.filter(message__contains="fired again").values_list(
            "message", flat=True
        )
    ) == ["Alert 'Disk full' fired again (occurrence 2)."]
    assert list(AlertNotification.objects.values_list("outcome", flat=True)) == [
        "opened",
        "repeat",
        "repeat",
    ]


def test_refire_after_close_is_a_new_incident_related_to_the_old(source, post, agent_l1_lee):
    post(source, fire())
    post(source, resolve())
    old = Ticket.objects.get()
    assert old.state == State.RESOLVED
    assert old.resolution_code == ResolutionCode.SOLVED
    answer = post(source, fire()).json()
    assert answer["alerts"][0]["outcome"] == "refired"
    new = Ticket.objects.exclude(pk=old.pk).get()
    assert TicketLink.objects.filter(source=new, target=old, kind=LinkKind.RELATED).exists()
    current = Alert.objects.get(is_current=True)
    assert (current.ticket, current.previous.ticket) == (new, old)


def test_a_resolve_for_nothing_open_is_recorded(source, post):
    answer = post(source, resolve("never-fired")).json()
    assert answer["alerts"][0]["outcome"] == "nothing_open"
    assert Ticket.objects.count() == 0
    assert AlertNotification.objects.get().outcome == "nothing_open"


def test_acknowledge_is_an_event_not_a_state_change(make_source, post):
    source = make_source("pagerduty_events_v2")
    post(
        source,
        {
            "event_action": "trigger",
            "dedup_key": "d",
            "payload": {"summary": "Down", "source": "h", "severity": "critical"},
        },
    )
    post(source, {"event_action": "acknowledge", "dedup_key": "d"})
    ticket = Ticket.objects.get()
    assert ticket.state == State.NEW
    assert ticket.events.filter(
        message="Alert 'Down' acknowledged in pagerduty_events_v2."
    ).exists()
    assert Alert.objects.get().state == "acknowledged"


def test_note_only_sources_never_resolve(make_source, post):
    source = make_source("generic", note_only=True, correlation_window=0)
    post(source, fire())
    post(source, resolve())
    ticket = Ticket.objects.get()
    assert ticket.state == State.NEW
    assert ticket.events.filter(message__contains="only adds notes").exists()


def test_an_agents_state_change_keeps_it_open(source, post, agent_l1_lee, service_desk):
    post(source, fire())
    ticket = Ticket.objects.get()
    ticket_update(
        ticket=ticket,
        by=agent_l1_lee,
        changes={"assignee": agent_l1_lee, "state": State.IN_PROGRESS},
    )
    post(source, resolve())
    ticket.refresh_from_db()
    assert ticket.state == State.IN_PROGRESS
    assert ticket.events.filter(message__contains="someone changed its state").exists()


def test_an_internal_note_does_not_keep_it_open(source, post, agent_l1_lee):
    from servicedesk.tickets.services import comment_add

    post(source, fire())
    ticket = Ticket.objects.get()
    comment_add(ticket=ticket, by=agent_l1_lee, body="internal", is_public=False)
    post(source, resolve())
    ticket.refresh_from_db()
    assert ticket.state == State.RESOLVED


def test_severity_table_of_the_source_then_built_in(make_source, post):
    source = make_source(
        "generic", correlation_window=0, severity_map={"sev-a": {"impact": 1, "urgency": 3}}
    )
    post(source, fire("a", severity="SEV-A", host="h1", service="s1"))
    post(source, fire("b", severity="critical", host="h2", service="s2"))
    post(source, fire("c", severity="whatever", host="h3", service="s3"))
    got = {
        t.title + t.description.split("Key: ")[1][:1]: (t.impact, t.urgency)
        for t in Ticket.objects.all()
    }
    assert sorted(got.values()) == sorted([(1, 3), (1, 1), (Impact.MEDIUM, Impact.MEDIUM)])


def test_host_and_service_name_configuration_items(source, post):
    web = ConfigurationItem.objects.create(name="web-01", kind=CIKind.CI)
    shop = ConfigurationItem.objects.create(name="Shop", kind=CIKind.SERVICE)
    post(source, fire(host="web-01.example.com:9100", service="shop"))
    ticket = Ticket.objects.get()
    assert (ticket.configuration_item, ticket.affected_service) == (web, shop)


def test_the_source_group_or_the_service_desk(make_source, post, network_team, service_desk):
    routed = make_source("generic", slug="net", assignment_group=network_team, correlation_window=0)
    post(routed, fire())
    plain = make_source("generic", slug="plain", correlation_window=0)
    post(plain, fire())
    groups = {
        a.source.slug: a.ticket.assignment_group for a in Alert.objects.select_related("ticket")
    }
    assert groups == {"net": network_team, "plain": service_desk}


def test_the_requester_is_the_monitoring_account(source, post):
    post(source, fire())
    ticket = Ticket.objects.get()
    assert ticket.requester.username == "monitoring"
    assert not ticket.requester.has_usable_password()
    assert ticket.channel == "monitoring"


def test_never_a_ticket_without_a_title(source, post):
    post(source, {"id": "only-a-key"})
    assert Ticket.objects.get().title == "generic alert only-a-key"


def test_one_current_episode_per_key_is_a_database_constraint(source):
    alert = dict(
        source=source,
        key="k",
        key_hash=Alert.hash_key("k"),
        title="t",
        first_seen="2026-01-01T00:00Z",
        last_seen="2026-01-01T00:00Z",
    )
    Alert.objects.create(**alert)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(**alert)
    Alert.objects.create(**alert, is_current=False)  # past episodes are many


def test_a_concurrent_first_delivery_becomes_a_repeat(source, post, monkeypatch):
    """The race of two first deliveries: the loser's insert fails on the constraint and it
    counts as a repeat of the winner's incident."""
    post(source, fire())
    real = services._current
    calls = []

    def as_if_not_yet_committed(src, key_hash):
        calls.append(key_hash)
        return None if len(calls) == 1 else real(src, key_hash)

    monkeypatch.setattr(services, "_current", as_if_not_yet_committed)
    answer = post(source, fire()).json()
    assert answer["alerts"][0]["outcome"] == "repeat"
    assert Ticket.objects.count() == 1
    assert Alert.objects.get().occurrences == 2


def test_processing_a_delivery_twice_changes_nothing(source, post):
    delivery_id = post(source, fire()).json()["delivery"]
    services.alert_delivery_process(delivery_id=delivery_id)
    assert Alert.objects.get().occurrences == 1


def test_an_idempotency_key_header_makes_a_retry_a_duplicate(source, post):
    post(source, fire(), HTTP_IDEMPOTENCY_KEY="n-1")
    answer = post(source, fire(), HTTP_IDEMPOTENCY_KEY="n-1").json()
    assert answer["state"] == "duplicate"
    assert Alert.objects.get().occurrences == 1


def test_triage_rules_route_by_channel_and_affected_service(
    source, post, network_team, service_desk
):
    from servicedesk.triage.tests.factories import make_rule

    ConfigurationItem.objects.create(name="vpn", kind=CIKind.SERVICE)
    make_rule(
        "VPN alerts",
        1,
        ("channel", "is", "monitoring"),
        ("affected_service", "is", "vpn"),
        set_group=network_team,
    )
    post(source, fire("a", service="vpn", host="fw-1"))
    post(source, fire("b", service="mail", host="mx-1"))
    groups = {a.key: a.ticket.assignment_group for a in Alert.objects.select_related("ticket")}
    assert groups == {"a": network_team, "b": service_desk}
