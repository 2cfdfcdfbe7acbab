"""The desk's incident page shows its alerts; the admin site sets sources up and shows
what arrived."""

import re

import pytest

from servicedesk.channels.alerts.models import AlertDelivery, AlertSource
from servicedesk.tickets.models import Ticket


def fire(key, host, service, status="firing"):
    return {
        "id": key,
        "title": f"Alert {key}",
        "host": host,
        "service": service,
        "status": status,
        "url": "https://mon.example.com/a",
    }


def test_the_incident_page_shows_its_alerts(client, agent_l1_lee, make_source, post):
    source = make_source("generic", correlation_window=300, storm_threshold=0)
    post(source, fire("a", "web-01", "cpu"))
    post(source, fire("a", "web-01", "cpu"))
    post(source, fire("b", "web-01", "disk"))
    ticket = Ticket.objects.get()
    client.force_login(agent_l1_lee)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    panel = page[page.index('id="alerts"') :]
    panel = panel[: panel.index("</section>")]
    assert "2 alerts, 2 firing · 3 firing notifications" in panel
    assert "Alert a" in panel and "Alert b" in panel
    assert "2× fired" in panel
    assert "generic" in panel and "web-01" in panel
    assert 'href="https://mon.example.com/a"' in panel


def test_the_storm_parent_lists_its_children(client, agent_l1_lee, make_source, post):
    source = make_source("generic", correlation_window=0, storm_threshold=2)
    for n in range(4):
        post(source, fire(f"k{n}", f"h{n}", f"s{n}"))
    parent = Ticket.objects.get(title__startswith="Alert storm")
    client.force_login(agent_l1_lee)
    page = client.get(f"/desk/tickets/{parent.number}/").content.decode()
    assert "Storm children" in page
    children = Ticket.objects.exclude(pk=parent.pk).order_by("number")
    assert [c.title for c in children] == ["Alert k0", "Alert k1"]
    for child in children:
        assert f'href="/desk/tickets/{child.number}/"' in page
    assert "<strong>Alert storm:</strong>" in page


def test_other_tickets_have_no_alert_panel(client, agent_l1_lee, requester_ann):
    from servicedesk.tickets.services import ticket_create

    ticket = ticket_create(by=requester_ann, requester=requester_ann, title="Printer")
    client.force_login(agent_l1_lee)
    assert 'id="alerts"' not in client.get(f"/desk/tickets/{ticket.number}/").content.decode()


@pytest.fixture
def admin_client_ada(client, admin_ada):
    client.force_login(admin_ada)
    return client


def test_an_admin_sets_a_source_up_in_the_admin_site(admin_client_ada, post):
    response = admin_client_ada.post(
        "/admin/alerts_channel/alertsource/add/",
        {"name": "Zabbix prod", "slug": "zabbix-prod", "kind": "zabbix", "is_active": "on",
         "severity_map": '{"4": {"impact": 1, "urgency": 1}}', "default_impact": "2",
         "default_urgency": "2", "mapping": "{}", "correlation_window": "300",
         "storm_threshold": "20", "storm_window": "60", "flap_threshold": "4",
         "flap_window": "600", "verify_signatures": "on"},
        follow=True,
    )  # fmt: skip
    text = response.content.decode()
    token = re.search(r"token ([A-Za-z0-9_-]{40,})", text).group(1)
    assert "/api/v1/alerts/zabbix-prod/" in text
    source = AlertSource.objects.get(slug="zabbix-prod")
    source.token = token
    answer = post(
        source,
        {
            "eventid": "1",
            "eventvalue": "1",
            "eventupdate": "0",
            "eventname": "Problem: X",
            "hostname": "h",
            "severity": "4",
        },
    )
    assert answer.status_code == 202
    ticket = Ticket.objects.get()
    assert (ticket.impact, ticket.urgency) == (1, 1)


def test_the_admin_form_refuses_a_bad_table(admin_client_ada):
    response = admin_client_ada.post(
        "/admin/alerts_channel/alertsource/add/",
        {"name": "G", "slug": "g", "kind": "generic", "severity_map": '{"x": {"impact": 9}}',
         "default_impact": "2", "default_urgency": "2", "mapping": '{"title": "$.a["}',
         "correlation_window": "0", "storm_threshold": "0", "storm_window": "60",
         "flap_threshold": "0", "flap_window": "600"},
    )  # fmt: skip
    assert response.status_code == 200
    text = response.content.decode()
    assert "impact is 1 (high), 2 (medium) or 3 (low)" in text
    assert "not a path of names" in text
    assert AlertSource.objects.count() == 0


def test_deliveries_in_the_admin_site_with_body_and_error(admin_client_ada, make_source, post):
    source = make_source("generic")
    post(source, b'{"id": 1, "title": "<script>x</script>"}')
    post(source, b"{broken")
    listing = admin_client_ada.get(
        "/admin/alerts_channel/alertdelivery/?state=rejected"
    ).content.decode()
    assert "invalid_json" in listing
    bad = AlertDelivery.objects.get(state="rejected")
    page = admin_client_ada.get(
        f"/admin/alerts_channel/alertdelivery/{bad.pk}/change/"
    ).content.decode()
    assert "{broken" in page
    assert "The body is not valid JSON" in page
    good = AlertDelivery.objects.get(state="processed")
    page = admin_client_ada.get(
        f"/admin/alerts_channel/alertdelivery/{good.pk}/change/"
    ).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in page
    assert "<script>x</script>" not in page
    assert "Opened an incident" in page
