"""The admins' API: alert sources (token shown once) and the deliveries with their bodies."""

import pytest
from rest_framework.test import APIClient

from servicedesk.channels.alerts.models import AlertSource


@pytest.fixture
def as_user():
    def login(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return login


def test_an_admin_creates_a_source_and_sees_its_token_once(as_user, admin_ada, post):
    client = as_user(admin_ada)
    response = client.post(
        "/api/v1/alert-sources/",
        {"name": "Prod Prometheus", "slug": "prom", "kind": "alertmanager",
         "severity_map": {"page": {"impact": 1, "urgency": 1}}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    answer = response.json()
    token = answer["token"]
    assert answer["url"] == "http://testserver/api/v1/alerts/prom/"
    assert answer["token_hint"] == token[:6]
    source = AlertSource.objects.get(slug="prom")
    source.token = token
    assert (
        post(
            source,
            {"groupKey": "g", "status": "firing", "alerts": [{"labels": {"alertname": "A"}}]},
        ).status_code
        == 202
    )
    assert client.get(f"/api/v1/alert-sources/{source.pk}/").json()["token"] is None
    rotated = client.post(f"/api/v1/alert-sources/{source.pk}/rotate-token/").json()["token"]
    assert rotated != token
    assert post(source, {"groupKey": "g", "status": "firing", "alerts": []}).status_code == 401


def test_bad_settings_are_a_400_in_the_error_format(as_user, admin_ada):
    client = as_user(admin_ada)
    response = client.post(
        "/api/v1/alert-sources/",
        {"name": "G", "slug": "g", "kind": "generic", "mapping": {"title": "$.a[", "bogus": "$.x"},
         "severity_map": {"crit": {"impact": 7}}},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert set(fields) == {"mapping", "severity_map"}
    assert response.json()["error"]["code"] == "validation_error"
    assert AlertSource.objects.count() == 0


def test_only_desk_admins(as_user, agent_l1_lee):
    assert as_user(agent_l1_lee).get("/api/v1/alert-sources/").status_code == 403
    assert as_user(agent_l1_lee).get("/api/v1/alert-deliveries/").status_code == 403


def test_deliveries_list_and_the_raw_body(as_user, admin_ada, make_source, post):
    source = make_source("generic", correlation_window=0)
    post(source, {"id": "1", "title": "Fine"})
    post(source, b"{broken")
    client = as_user(admin_ada)
    rows = client.get("/api/v1/alert-deliveries/").json()["results"]
    assert [r["state"] for r in rows] == ["rejected", "processed"]
    assert rows[0]["error_code"] == "invalid_json"
    detail = client.get(f"/api/v1/alert-deliveries/{rows[0]['id']}/").json()
    assert detail["body"] == "{broken"
    ok = client.get(f"/api/v1/alert-deliveries/{rows[1]['id']}/").json()
    assert ok["outcomes"][0]["outcome"] == "opened"
    assert ok["outcomes"][0]["incident"].startswith("INC")
    assert (
        client.get("/api/v1/alert-deliveries/?state=rejected").json()["results"][0]["id"]
        == rows[0]["id"]
    )
    assert client.get("/api/v1/alert-deliveries/?state=nope").status_code == 400
    conflict = client.post(f"/api/v1/alert-deliveries/{rows[1]['id']}/reprocess/")
    assert conflict.status_code == 409


def test_an_admin_changes_a_source(as_user, admin_ada, make_source, network_team):
    source = make_source("generic")
    client = as_user(admin_ada)
    response = client.patch(
        f"/api/v1/alert-sources/{source.pk}/",
        {
            "note_only": True,
            "assignment_group": network_team.pk,
            "mapping": {"dedup_key": "$.alert.id"},
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["assignment_group"] == "Network Team"
    assert response.json()["token"] is None
    source.refresh_from_db()
    assert (source.note_only, source.mapping) == (True, {"dedup_key": "$.alert.id"})
    bad = client.patch(f"/api/v1/alert-sources/{source.pk}/", {"kind": "splunk"}, format="json")
    assert bad.status_code == 400
