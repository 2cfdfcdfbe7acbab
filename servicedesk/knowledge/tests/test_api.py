"""/api/v1/kb/articles/: visibility, the error format, CRUD, workflow, search, feedback."""

import pytest
from rest_framework.test import APIClient

from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article

from .factories import make_article

pytestmark = pytest.mark.django_db
BASE = "/api/v1/kb/articles/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def vpn(db):
    return make_article("Reconnect the VPN", "Choose **Reconnect**.", keywords="vpn")


@pytest.fixture
def runbook(db):
    return make_article("VPN failover runbook", "Fail over.", audience=Audience.INTERNAL)


def test_end_user_reads_public_published_only(requester_ann, vpn, runbook):
    client = api(requester_ann)
    listed = client.get(BASE).json()["results"]
    assert [a["title"] for a in listed] == ["Reconnect the VPN"]
    assert listed[0]["url"] == f"/portal/kb/{vpn.pk}/"
    assert client.get(f"{BASE}{vpn.pk}/").json()["body_html"] == (
        "<p>Choose <strong>Reconnect</strong>.</p>"
    )
    missing = client.get(f"{BASE}{runbook.pk}/")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    found = client.get(f"{BASE}search/", {"q": "vpn"}).json()
    assert [h["title"] for h in found["results"]] == ["Reconnect the VPN"]
    assert "<mark>" in found["results"][0]["snippet"] or found["results"][0]["snippet"]


def test_unauthenticated_is_refused(vpn):
    response = APIClient().get(BASE)
    assert response.status_code in (401, 403)
    assert "error" in response.json()


def test_agent_crud_and_workflow(agent_l1_lee, lead_mo, requester_ann):
    client = api(agent_l1_lee)
    created = client.post(
        BASE,
        {"title": "Teams camera", "body": "Close <script>x()</script> other apps.",
         "keywords": ["teams", "camera"], "audience": "public"},
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["state"] == "draft" and body["owner"] == "lee"
    assert "<script" not in body["body_html"]
    pk = body["id"]
    patched = client.patch(f"{BASE}{pk}/", {"body": "Close Zoom.", "version": 1}, format="json")
    assert patched.json()["version"] == 2
    stale = client.patch(f"{BASE}{pk}/", {"body": "Old", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "edit_conflict"
    to_review = client.post(f"{BASE}{pk}/transition/", {"to": "review"}, format="json")
    assert to_review.json()["state"] == "review"
    # lee owns it, so lee may publish; kim may not
    bad = client.post(f"{BASE}{pk}/transition/", {"to": "closed"}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["fields"]["to"]
    published = api(lead_mo).post(f"{BASE}{pk}/transition/", {"to": "published"}, format="json")
    assert published.json()["state"] == "published"
    assert api(requester_ann).get(f"{BASE}{pk}/").status_code == 200
    gone = client.delete(f"{BASE}{pk}/")
    assert gone.status_code == 409
    versions = client.get(f"{BASE}{pk}/versions/").json()
    assert [v["number"] for v in versions] == [4, 3, 2, 1]


def test_end_users_cannot_write(requester_ann, vpn):
    client = api(requester_ann)
    response = client.post(BASE, {"title": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert client.patch(f"{BASE}{vpn.pk}/", {"title": "x"}, format="json").status_code == 403
    assert Article.objects.count() == 1


def test_bad_input_is_a_400_in_the_error_format(agent_l1_lee, vpn):
    client = api(agent_l1_lee)
    for payload in ({}, {"title": ""}, {"title": "x" * 300}, {"title": "x", "audience": "all"},
                    {"title": "x", "category": 9999}, {"title": "x", "keywords": "not a list"}):  # fmt: skip
        response = client.post(BASE, payload, format="json")
        assert response.status_code == 400, payload
        assert response.json()["error"]["code"] == "validation_error"
    assert client.get(f"{BASE}search/").status_code == 400
    assert client.get(f"{BASE}search/", {"q": "x" * 1001}).status_code == 400
    assert client.get(f"{BASE}search/", {"q": "vpn", "limit": 0}).status_code == 400
    assert client.get(BASE, {"state": "nope"}).status_code == 400
    assert client.get(f"{BASE}search/", {"q": '"NEAR( * -'}).status_code == 200


def test_feedback_and_deflection(requester_ann, vpn, runbook):
    client = api(requester_ann)
    assert (
        client.post(f"{BASE}{vpn.pk}/feedback/", {"helpful": True}, format="json").status_code
        == 201
    )
    assert (
        client.post(f"{BASE}{vpn.pk}/deflections/", {"channel": "chat"}, format="json").status_code
        == 201
    )
    assert client.post(f"{BASE}{vpn.pk}/feedback/", {}, format="json").status_code == 400
    assert (
        client.post(f"{BASE}{runbook.pk}/feedback/", {"helpful": True}, format="json").status_code
        == 404
    )
    vpn.refresh_from_db()
    assert (vpn.helpful_count, vpn.deflection_count) == (1, 1)


def test_a_draft_can_be_deleted_by_its_author(agent_l1_lee, agent_l2_kim):
    article = make_article("Scratch", "x", state=ArticleState.DRAFT, by=agent_l1_lee)
    assert api(agent_l2_kim).delete(f"{BASE}{article.pk}/").status_code == 403
    assert api(agent_l1_lee).delete(f"{BASE}{article.pk}/").status_code == 204
    assert not Article.objects.exists()
