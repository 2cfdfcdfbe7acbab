"""The admin site refuses bad calendars and policies with a message on the form, never a 500."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from servicedesk.sla.models import (
    BusinessCalendar,
    EscalationTarget,
    SLAAction,
    SLAPolicy,
    SLATarget,
)
from servicedesk.sla.tests.factories import OFFICE_HOURS, berlin_office

pytestmark = pytest.mark.django_db

CALENDAR_ADD = reverse("admin:sla_businesscalendar_add")
POLICY_ADD = reverse("admin:sla_slapolicy_add")


@pytest.fixture
def ada(admin_ada) -> Client:
    client = Client()
    client.force_login(admin_ada)
    return client


def no_inlines(*prefixes: str) -> dict[str, int]:
    """The management form of inlines sent empty."""
    return {
        f"{prefix}-{name}": 0 for prefix in prefixes for name in ("TOTAL_FORMS", "INITIAL_FORMS")
    }


def calendar_form(**fields) -> dict:
    form = {
        "name": "Berlin office", "timezone": "Europe/Berlin",
        "hours": json.dumps(OFFICE_HOURS), "holidays": "[]", "country": "", "subdivision": "",
        **no_inlines("groupcalendar_set", "organisationcalendar_set"),
    }  # fmt: skip
    form.update(fields)
    return form


def form_errors(response) -> dict[str, list[str]]:
    """The errors the page shows: each field's, and ``__all__`` for the whole form's."""
    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = {name: list(messages) for name, messages in form.errors.items()}
    for formset in response.context["inline_admin_formsets"]:
        for index, inline_errors in enumerate(formset.formset.errors):
            for name, messages in inline_errors.items():
                errors[f"{formset.formset.prefix}-{index}-{name}"] = list(messages)
    return errors


def test_a_good_calendar_saves(ada):
    response = ada.post(CALENDAR_ADD, calendar_form(country="DE", subdivision="BY"))
    assert response.status_code == 302, form_errors(response)
    calendar = BusinessCalendar.objects.get()
    assert (calendar.timezone, calendar.hours, calendar.subdivision) == (
        "Europe/Berlin", OFFICE_HOURS, "BY",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"timezone": "Europe/Atlantis"}, "timezone", "Unknown time zone 'Europe/Atlantis'"),
        ({"hours": "{}"}, "hours", "The calendar has no working time in any weekday"),
        ({"hours": json.dumps({"sat": [["09:00", "09:00"]]})}, "hours", "is empty"),
        (
            {"hours": json.dumps({"mon": [["09:00", "13:00"], ["12:00", "17:00"]]})},
            "hours",
            "Intervals 09:00-13:00 and 12:00-17:00 on mon overlap",
        ),
        ({"holidays": '["24.12.2026"]'}, "holidays", "Bad holiday date '24.12.2026'"),
        ({"country": "XX"}, "country", "Unknown country 'XX'"),
        ({"country": "DE", "subdivision": "ZZ"}, "subdivision", "Unknown subdivision 'ZZ' of DE"),
        ({"subdivision": "BY"}, "subdivision", "A subdivision needs its country."),
    ],
)
def test_a_bad_calendar_comes_back_with_the_message_and_nothing_saved(ada, fields, field, says):
    response = ada.post(CALENDAR_ADD, calendar_form(**fields))
    errors = form_errors(response)
    assert any(says in message for message in errors.get(field, [])), errors
    assert says in response.content.decode().replace("&#x27;", "'")
    assert not BusinessCalendar.objects.exists()


def test_a_second_default_is_refused_by_name(ada):
    berlin_office(name="Head office", is_default=True)
    response = ada.post(CALENDAR_ADD, calendar_form(is_default="on"))
    assert form_errors(response)["is_default"] == [
        "Head office is the default calendar; untick it there first."
    ]
    assert BusinessCalendar.objects.count() == 1


# --- policies -----------------------------------------------------------------------------------


def policy_form(*, targets=(), actions=(), **fields) -> dict:
    """The policy add form; ``targets`` (metric, priority, duration) and ``actions``
    (threshold, action, group id) fill the inlines."""
    form = {
        "name": "Gold", "order": 10, "is_active": "on", "calendar": "", "internal_group": "",
        "pause_states": ["awaiting_user"], "warnings": "75, 90",
        "targets-TOTAL_FORMS": len(targets), "targets-INITIAL_FORMS": 0,
        "actions-TOTAL_FORMS": len(actions), "actions-INITIAL_FORMS": 0,
    }  # fmt: skip
    for index, (metric, priority, duration) in enumerate(targets):
        form.update({
            f"targets-{index}-metric": metric, f"targets-{index}-priority": priority,
            f"targets-{index}-duration": duration,
        })  # fmt: skip
    for index, (threshold, action, group) in enumerate(actions):
        form.update({
            f"actions-{index}-threshold": threshold, f"actions-{index}-metric": "",
            f"actions-{index}-action": action, f"actions-{index}-group": group or "",
        })  # fmt: skip
    form.update(fields)
    return form


def test_a_good_policy_saves_with_its_targets_and_actions(ada, network_team):
    form = policy_form(
        targets=[("response", 3, "04:00:00"), ("resolution", 3, "16:00:00")],
        actions=[(100, "reassign", network_team.pk)],
    )
    response = ada.post(POLICY_ADD, form)
    assert response.status_code == 302, form_errors(response)
    policy = SLAPolicy.objects.get()
    assert policy.warnings == [75, 90]
    assert sorted(str(t.duration) for t in policy.targets.all()) == ["16:00:00", "4:00:00"]
    assert policy.actions.get().group == network_team


@pytest.mark.parametrize("duration", ["00:00:00", "-01:00:00", "0"])
def test_a_target_of_zero_or_less_is_a_form_error_not_a_500(ada, duration):
    form = policy_form(targets=[("response", 3, "04:00:00"), ("resolution", 3, duration)])
    errors = form_errors(ada.post(POLICY_ADD, form))
    assert errors == {
        "targets-1-duration": [
            "A target is a positive business time, e.g. 04:00:00 for four hours."
        ]
    }
    assert not SLAPolicy.objects.exists() and not SLATarget.objects.exists()


def test_reassign_without_a_group_is_a_form_error(ada):
    form = policy_form(actions=[(100, "reassign", None)])
    errors = form_errors(ada.post(POLICY_ADD, form))
    assert errors == {"actions-0-group": ["Name the group to reassign to."]}
    assert not SLAPolicy.objects.exists() and not SLAAction.objects.exists()


@pytest.mark.parametrize(
    ("warnings", "says"),
    [
        ("75, abc", "Whole percentages separated by commas: 75, 90."),
        ("75, 100", "Each warning is between 1 and 99 percent."),
    ],
)
def test_bad_warnings_are_a_form_error(ada, warnings, says):
    errors = form_errors(ada.post(POLICY_ADD, policy_form(warnings=warnings)))
    assert errors == {"warnings": [says]}
    assert not SLAPolicy.objects.exists()


# --- hostile input ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["hours", "holidays"])
def test_json_nested_50000_deep_is_a_form_error_not_a_500(ada, field):
    response = ada.post(CALENDAR_ADD, calendar_form(**{field: "[" * 50_000 + "]" * 50_000}))
    assert form_errors(response)[field] == ["The JSON is nested too deeply to be a calendar."]
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"timezone": "localtime"}, "timezone", "Unknown time zone 'localtime'"),
        ({"timezone": "posix/Europe/Berlin"}, "timezone", "Unknown time zone"),
        ({"hours": json.dumps({"mon": [["9:00", "17:00"]]})}, "hours", "Bad time '9:00'"),
        (
            {"hours": json.dumps({"mon": [["\uff10\uff19:00", "17:00"]]})},
            "hours",
            "Bad time '\uff10\uff19:00'",
        ),
    ],
)
def test_zones_and_times_that_only_look_right_are_refused(ada, fields, field, says):
    errors = form_errors(ada.post(CALENDAR_ADD, calendar_form(**fields)))
    assert any(says in message for message in errors.get(field, [])), errors
    assert not BusinessCalendar.objects.exists()


# --- escalation targets -------------------------------------------------------------------------

ESCALATION_ADD = reverse("admin:sla_escalationtarget_add")


def test_an_escalation_target_goes_up_a_tier(ada, service_desk, network_team):
    response = ada.post(ESCALATION_ADD, {"group": service_desk.pk, "escalate_to": network_team.pk})
    assert response.status_code == 302, form_errors(response)
    assert str(EscalationTarget.objects.get()) == "Service Desk -> Network Team"


@pytest.mark.parametrize(
    ("source", "target", "says"),
    [
        ("network_team", "service_desk", "Service Desk is L1 (service desk); a group of L2 "
         "escalates to a higher tier."),
        ("network_team", "network_team", "A group cannot escalate to itself."),
    ],
)  # fmt: skip
def test_an_escalation_target_down_or_sideways_is_refused(ada, request, source, target, says):
    source, target = request.getfixturevalue(source), request.getfixturevalue(target)
    response = ada.post(ESCALATION_ADD, {"group": source.pk, "escalate_to": target.pk})
    assert form_errors(response) == {"escalate_to": [says]}
    assert not EscalationTarget.objects.exists()
