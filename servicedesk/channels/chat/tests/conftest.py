from dataclasses import dataclass

import pytest

from servicedesk.tickets.models import Category
from servicedesk.triage.choices import ConditionField, Operator
from servicedesk.triage.tests.factories import make_rule


@dataclass(frozen=True)
class Hit:
    """The knowledge base's ArticleHit, as article_search gives it."""

    id: int
    title: str
    snippet: str
    url: str
    score: float


@pytest.fixture
def network(service_desk):
    """A Network category and the keyword rule that files VPN and Wi-Fi trouble under it."""
    network = Category.objects.create(name="Network")
    vpn = Category.objects.create(name="VPN", parent=network)
    make_rule("VPN words", 10, (ConditionField.TEXT, Operator.CONTAINS, "vpn"), set_category=vpn)
    return vpn


@pytest.fixture
def articles(monkeypatch):
    """Make the knowledge base find ``hits`` for every query; records the deflections."""
    deflected: list[tuple[int, int, str]] = []
    found: list[Hit] = []

    def search(*, user, query, limit=5):
        return found[:limit]

    def deflect(*, article_id, user, channel):
        deflected.append((article_id, user.pk, channel))

    monkeypatch.setattr("servicedesk.channels.chat.knowledge.article_search", search)
    monkeypatch.setattr("servicedesk.channels.chat.knowledge.article_deflection_record", deflect)

    class Articles:
        recorded = deflected

        @staticmethod
        def found(*hits: Hit) -> None:
            found[:] = hits

    return Articles
