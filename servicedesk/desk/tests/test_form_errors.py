"""Each error message shows once: under its field when it names one, above the form otherwise."""

import re

from django import forms

from servicedesk.core.errors import TransitionNotAllowed, ValidationFailed
from servicedesk.desk.forms import ServiceErrorsMixin
from servicedesk.desk.tests.test_ticket_page import edit_data
from servicedesk.tickets.choices import State
from servicedesk.tickets.services import ticket_update
from servicedesk.tickets.services.validation import Problems


class NoteForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(required=False)
    assignee = forms.CharField(required=False)


def errors_of(error) -> tuple[list[str], dict[str, list[str]]]:
    form = NoteForm({})
    assert form.is_valid()
    form.add_service_error(error)
    fields = {name: list(errs) for name, errs in form.errors.items() if name != "__all__"}
    return list(form.non_field_errors()), fields


def problems_error(**fields: str) -> ValidationFailed:
    problems = Problems()
    for name, message in fields.items():
        problems.add(name, message)
    try:
        problems.raise_if_any()
    except ValidationFailed as exc:
        return exc
    raise AssertionError("no problems")


def test_a_message_about_a_field_shows_under_it_only():
    error = problems_error(assignee="Dan Fischer is not a member of Service Desk.")
    assert error.message == "assignee: Dan Fischer is not a member of Service Desk."
    assert errors_of(error) == ([], {"assignee": ["Dan Fischer is not a member of Service Desk."]})


def test_a_message_about_a_field_the_form_lacks_goes_above_without_its_name():
    error = problems_error(requester="The requester must be an active user.")
    assert errors_of(error) == (["The requester must be an active user."], {})


def test_a_summary_and_the_fields_message_each_show_once():
    error = TransitionNotAllowed(
        "INC0000001 cannot go from new to closed.",
        fields={"title": ["From new a ticket can go to: assigned."]},
    )
    assert errors_of(error) == (
        ["INC0000001 cannot go from new to closed."],
        {"title": ["From new a ticket can go to: assigned."]},
    )
    assert errors_of(ValidationFailed("Something broke.")) == (["Something broke."], {})


def test_assignee_error_on_the_ticket_page_reads_once_under_the_field(
    as_user, agent_l1_lee, agent_l2_kim, sd_ticket
):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/", edit_data(sd_ticket, assignee=agent_l2_kim.pk)
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("Kim Agent is not a member of Service Desk.") == 1
    assert "assignee:" not in body
    assert "desk-form-errors" not in body
    field = re.search(r'<div class="desk-field has-error">(.*?)</div>', body, re.S).group(1)
    assert '<label for="id_assignee">' in field
    assert "Kim Agent is not a member of Service Desk." in field


def test_resolving_without_a_code_says_why_above_and_what_under_the_field(
    as_user, agent_l1_lee, sd_ticket
):
    response = as_user(agent_l1_lee).post(
        f"/desk/tickets/{sd_ticket.number}/edit/", edit_data(sd_ticket, state=State.RESOLVED)
    )
    body = response.content.decode()
    assert body.count("A resolution code is needed to resolve a ticket.") == 1
    assert body.count("Required when resolving.") == 1


def test_the_edit_conflict_is_told_once(as_user, agent_l1_lee, lead_mo, sd_ticket):
    stale = edit_data(sd_ticket, state=State.IN_PROGRESS)
    ticket_update(ticket=sd_ticket, by=lead_mo, changes={"impact": 1})
    response = as_user(agent_l1_lee).post(f"/desk/tickets/{sd_ticket.number}/edit/", stale)
    assert response.status_code == 409
    body = response.content.decode()
    assert body.count("changed by someone else") == 1
    assert "desk-form-errors" not in body
