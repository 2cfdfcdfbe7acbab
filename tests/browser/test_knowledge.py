"""The knowledge base in a real browser: deflection in the portal, an internal article kept
from end users, and a resolution turned into a published article that is then suggested."""

import re

import pytest
from playwright.sync_api import Page, expect

from servicedesk.core import clock
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article
from servicedesk.knowledge.services import article_create, article_transition
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.tests.factories import make_ticket
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _published(by, approver, title, body, *, keywords="", audience=Audience.PUBLIC) -> Article:
    article = article_create(by=by, title=title, body=body, keywords=keywords, audience=audience)
    return article_transition(article=article, by=approver, to=ArticleState.PUBLISHED)


def _type_problem(page: Page, title: str, details: str) -> None:
    page.get_by_role("link", name="Report a problem", exact=True).first.click()
    page.get_by_label("In a few words, what is it about?").fill(title)
    page.get_by_label("Tell us more").fill(details)


def test_suggested_article_solves_the_problem_and_no_ticket_is_made(
    open_page, requester_ann, agent_l2_kim, lead_mo
):
    vpn = _published(
        agent_l2_kim, lead_mo, "VPN disconnects every hour",
        "Choose **Disconnect**, then **Connect**. Still dropping? Restart the laptop.",
        keywords="vpn, globalprotect",
    )  # fmt: skip
    page = open_page()
    sign_in(page, "ann")
    _type_problem(page, "My VPN keeps dropping", "It disconnects every hour since Monday.")
    suggestion = page.locator(".kb-suggestions .kb-hit")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("VPN disconnects every hour")
    expect(suggestion.locator("mark").first).to_be_visible()
    screenshot(page, "kb-suggestion")

    with page.expect_popup() as opened:
        suggestion.get_by_role("link", name="VPN disconnects every hour").click()
    article = opened.value
    expect(article.get_by_role("heading", level=1)).to_have_text("VPN disconnects every hour")
    article.get_by_role("button", name="Yes, it helped").click()
    expect(article.get_by_role("status")).to_have_text("Thank you for your feedback.")
    article.close()

    suggestion.get_by_role("button", name="This solved my problem").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Glad that solved it")
    expect(page.locator("main")).to_contain_text("No ticket was raised")

    vpn.refresh_from_db()
    assert (vpn.helpful_count, vpn.deflection_count, vpn.view_count) == (1, 1, 1)
    assert Ticket.objects.count() == 0


def test_internal_article_stays_invisible_to_end_users(
    open_page, requester_ann, agent_l2_kim, lead_mo
):
    runbook = _published(
        agent_l2_kim, lead_mo, "VPN gateway runbook", "Fail over to the standby gateway.",
        keywords="vpn, gateway", audience=Audience.INTERNAL,
    )  # fmt: skip
    page = open_page()
    sign_in(page, "ann")
    page.goto("/portal/kb/?q=gateway+runbook")
    expect(page.locator("main")).to_contain_text("No answer matches")
    expect(page.locator("main")).not_to_contain_text("VPN gateway runbook")
    response = page.goto(f"/portal/kb/{runbook.pk}/")
    assert response.status == 404
    page.goto("/portal/")
    _type_problem(page, "VPN gateway down", "The gateway runbook please")
    page.wait_for_timeout(800)  # the suggestions ask after 300 ms of quiet
    expect(page.locator(".kb-suggestions")).not_to_contain_text("runbook")
    response = page.goto(f"/api/v1/kb/articles/{runbook.pk}/")
    assert response.status == 404


def test_agent_turns_a_resolution_into_an_article_that_is_then_suggested(
    open_page, requester_ann, agent_l1_lee, service_desk
):
    ticket = make_ticket(
        requester=requester_ann, title="Teams camera shows a black screen",
        description="In every Teams call my camera is black.",
    )  # fmt: skip
    Ticket.objects.filter(pk=ticket.pk).update(
        assignment_group=service_desk,
        state="resolved",
        resolved_at=clock.now(),
        resolution_notes="Close the other apps using the camera (Zoom, the Camera app), "
        "then in Teams choose Settings > Devices and pick the built-in camera.",
    )
    agent = open_page()
    sign_in(agent, "lee")
    agent.goto(f"/desk/tickets/{ticket.number}/")
    agent.get_by_role("link", name="Create article from this ticket").click()
    expect(agent.get_by_role("heading", level=1)).to_contain_text(f"from {ticket.number}")
    expect(agent.get_by_label("Title")).to_have_value("Teams camera shows a black screen")
    expect(agent.get_by_label("Body")).to_have_value(re.compile("Settings > Devices"))
    agent.get_by_label("Keywords").fill("teams, camera, webcam, black screen")
    agent.get_by_role("button", name="Save").click()
    expect(agent.locator(".badge")).to_have_text("Draft")
    agent.get_by_role("button", name="Publish").click()  # lee owns it: lee may publish
    expect(agent.locator(".badge")).to_have_text("Published")
    screenshot(agent, "kb-published")

    user = open_page()
    sign_in(user, "ann")
    _type_problem(user, "Camera black in Teams", "My webcam only shows black.")
    suggestion = user.locator(".kb-suggestions .kb-hit")
    expect(suggestion.first).to_contain_text("Teams camera shows a black screen")
    article = Article.objects.get()
    assert article.source_ticket_id == ticket.pk and article.state == ArticleState.PUBLISHED
