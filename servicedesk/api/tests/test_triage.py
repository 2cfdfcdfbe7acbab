"""/api/v1/tickets/{number}/triage/ and /api/v1/triage/rules/: agents read, admins test."""

import pytest

from servicedesk.api.tests.helpers import error, url
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Category
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import SuggestionState
from servicedesk.triage.models import Suggestion
from servicedesk.triage.predictions import Prediction
from servicedesk.triage.tests.factories import make_rule

pytestmark = pytest.mark.django_db

RULES = "/api/v1/triage/rules/"


@pytest.fixture
def network(db):
    return Category.objects.create(name="Network")


@pytest.fixture
def ticket(requester_ann, service_desk, network, network_team, monkeypatch):
    make_rule("wifi", 10, (F.TEXT, Op.CONTAINS, "wifi"), set_category=network)
    suggestion = Prediction("assignment_group", str(network_team.pk), 0.61, 0.8, 2)
    monkeypatch.setattr(
        "servicedesk.triage.pipeline.ticket_predictions", lambda **kwargs: [suggestion]
    )
    return make_ticket(requester=requester_ann, title="wifi slow")


def test_a_ticket_raised_through_the_api_is_triaged(client_for, requester_ann, network):
    make_rule("wifi", 10, (F.TEXT, Op.CONTAINS, "wifi"), set_category=network, set_urgency=1)
    response = client_for(requester_ann).post("/api/v1/tickets/", {"title": "wifi is down"},
                                              format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["category"]["name"] == "Network"
    assert (body["urgency"], body["priority"], body["channel"]) == (1, 3, Channel.API)


def test_an_agent_reads_the_decisions_and_suggestions(client_for, agent_l1_lee, ticket):
    response = client_for(agent_l1_lee).get(url(ticket, "triage"))
    assert response.status_code == 200, response.json()
    body = response.json()
    by_field = {d["field"]: d for d in body["decisions"]}
    assert (by_field["category"]["value"], by_field["category"]["source"]) == ("Network", "rule")
    assert by_field["category"]["detail"] == 'rule "wifi"'
    assert by_field["assignment_group"]["source"] == "fallback"
    assert by_field["priority"]["detail"] == "matrix: impact 3 x urgency 3"
    [suggestion] = body["suggestions"]
    assert (suggestion["label"], suggestion["confidence"], suggestion["model_version"]) == (
        "Network Team", 0.61, 2,
    )  # fmt: skip


def test_end_users_get_404_before_any_look_up(client_for, requester_ann, ticket):
    for number in (ticket.number, "INC9999999"):
        response = client_for(requester_ann).get(url(number, "triage"))
        assert response.status_code == 404
        assert (
            error(response)["message"] == f"No triage on {number} that you can see (agents only)."
        )


def test_accepting_a_suggestion_changes_the_ticket_once(
    client_for, agent_l1_lee, ticket, network_team
):
    agent_l1_lee.can_see_all_tickets = True  # the ticket leaves Lee's group
    agent_l1_lee.save()
    suggestion = Suggestion.objects.get(ticket=ticket)
    path = url(ticket, f"triage/suggestions/{suggestion.pk}/accept")
    client = client_for(agent_l1_lee)
    response = client.post(path)
    assert response.status_code == 200, response.json()
    assert response.json()["assignment_group"]["name"] == "Network Team"
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.decided_by) == (SuggestionState.ACCEPTED, agent_l1_lee)
    event = ticket.events.order_by("id").last()
    assert (
        event.message
        == "Accepted the triage model's suggestion (v2, confidence 0.61): Network Team."
    )
    assert event.changes["assignment_group"] == ["Service Desk", "Network Team"]
    again = client.post(path)
    assert again.status_code == 409
    assert "already accepted" in error(again)["message"]
    assert client.post(url(ticket, "triage/suggestions/999/accept")).status_code == 404


