"""The knowledge pages in the portal and the desk, through the test client."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.core import clock
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article, ArticleTicketLink, Deflection
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket

from .factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def vpn(db):
    return make_article(
        "Reconnect the VPN after it drops",
        "Open the client and choose **Reconnect**.",
        keywords="vpn, remote access",
    )


@pytest.fixture
def runbook(db):
    return make_article(
        "VPN concentrator failover runbook", "Fail over.", audience=Audience.INTERNAL
    )


def resolved(ticket: Ticket, notes: str) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(
        state="resolved", resolution_notes=notes, resolved_at=clock.now()
    )
    ticket.refresh_from_db()
    return ticket


# --- portal ---


def test_portal_search_and_article(client, requester_ann, vpn, runbook):
    client.force_login(requester_ann)
    page = client.get("/portal/kb/", {"q": "vpn"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "Reconnect the VPN after it drops" in body
    assert "concentrator" not in body
    article = client.get(f"/portal/kb/{vpn.pk}/")
    assert article.status_code == 200
    assert "<strong>Reconnect</strong>" in article.content.decode()
    vpn.refresh_from_db()
    assert vpn.view_count == 1


@pytest.mark.parametrize("state", [ArticleState.DRAFT, ArticleState.REVIEW, ArticleState.RETIRED])
def test_portal_hides_unpublished_and_internal_articles(client, requester_ann, runbook, state):
    draft = make_article("VPN draft", "Draft.", state=state)
    client.force_login(requester_ann)
    for article in (runbook, draft):
        assert client.get(f"/portal/kb/{article.pk}/").status_code == 404
        assert client.post(f"/portal/kb/{article.pk}/solved/").status_code == 404
        assert (
            client.post(f"/portal/kb/{article.pk}/feedback/", {"helpful": "yes"}).status_code == 404
        )
    assert client.get("/portal/kb/99999/").status_code == 404
    # End users never reach the desk's article pages either.
    response = client.get(f"/desk/kb/{runbook.pk}/")
    assert response.status_code == 302 and "/portal/" in response["Location"]


def test_portal_suggest_fragment(client, requester_ann, vpn, runbook):
    client.force_login(requester_ann)
    response = client.get("/portal/kb/suggest/", {"q": "my vpn keeps dropping"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Reconnect the VPN after it drops" in body
    assert f'formaction="/portal/kb/{vpn.pk}/solved/"' in body
    assert "concentrator" not in body
    assert client.get("/portal/kb/suggest/", {"q": ""}).content.decode().strip() == ""


@pytest.mark.parametrize(
    "q", ['"', "NEAR(", "*", "-", "<script>alert(1)</script>", "x" * 5000, "\x00"]
)
def test_portal_search_bad_input(client, requester_ann, vpn, q):
    client.force_login(requester_ann)
    response = client.get("/portal/kb/", {"q": q})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_no_js_check_for_answers_then_solved_raises_no_ticket(client, requester_ann, vpn):
    client.force_login(requester_ann)
    form = {"kind": "incident", "title": "VPN drops", "description": "Every hour", "impact": 3,
            "urgency": 3, "suggest": "1"}  # fmt: skip
    page = client.post("/portal/new/?kind=incident", form)
    assert page.status_code == 200
    assert "Reconnect the VPN after it drops" in page.content.decode()
    assert 'value="VPN drops"' in page.content.decode()
    solved = client.post(f"/portal/kb/{vpn.pk}/solved/", form)
    assert solved.status_code == 302
    assert client.get(solved["Location"]).status_code == 200
    assert Ticket.objects.count() == 0
    vpn.refresh_from_db()
    assert vpn.deflection_count == 1
    assert Deflection.objects.get().channel == "portal"


def test_portal_feedback(client, requester_ann, vpn):
    client.force_login(requester_ann)
    response = client.post(
        f"/portal/kb/{vpn.pk}/feedback/", {"helpful": "no", "comment": "Still drops"}
    )
    assert response.status_code == 302
    vpn.refresh_from_db()
    assert (vpn.helpful_count, vpn.not_helpful_count) == (0, 1)
    assert vpn.feedback.get().comment == "Still drops"
    bad = client.post(f"/portal/kb/{vpn.pk}/feedback/", {"helpful": "maybe"})
    assert bad.status_code == 400


def test_new_ticket_page_has_the_suggestion_box(client, requester_ann):
    client.force_login(requester_ann)
    body = client.get("/portal/new/?kind=incident").content.decode()
    assert 'data-kb-suggest="/portal/kb/suggest/"' in body
    assert "knowledge/suggest.js" in body


# --- desk ---


def test_desk_list_search_and_article(client, agent_l1_lee, vpn, runbook):
    client.force_login(agent_l1_lee)
    listing = client.get("/desk/kb/").content.decode()
    assert "VPN concentrator failover runbook" in listing
    found = client.get("/desk/kb/", {"q": "concentrator"}).content.decode()
    assert "<mark>" in found or "concentrator" in found.lower()
    assert client.get(f"/desk/kb/{runbook.pk}/").status_code == 200
    assert client.get("/desk/kb/", {"q": "vpn", "state": "nonsense"}).status_code == 200


def test_desk_create_edit_publish_and_diff(client, agent_l1_lee, lead_mo):
    client.force_login(agent_l1_lee)
    response = client.post(
        "/desk/kb/new/",
        {"title": "Teams camera is black", "body": "Close other apps.", "audience": "public",
         "keywords": "teams, camera"},
    )  # fmt: skip
    article = Article.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/kb/{article.pk}/"
    edit = client.post(
        f"/desk/kb/{article.pk}/edit/",
        {"title": "Teams camera is black", "body": "Close Zoom and other apps.",
         "audience": "public", "version": 1},
    )  # fmt: skip
    assert edit.status_code == 302
    stale = client.post(
        f"/desk/kb/{article.pk}/edit/",
        {"title": "Old", "body": "x", "audience": "public", "version": 1},
    )
    assert stale.status_code == 400 and "Someone saved" in stale.content.decode()
    client.post(f"/desk/kb/{article.pk}/transition/", {"to": "review"})
    client.force_login(lead_mo)
    client.post(f"/desk/kb/{article.pk}/transition/", {"to": "published"})
    article.refresh_from_db()
    assert article.state == ArticleState.PUBLISHED
    diff = client.get(f"/desk/kb/{article.pk}/versions/", {"a": 1, "b": 2}).content.decode()
    assert "+Close Zoom and other apps." in diff
    assert "-Close other apps." in diff
    assert client.get(f"/desk/kb/{article.pk}/versions/", {"a": 1, "b": 99}).status_code == 404


def test_agent_cannot_publish_someone_elses_article(client, agent_l1_lee, agent_l2_kim):
    article = make_article("Draft", "Body", state=ArticleState.REVIEW, owner=agent_l1_lee)
    client.force_login(agent_l2_kim)
    client.post(f"/desk/kb/{article.pk}/transition/", {"to": "published"})
    article.refresh_from_db()
    assert article.state == ArticleState.REVIEW


def test_ticket_page_panel_link_and_create_from_ticket(
    client, agent_l1_lee, lead_mo, requester_ann, vpn, service_desk
):
    ticket = make_ticket(requester=requester_ann, title="VPN drops every hour")
    Ticket.objects.filter(pk=ticket.pk).update(assignment_group=service_desk)
    old = resolved(make_ticket(requester=requester_ann, title="VPN keeps dropping"), "Reinstalled")
    Ticket.objects.filter(pk=old.pk).update(assignment_group=service_desk)
    client.force_login(agent_l1_lee)
    page = client.get(f"/desk/tickets/{ticket.number}/").content.decode()
    assert "Reconnect the VPN after it drops" in page
    assert f"/desk/kb/{vpn.pk}/link/{ticket.number}/" in page
    assert old.number in page
    assert f"/desk/kb/new/?ticket={ticket.number}" in page
    linked = client.post(f"/desk/kb/{vpn.pk}/link/{ticket.number}/")
    assert linked.status_code == 302
    assert ArticleTicketLink.objects.filter(article=vpn, ticket=ticket).exists()
    # Create from a resolved ticket: pre-filled from its resolution notes.
    form = client.get("/desk/kb/new/", {"ticket": old.number}).content.decode()
    assert "Reinstalled" in form and "VPN keeps dropping" in form
    client.post(
        f"/desk/kb/new/?ticket={old.number}",
        {"title": "VPN keeps dropping", "body": "## Solution\n\nReinstall the client.",
         "audience": "public", "ticket": old.number},
    )  # fmt: skip
    article = Article.objects.get(title="VPN keeps dropping")
    assert article.source_ticket == old and article.state == ArticleState.DRAFT
    assert client.get("/desk/kb/new/", {"ticket": "INC9999999"}).status_code == 404


def test_review_queues(client, lead_mo, agent_l1_lee, requester_ann):
    make_article(
        "Old article", "Body", owner=agent_l1_lee, review_date=clock.now().date().replace(year=2020)
    )
    make_article("In review", "Body", state=ArticleState.REVIEW, owner=agent_l1_lee)
    for n in range(3):
        resolved(
            make_ticket(requester=requester_ann, title=f"Outlook crashes on start {n}"), "Safe mode"
        )
    client.force_login(lead_mo)
    page = client.get("/desk/kb/review/").content.decode()
    assert "Old article" in page and "In review" in page
    assert "3 tickets" in page


def test_article_files_follow_the_article(client, agent_l1_lee, requester_ann, vpn, runbook):
    client.force_login(agent_l1_lee)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for article in (vpn, runbook):
        client.post(
            f"/desk/kb/{article.pk}/files/",
            {"file": SimpleUploadedFile("shot.png", png, content_type="image/png")},
        )
    public_file, internal_file = vpn.attachments.get(), runbook.attachments.get()
    client.force_login(requester_ann)
    ok = client.get(f"/kb/files/{public_file.pk}/shot.png")
    assert ok.status_code == 200 and ok["Content-Type"] == "image/png"
    assert client.get(f"/kb/files/{internal_file.pk}/shot.png").status_code == 404


def test_desk_list_state_badge_has_its_colour(client, agent_l1_lee, vpn):
    # A bare "badge" is white text on no background: the state was unreadable.
    draft = make_article("Teams camera is black", "Close other apps.", state=ArticleState.DRAFT)
    client.force_login(agent_l1_lee)
    listing = client.get("/desk/kb/").content.decode()
    assert '<span class="badge badge-green">Published</span>' in listing
    assert '<span class="badge badge-grey">Draft</span>' in listing
    found = client.get("/desk/kb/", {"q": "camera"}).content.decode()
    assert draft.title in found
    assert '<span class="badge badge-grey">Draft</span>' in found
