"""The ticket page's Triage box: the decisions, and a suggestion accepted in one click."""

import pytest

from servicedesk.tickets.models import Category
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import SuggestionState
from servicedesk.triage.models import Suggestion
from servicedesk.triage.predictions import Prediction
from servicedesk.triage.tests.factories import make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def triaged(requester_ann, service_desk, monkeypatch):
    network = Category.objects.create(name="Network")
    printing = Category.objects.create(name="Printing")
    make_rule("Wifi words", 10, (F.TEXT, Op.CONTAINS, "wifi"), set_category=network)
    doubtful = Prediction("category", str(printing.pk), 0.42, 0.9, 5)
    monkeypatch.setattr("servicedesk.triage.pipeline.ticket_predictions", lambda **kw: [doubtful])
    return make_ticket(requester=requester_ann, title="wifi and printer")


def test_the_box_lists_the_decisions_and_the_suggestion(as_user, agent_l1_lee, triaged):
    page = as_user(agent_l1_lee).get(f"/desk/tickets/{triaged.number}/")
    html = page.content.decode()
    assert page.status_code == 200
    box = html[html.index('id="triage"') :]
    assert "Rule: rule &quot;Wifi words&quot;" in box
    assert "Service desk (no rule matched)" in box
    assert "Category: Printing" in box and "model v5, confidence 0.42" in box
    assert f'action="/desk/tickets/{triaged.number}/triage/' in box
    assert "csrfmiddlewaretoken" in box


def test_accept_applies_it_through_the_ticket_service(as_user, agent_l1_lee, triaged):
    suggestion = Suggestion.objects.get(ticket=triaged)
    client = as_user(agent_l1_lee)
    response = client.post(f"/desk/tickets/{triaged.number}/triage/{suggestion.pk}/accept/")
    assert response.status_code == 302
    assert response["Location"] == f"/desk/tickets/{triaged.number}/#triage"
    triaged.refresh_from_db()
    assert triaged.category.name == "Printing"
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.ACCEPTED
    assert triaged.events.order_by("id").last().actor == agent_l1_lee
    page = client.get(f"/desk/tickets/{triaged.number}/").content.decode()
    assert "Suggestion accepted" in page or "suggestion accepted" in page
    again = client.post(
        f"/desk/tickets/{triaged.number}/triage/{suggestion.pk}/accept/", follow=True
    )
    assert "already accepted" in again.content.decode()


def test_accept_takes_a_post_from_an_agent_only(as_user, agent_l1_lee, requester_ann, triaged):
    suggestion = Suggestion.objects.get(ticket=triaged)
    path = f"/desk/tickets/{triaged.number}/triage/{suggestion.pk}/accept/"
    assert as_user(agent_l1_lee).get(path).status_code == 405
    assert as_user(requester_ann).post(path).status_code in (302, 403)
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.PENDING
