"""The knowledge services: deflections, feedback, the workflow, versions, rendering."""

import pytest

from servicedesk.core.errors import (
    EditConflict,
    NotFound,
    PermissionDenied,
    TransitionNotAllowed,
    ValidationFailed,
)
from servicedesk.knowledge.choices import ArticleState, Audience
from servicedesk.knowledge.models import Article, Deflection
from servicedesk.knowledge.selectors import poorly_rated, version_diff
from servicedesk.knowledge.services import (
    article_create,
    article_deflection_record,
    article_feedback_record,
    article_transition,
    article_update,
)
from servicedesk.knowledge.tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_deflection_is_counted_and_remembered(requester_ann):
    article = make_article("Reset your password", "Use the self-service page.")
    article_deflection_record(article_id=article.pk, user=requester_ann, channel="portal")
    article_deflection_record(article_id=article.pk, user=requester_ann, channel="chat")
    article.refresh_from_db()
    assert article.deflection_count == 2
    assert list(Deflection.objects.values_list("channel", "user__username")) == [
        ("chat", "ann"),
        ("portal", "ann"),
    ]


@pytest.mark.parametrize(
    ("audience", "state"),
    [
        (Audience.INTERNAL, ArticleState.PUBLISHED),
        (Audience.PUBLIC, ArticleState.DRAFT),
        (Audience.PUBLIC, ArticleState.RETIRED),
    ],
)
def test_deflection_on_an_article_the_user_cannot_see_is_not_found(requester_ann, audience, state):
    article = make_article("Hidden", "Body.", audience=audience, state=state)
    with pytest.raises(NotFound):
        article_deflection_record(article_id=article.pk, user=requester_ann, channel="portal")
    assert Deflection.objects.count() == 0


def test_deflection_bad_input(requester_ann):
    article = make_article("Reset your password", "Use the self-service page.")
    with pytest.raises(ValidationFailed):
        article_deflection_record(article_id=article.pk, user=requester_ann, channel="pigeon")
    with pytest.raises(NotFound):
        article_deflection_record(article_id=999_999, user=requester_ann, channel="portal")
    with pytest.raises(NotFound):
        article_deflection_record(article_id="x", user=requester_ann, channel="portal")
    assert Deflection.objects.count() == 0


def test_feedback_counts_and_poor_rating(requester_ann, requester_bob, agent_l1_lee):
    article = make_article("Printer jam", "Open tray 2.", owner=agent_l1_lee)
    article_feedback_record(article_id=article.pk, user=requester_ann, helpful=True)
    for _ in range(3):
        article_feedback_record(
            article_id=article.pk, user=requester_bob, helpful=False, comment="Tray 3 too"
        )
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 3)
    assert list(poorly_rated(owner=agent_l1_lee)) == [article]
    with pytest.raises(ValidationFailed):
        article_feedback_record(
            article_id=article.pk, user=requester_ann, helpful=True, comment="x" * 2001
        )


def test_body_is_rendered_and_sanitised(agent_l1_lee):
    article = article_create(
        by=agent_l1_lee,
        title="  Wi-Fi   setup ",
        body="# Steps\n\n1. Open **Settings**\n\n<script>alert(1)</script>"
        '<img src=x onerror="alert(2)"> [x](javascript:alert(3))',
        keywords="WiFi, wireless;  wifi ,",
    )
    assert article.title == "Wi-Fi setup"
    assert article.keywords == "wifi, wireless"
    assert "<strong>Settings</strong>" in article.body_html
    assert "<script" not in article.body_html
    assert "onerror" not in article.body_html
    assert "javascript:" not in article.body_html
    assert "alert(1)" not in article.body_text
    assert article.state == ArticleState.DRAFT
    assert article.owner == agent_l1_lee


def test_only_agents_write(requester_ann):
    with pytest.raises(PermissionDenied):
        article_create(by=requester_ann, title="Mine", body="x")


def test_bad_fields_are_named(agent_l1_lee):
    with pytest.raises(ValidationFailed) as caught:
        article_create(by=agent_l1_lee, title=" ", body="x" * 200_001, audience="everyone")
    assert set(caught.value.fields) == {"title", "body", "audience"}


def test_workflow_agents_write_publishers_publish(agent_l1_lee, lead_mo, agent_l2_kim):
    article = article_create(by=agent_l1_lee, title="VPN", body="Reconnect.")
    article = article_transition(article=article, by=agent_l1_lee, to=ArticleState.REVIEW)
    with pytest.raises(PermissionDenied):
        article_transition(article=article, by=agent_l2_kim, to=ArticleState.PUBLISHED)
    article = article_transition(article=article, by=lead_mo, to=ArticleState.PUBLISHED)
    assert article.state == ArticleState.PUBLISHED and article.published_at is not None
    # An agent who is not the owner cannot change what end users read.
    with pytest.raises(TransitionNotAllowed):
        article_update(article=article, by=agent_l2_kim, changes={"body": "Other"})
    with pytest.raises(TransitionNotAllowed):
        article_transition(article=article, by=lead_mo, to=ArticleState.REVIEW)
    article = article_transition(article=article, by=lead_mo, to=ArticleState.RETIRED)
    assert article.state == ArticleState.RETIRED


def test_the_owner_publishes_their_own_article(agent_l1_lee):
    article = article_create(by=agent_l1_lee, title="VPN", body="Reconnect.")
    article = article_transition(article=article, by=agent_l1_lee, to=ArticleState.PUBLISHED)
    assert article.state == ArticleState.PUBLISHED


def test_publishing_needs_a_body(lead_mo):
    article = article_create(by=lead_mo, title="Empty", body="")
    with pytest.raises(ValidationFailed):
        article_transition(article=article, by=lead_mo, to=ArticleState.PUBLISHED)


def test_versions_and_diff(agent_l1_lee):
    article = article_create(by=agent_l1_lee, title="VPN", body="Line one\nLine two\n")
    article = article_update(
        article=article, by=agent_l1_lee, changes={"body": "Line one\nLine 2\n"}
    )
    same = article_update(article=article, by=agent_l1_lee, changes={"body": "Line one\nLine 2\n"})
    assert same.version == 2  # nothing changed, no new version
    with pytest.raises(EditConflict):
        article_update(article=article, by=agent_l1_lee, changes={"title": "x"}, expected_version=1)
    v2, v1 = list(article.versions.all())
    assert (v1.number, v2.number) == (1, 2)
    diff = version_diff(older=v1, newer=v2)
    assert ("del", "-Line two") in diff
    assert ("add", "+Line 2") in diff
    assert Article.objects.get(pk=article.pk).version == 2