def test_dismissing_a_suggestion_leaves_the_ticket(client_for, agent_l1_lee, ticket):
    suggestion = Suggestion.objects.get(ticket=ticket)
    response = client_for(agent_l1_lee).post(
        url(ticket, f"triage/suggestions/{suggestion.pk}/dismiss")
    )
    assert response.status_code == 204
    assert Suggestion.objects.get(pk=suggestion.pk).state == SuggestionState.DISMISSED
    assert client_for(agent_l1_lee).get(url(ticket, "triage")).json()["suggestions"] == []


def test_agents_list_the_rules_in_order(client_for, agent_l1_lee, requester_ann, network):
    make_rule("later", 20, (F.KIND, Op.IS, "request"), add_tags="req, access")
    make_rule("first", 10, (F.TITLE, Op.CONTAINS, "wifi"), set_category=network, stop=True)
    body = client_for(agent_l1_lee).get(RULES).json()
    assert [r["name"] for r in body] == ["first", "later"]
    assert body[0]["conditions"] == [{"field": "title", "operator": "contains", "value": "wifi"}]
    assert (body[0]["set_category"]["name"], body[0]["stop"]) == ("Network", True)
    assert body[1]["tags"] == ["req", "access"]
    assert client_for(requester_ann).get(RULES).status_code == 403


def test_an_admin_tests_a_rule_before_saving_it(client_for, admin_ada, agent_l1_lee, requester_ann):
    for i in range(6):
        make_ticket(requester=requester_ann, title=f"printer {i}" if i < 2 else f"screen {i}")
    body = {
        "conditions": [{"field": "title", "operator": "contains", "value": "printer"}],
        "last": 5,
    }
    response = client_for(admin_ada).post(f"{RULES}test/", body, format="json")
    assert response.status_code == 200, response.json()
    # The last five are screens 2..5 and printer 1.
    assert response.json() == {
        "matched": 1, "tested": 5, "examples": ["INC0000002"],
        "sentence": "This rule would have matched 1 of the last 5 tickets.",
    }  # fmt: skip
    assert client_for(agent_l1_lee).post(f"{RULES}test/", body, format="json").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"conditions": [{"field": "title", "operator": "matches", "value": "("}]}, "conditions"),
        ({"conditions": [{"field": "mood", "operator": "is", "value": "x"}]}, "conditions"),
        ({"conditions": [], "last": 0}, "last"),
        ({"conditions": [], "extra": 1}, "extra"),
    ],
)
def test_a_bad_rule_test_is_a_400_with_the_field(client_for, admin_ada, body, field):
    response = client_for(admin_ada).post(f"{RULES}test/", body, format="json")
    assert response.status_code == 400
    assert any(key.startswith(field) for key in error(response)["fields"]), error(response)


def test_a_saved_rule_is_tested_by_id(client_for, admin_ada, requester_ann):
    make_ticket(requester=requester_ann, title="vpn")
    rule = make_rule("vpn", 10, (F.TEXT, Op.CONTAINS, "vpn"))
    response = client_for(admin_ada).post(f"{RULES}{rule.pk}/test/", {}, format="json")
    assert response.json()["matched"] == 1
    assert client_for(admin_ada).post(f"{RULES}999/test/", {}, format="json").status_code == 404


def test_a_kind_left_out_is_the_rules_and_a_kind_sent_is_kept(client_for, agent_l1_lee):
    make_rule("access", 10, (F.TITLE, Op.CONTAINS, "access"), set_kind="request")
    client = client_for(agent_l1_lee)
    left_out = client.post("/api/v1/tickets/", {"title": "access to HR share"}, format="json")
    sent = client.post("/api/v1/tickets/", {"title": "access broken", "kind": "incident"},
                       format="json")  # fmt: skip
    assert (left_out.json()["kind"], left_out.json()["number"][:3]) == ("request", "REQ")
    assert sent.json()["kind"] == "incident"
    assert client.post("/api/v1/tickets/", {"title": "plain"}, format="json").json()["kind"] == (
        "incident"
    )
