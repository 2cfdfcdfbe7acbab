"""triage-explain, and the admin: rules with "Test this rule" before saving, categories."""

import json
import sys

import pytest

from servicedesk import cli
from servicedesk.accounts.tests.factories import AgentFactory, GroupFactory
from servicedesk.tickets.models import Category
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.choices import ConditionField as F
from servicedesk.triage.choices import Operator as Op
from servicedesk.triage.choices import Strategy
from servicedesk.triage.models import Rule
from servicedesk.triage.predictions import Prediction
from servicedesk.triage.tests.factories import make_rule, route

pytestmark = pytest.mark.django_db


def run(monkeypatch, capsys, *args: str) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["servicedesk", "triage-explain", *args])
    status = 0
    try:
        cli.main()
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else 1
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def triaged(requester_ann, network_team, predict):
    network = Category.objects.create(name="Network")
    printing = Category.objects.create(name="Printing")
    kim = AgentFactory(username="kim", display_name="Kim Agent")
    network_team.members.add(kim)
    route(network_team, Strategy.ROUND_ROBIN)
    make_rule("Network words", 10, (F.TEXT, Op.CONTAINS, "wifi"), set_category=network,
              set_group=network_team, set_urgency=2)  # fmt: skip
    predict([Prediction("category", str(printing.pk), 0.4, 0.9, 7)])
    return make_ticket(requester=requester_ann, title="wifi drops")


def test_explain_lists_each_field_with_its_source(monkeypatch, capsys, triaged):
    status, out, err = run(monkeypatch, capsys, triaged.number)
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{triaged.number} wifi drops"
    assert lines[1].split() == ["category", "Network", "Rule", "-", "rule", '"Network', 'words"']
    assert "kind" in lines[2] and "Given at creation" in lines[2]
    assert (
        lines[-1].startswith("  #") and "category: Printing (model v7, confidence 0.40" in lines[-1]
    )
    assert any("Round robin in Network Team: Kim Agent." in line for line in lines)
    [priority] = [line for line in lines if line.split()[0] == "priority"]
    assert priority.split()[:3] == ["priority", "4", "-"]
    assert priority.endswith("matrix: impact 3 x urgency 2")


def test_explain_as_json(monkeypatch, capsys, triaged):
    status, out, _ = run(monkeypatch, capsys, triaged.number.lower(), "--json")
    answer = json.loads(out)
    assert status == 0
    fields = {d["field"]: (d["value"], d["source"]) for d in answer["decisions"]}
    assert fields["category"] == ("Network", "rule")
    assert fields["assignment_group"] == ("Network Team", "rule")
    assert fields["assignee"] == ("Kim Agent", "strategy")
    assert fields["urgency"] == ("2 - Medium", "rule")
    assert [s["label"] for s in answer["suggestions"]] == ["Printing"]


def test_explain_an_unknown_ticket_is_one_line_and_status_2(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, "INC9999999")
    assert (status, out) == (2, "")
    assert err == "CommandError: No ticket INC9999999.\n"


@pytest.fixture
def admin_client_ada(client, admin_ada):
    client.force_login(admin_ada)
    return client


def conditions_post(*rows: tuple[str, str, str], **extra) -> dict:
    data = {
        "conditions-TOTAL_FORMS": str(len(rows)), "conditions-INITIAL_FORMS": "0",
        "conditions-MIN_NUM_FORMS": "0", "conditions-MAX_NUM_FORMS": "1000",
        "name": "unsaved", "position": "10",
    }  # fmt: skip
    for i, (field, operator, value) in enumerate(rows):
        data.update({f"conditions-{i}-field": field, f"conditions-{i}-operator": operator,
                     f"conditions-{i}-value": value})  # fmt: skip
    return {**data, **extra}


def test_test_this_rule_counts_the_last_tickets_without_saving(admin_client_ada, requester_ann):
    for i in range(5):
        make_ticket(requester=requester_ann, title=f"printer {i}" if i % 2 else f"mouse {i}")
    post = conditions_post((F.TITLE, Op.CONTAINS, "printer"), test_last="4")
    response = admin_client_ada.post(
        "/admin/triage/rule/test/", post, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "This rule would have matched 2 of the last 4 tickets." in text
    assert Rule.objects.count() == 0
    page = admin_client_ada.post("/admin/triage/rule/test/", conditions_post())
    assert "This rule would have matched 5 of the last 5 tickets." in page.content.decode()


def test_test_this_rule_says_what_is_wrong(admin_client_ada):
    post = conditions_post((F.TITLE, Op.MATCHES, "(unclosed"))
    response = admin_client_ada.post(
        "/admin/triage/rule/test/", post, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 400
    assert "Condition 1: Not a regular expression" in response.content.decode()


def test_the_rule_change_form_has_the_test_button(admin_client_ada):
    page = admin_client_ada.get("/admin/triage/rule/add/")
    assert page.status_code == 200
    assert b'formaction="/admin/triage/rule/test/"' in page.content
    assert b"Test this rule" in page.content


def test_categories_with_default_groups_are_managed_in_the_admin(admin_client_ada):
    group = GroupFactory(name="Hardware Team")
    response = admin_client_ada.post("/admin/tickets/category/add/", {
        "name": "Hardware", "default_group": group.pk, "is_active": "on",
        "children-TOTAL_FORMS": "1", "children-INITIAL_FORMS": "0",
        "children-0-name": "Printer", "children-0-default_group": group.pk,
        "children-0-is_active": "on",
    })  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    printer = Category.objects.get(name="Printer")
    assert (str(printer), printer.default_group) == ("Hardware > Printer", group)


def test_a_rule_saved_in_the_admin_applies_to_the_next_ticket(admin_client_ada, requester_ann):
    make_ticket(requester=requester_ann, title="warm the kept rules")
    network = Category.objects.create(name="Network")
    post = conditions_post((F.TITLE, Op.CONTAINS, "lan"), set_category=str(network.pk))
    post.update({"is_active": "on", "add_tags": ""})
    response = admin_client_ada.post("/admin/triage/rule/add/", post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert make_ticket(requester=requester_ann, title="lan port dead").category == network
