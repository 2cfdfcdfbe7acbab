"""/api/v1/sla/: business calendars for desk admins, their arithmetic, and the policies."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from servicedesk.api.tests.helpers import error
from servicedesk.sla import models
from servicedesk.sla.models import BusinessCalendar, Clock, OrganisationCalendar, SLAAction
from servicedesk.sla.tests.factories import OFFICE_HOURS, berlin_office, policy_with
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

CALENDARS = "/api/v1/sla/calendars/"
POLICIES = "/api/v1/sla/policies/"
BERLIN = {"name": "Berlin office", "timezone": "Europe/Berlin", "hours": OFFICE_HOURS}
# The issue's figures: Friday 16:30 in Berlin, eight office hours, over the DST weekend.
FIRST_CASE = {"start": "2026-03-27T16:30+01:00", "target": "8h"}
FIRST_ANSWER = {"due": "2026-03-30T14:30:00Z", "due_local": "2026-03-30T16:30:00+02:00"}


@pytest.fixture(autouse=True)
def _fresh_calendars():
    # The kept calendars are keyed by id and save time: another test's calendar 1 is not ours.
    models._CALENDARS.clear()
    yield
    models._CALENDARS.clear()


@pytest.fixture
def office(db):
    return berlin_office()


def cal(calendar: BusinessCalendar, part: str = "") -> str:
    return f"{CALENDARS}{calendar.pk}/{part + '/' if part else ''}"


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = error(response)
    assert body["code"] == code, body
    return body


# --- calendars ----------------------------------------------------------------------------------


def test_an_admin_creates_reads_changes_and_deletes_a_calendar(client_for, admin_ada):
    client = client_for(admin_ada)
    body = {**BERLIN, "holidays": ["2026-12-25"], "country": "de", "subdivision": "BY"}
    created = client.post(CALENDARS, body, format="json")
    assert created.status_code == 201, created.json()
    calendar = created.json()
    assert created["Location"] == f"{CALENDARS}{calendar['id']}/"
    assert calendar["country"] == "DE" and calendar["subdivision"] == "BY"
    assert calendar["hours"] == OFFICE_HOURS and calendar["always_open"] is False

    assert [c["name"] for c in client.get(CALENDARS).json()] == ["Berlin office"]
    assert client.get(created["Location"]).json() == calendar

    changed = client.patch(created["Location"], {"always_open": True}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["always_open"] is True and changed.json()["hours"] == OFFICE_HOURS

    assert client.delete(created["Location"]).status_code == 204
    assert not BusinessCalendar.objects.exists()


BAD_CALENDARS = [
    ({"timezone": "Europe/Atlantis"}, "timezone", "Unknown time zone 'Europe/Atlantis'"),
    ({"timezone": ""}, "timezone", "may not be blank"),
    ({"hours": {}}, "hours", "no working time"),
    ({"hours": {"sat": [], "sun": []}}, "hours", "no working time"),
    ({"hours": {"mon": [["09:00", "12:00"], ["11:00", "17:00"]]}}, "hours", "overlap"),
    ({"hours": {"mon": [["17:00", "09:00"]]}}, "hours", "ends before it starts"),
    ({"hours": {"mon": [["09:00", "25:00"]]}}, "hours", "bad time '25:00'"),
    ({"hours": {"monday": [["09:00", "17:00"]]}}, "hours", "unknown weekday"),
    ({"hours": "9-5"}, "hours", "maps weekdays"),
    ({"holidays": ["2026-13-01"]}, "holidays", "bad holiday date"),
    ({"holidays": ["2026-12-25", "2026-12-25"]}, "holidays", "listed twice"),
    ({"holidays": {"date": "2026-12-24"}}, "holidays", "list of dates"),
    ({"country": "XX"}, "country", "unknown country 'XX'"),
    ({"country": "DE", "subdivision": "ZZ"}, "subdivision", "unknown subdivision 'ZZ'"),
    ({"subdivision": "BY"}, "subdivision", "needs its country"),
    ({"country": "GERMANY"}, "country", "no more than 3"),
    ({"name": ""}, "name", "may not be blank"),
    ({"always_open": "sometimes"}, "always_open", "valid boolean"),
    ({"colour": "blue"}, "colour", "Unknown field"),
]


@pytest.mark.parametrize(("change", "field", "says"), BAD_CALENDARS)
def test_a_bad_calendar_is_a_400_under_its_field_and_nothing_is_saved(
    client_for, admin_ada, change, field, says
):
    response = client_for(admin_ada).post(CALENDARS, {**BERLIN, **change}, format="json")
    body = refused(response, 400, "validation_error")
    assert field in body["fields"], body
    assert says.lower() in body["fields"][field][0].lower(), body
    assert body["message"].startswith(f"{field}: ")
    assert not BusinessCalendar.objects.exists()


@pytest.mark.parametrize(("change", "field", "says"), BAD_CALENDARS)
def test_a_change_that_breaks_a_calendar_is_a_400_and_nothing_changes(
    client_for, admin_ada, office, change, field, says
):
    before = BusinessCalendar.objects.values().get()
    response = client_for(admin_ada).patch(cal(office), change, format="json")
    body = refused(response, 400, "validation_error")
    assert says.lower() in body["fields"][field][0].lower(), body
    assert BusinessCalendar.objects.values().get() == before


def test_one_name_and_one_default(client_for, admin_ada, office):
    client = client_for(admin_ada)
    body = refused(client.post(CALENDARS, BERLIN, format="json"), 400, "validation_error")
    assert "already exists" in body["fields"]["name"][0]
    office.is_default = True
    office.save()
    other = {**BERLIN, "name": "Lisbon office", "timezone": "Europe/Lisbon", "is_default": True}
    body = refused(client.post(CALENDARS, other, format="json"), 400, "validation_error")
    assert body["fields"]["is_default"] == [
        "Berlin office is the default calendar; untick it there first."
    ]
    assert BusinessCalendar.objects.count() == 1
    # The default itself may be saved again as the default.
    assert client.patch(cal(office), {"is_default": True}, format="json").status_code == 200


def test_a_calendar_a_policy_uses_is_not_deleted(client_for, admin_ada, office):
    policy_with(calendar=office, response="4h", resolution="16h", name="Gold")
    body = refused(client_for(admin_ada).delete(cal(office)), 409, "calendar_in_use")
    assert body["message"] == "Berlin office is in use by policy 'Gold'; give them another first."
    assert BusinessCalendar.objects.filter(pk=office.pk).exists()


def test_a_calendar_an_organisation_uses_is_not_deleted(client_for, admin_ada, office, org_a):
    OrganisationCalendar.objects.create(organisation=org_a, calendar=office)
    body = refused(client_for(admin_ada).delete(cal(office)), 409, "calendar_in_use")
    assert "organisation 'Acme'" in body["message"]
    assert OrganisationCalendar.objects.filter(calendar=office).exists()


def test_put_is_not_offered(client_for, admin_ada, office):
    response = client_for(admin_ada).put(cal(office), BERLIN, format="json")
    refused(response, 405, "method_not_allowed")


# --- the arithmetic -----------------------------------------------------------------------------


def test_due_gives_the_issues_figures(client_for, admin_ada, office):
    response = client_for(admin_ada).post(cal(office, "due"), FIRST_CASE, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == FIRST_ANSWER


@pytest.mark.parametrize(
    "case",
    [
        {"start": "2026-03-27T16:30", "target": "PT8H"},  # no offset: Berlin time
        {"start": "2026-03-27T15:30:00Z", "target": 28800},
        {"start": "2026-03-27T16:30+01:00", "target": "7h30m", "pauses": []},
    ],
)
def test_due_reads_times_and_targets_as_sla_calc_does(client_for, admin_ada, office, case):
    response = client_for(admin_ada).post(cal(office, "due"), case, format="json")
    expected = FIRST_ANSWER
    if case["target"] == "7h30m":
        expected = {"due": "2026-03-30T14:00:00Z", "due_local": "2026-03-30T16:00:00+02:00"}
    assert response.json() == expected


def test_pauses_move_the_due_time_and_an_open_one_leaves_none(client_for, admin_ada, office):
    client = client_for(admin_ada)
    paused = {
        "start": "2026-06-01T09:00+02:00", "target": "8h",
        "pauses": [["2026-06-01T10:00", "2026-06-01T12:00"]],
    }  # fmt: skip
    assert client.post(cal(office, "due"), paused, format="json").json() == {
        "due": "2026-06-02T09:00:00Z", "due_local": "2026-06-02T11:00:00+02:00",
    }  # fmt: skip
    still_paused = {**FIRST_CASE, "pauses": [["2026-03-27T16:40+01:00", None]]}
    answer = client.post(cal(office, "due"), still_paused, format="json").json()
    assert answer == {"due": None, "due_local": None}


@pytest.mark.parametrize(
    ("until", "seconds"),
    [("2026-03-30T15:30+02:00", 25200), ("2026-03-30T09:00:00.5+02:00", 1800.5)],
)
def test_elapsed_gives_the_business_seconds(client_for, admin_ada, office, until, seconds):
    body = {"start": "2026-03-27T16:30+01:00", "until": until}
    response = client_for(admin_ada).post(cal(office, "elapsed"), body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"elapsed_seconds": seconds}
    assert type(response.json()["elapsed_seconds"]) is type(seconds)


START = "2026-03-27T16:30+01:00"


@pytest.mark.parametrize(
    ("part", "body", "field", "says"),
    [
        ("due", {"start": START, "target": "-1h"}, "target", "negative"),
        ("due", {"start": START, "target": -60}, "target", "negative"),
        ("due", {"start": START, "target": "soon"}, "target", "cannot read duration"),
        ("due", {"start": START, "target": "1d"}, "target", "days"),
        ("due", {"start": START, "target": True}, "target", "8h30m"),
        ("due", {"start": START, "target": [8]}, "target", "8h30m"),
        ("due", {"start": START, "target": 1e300}, "target", "longer"),
        ("due", {"start": START}, "target", "required"),
        ("due", {"start": "last friday", "target": "1h"}, "start", "ISO 8601"),
        ("due", {"start": "0001-01-01T00:00+05:00", "target": "1h"}, "start", "outside"),
        ("due", {"start": 20260327, "target": "1h"}, "start", "ISO 8601 text"),
        ("due", {"start": "9999-12-31T12:00", "target": "100h"}, "target", "years"),
        ("due", {**FIRST_CASE, "until": START}, "until", "Unknown field"),
        (
            "due",
            {**FIRST_CASE, "pauses": [["2026-03-30T10:00", "2026-03-30T09:00"]]},
            "pauses.0",
            "ends (2026-03-30T09:00) before it starts",
        ),
        ("due", {**FIRST_CASE, "pauses": [["2026-03-30T10:00"]]}, "pauses.0", "at least 2"),
        ("due", {**FIRST_CASE, "pauses": [[None, None]]}, "pauses.0", "needs its start"),
        ("due", {**FIRST_CASE, "pauses": [["soon", None]]}, "pauses.0", "ISO 8601"),
        ("due", {**FIRST_CASE, "pauses": "all weekend"}, "pauses", "list"),
        ("elapsed", {"start": START, "until": "2026-03-27T16:00+01:00"}, "until", "before start"),
        ("elapsed", {"start": START, "until": "tomorrow"}, "until", "ISO 8601"),
        ("elapsed", {"start": START, "until": "9999-12-31T00:00"}, "until", "years"),
        ("elapsed", {"start": START, "target": "8h"}, "target", "Unknown field"),
    ],
)
def test_bad_arithmetic_input_is_a_400_under_its_field(
    client_for, admin_ada, office, part, body, field, says
):
    response = client_for(admin_ada).post(cal(office, part), body, format="json")
    found = refused(response, 400, "validation_error")
    assert field in found["fields"], found
    assert says.lower() in found["fields"][field][0].lower(), found


def test_a_calendar_saved_around_the_checks_is_a_409_not_a_500(client_for, admin_ada):
    broken = BusinessCalendar.objects.create(name="Broken", timezone="Mars/Olympus", hours={})
    response = client_for(admin_ada).post(cal(broken, "due"), FIRST_CASE, format="json")
    body = refused(response, 409, "calendar_unusable")
    assert "unknown time zone 'Mars/Olympus'" in body["message"]


# --- who may ------------------------------------------------------------------------------------

REFUSAL = "Only desk admins can manage business calendars."


@pytest.mark.parametrize("who", ["requester_ann", "agent_l1_lee", "lead_mo"])
def test_only_desk_admins_touch_calendars_and_the_refusal_tells_nothing(who, request, office):
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    missing = f"{CALENDARS}999999/"
    calls = [
        client.get(CALENDARS),
        client.post(CALENDARS, {**BERLIN, "name": "Mine"}, format="json"),
        client.get(cal(office)),
        client.get(missing),
        client.patch(cal(office), {"timezone": "UTC"}, format="json"),
        client.patch(missing, {"timezone": "UTC"}, format="json"),
        client.delete(cal(office)),
        client.delete(missing),
        client.post(cal(office, "due"), FIRST_CASE, format="json"),
        client.post(f"{missing}due/", FIRST_CASE, format="json"),
        client.post(cal(office, "elapsed"), {"start": START, "until": START}, format="json"),
    ]
    # An existing calendar and a missing one get the same answer: nothing is learnt.
    bodies = [refused(r, 403, "permission_denied") for r in calls]
    assert all(b == {"code": "permission_denied", "message": REFUSAL, "fields": {}} for b in bodies)
    assert list(BusinessCalendar.objects.values_list("name", "timezone")) == [
        ("Berlin office", "Europe/Berlin")
    ]


def test_strangers_must_authenticate(office):
    refused(APIClient().get(CALENDARS), 401, "not_authenticated")
    refused(APIClient().get(POLICIES), 401, "not_authenticated")


def test_an_admin_asks_for_a_missing_calendar(client_for, admin_ada):
    refused(client_for(admin_ada).get(f"{CALENDARS}999999/"), 404, "not_found")


# --- policies -----------------------------------------------------------------------------------


@pytest.fixture
def gold(office, network_team):
    policy = policy_with(
        calendar=office, response="4h", resolution="16h30m", name="Gold", order=10,
        priorities=[1, 2], kinds=["incident"],
        actions=[(90, "notify_lead", None), (100, "reassign", network_team)],
    )  # fmt: skip
    return policy


def test_agents_read_the_policies_with_their_targets(client_for, agent_l1_lee, gold, network_team):
    response = client_for(agent_l1_lee).get(POLICIES)
    assert response.status_code == 200, response.json()
    [policy] = response.json()
    assert policy == {
        "id": gold.pk, "name": "Gold", "order": 10, "is_active": True,
        "conditions": {
            "kinds": ["incident"], "priorities": [1, 2], "channels": [], "categories": [],
            "organisations": [], "services": [],
        },
        "calendar": gold.calendar_id, "internal_group": None,
        "pause_states": ["awaiting_user", "awaiting_vendor"], "warnings": [75, 90],
        "targets": [
            {"metric": metric, "priority": priority, "duration_seconds": seconds}
            for metric, base in (("resolution", 59400), ("response", 14400))
            for priority, seconds in zip(
                (1, 2, 3, 4), (base // 4, base // 2, base, base * 2), strict=True
            )
        ],
        "actions": [
            {"threshold": 90, "metric": "", "action": "notify_lead", "group": None},
            {"threshold": 100, "metric": "", "action": "reassign", "group": network_team.pk},
        ],
    }  # fmt: skip
    assert client_for(agent_l1_lee).get(f"{POLICIES}{gold.pk}/").json() == policy


def test_end_users_do_not_see_policies(client_for, requester_ann, gold):
    for path in (POLICIES, f"{POLICIES}{gold.pk}/", f"{POLICIES}999999/"):
        body = refused(client_for(requester_ann).get(path), 403, "permission_denied")
        assert body["message"] == "Only agents can see SLA policies."


def test_policies_are_read_only(client_for, admin_ada, gold):
    client = client_for(admin_ada)
    refused(client.post(POLICIES, {"name": "New"}, format="json"), 405, "method_not_allowed")
    refused(client.patch(f"{POLICIES}{gold.pk}/", {}, format="json"), 405, "method_not_allowed")
    refused(client.delete(f"{POLICIES}{gold.pk}/"), 405, "method_not_allowed")


def test_the_lists_cost_the_same_whatever_their_length(client_for, admin_ada, office, network_team):
    client = client_for(admin_ada)
    counts, made = [], 0
    for n in (1, 4):
        for i in range(made, n):
            berlin_office(name=f"Office {i}")
            policy = policy_with(calendar=office, response="1h", resolution="8h", name=f"P{i}")
            SLAAction.objects.create(policy=policy, action="reassign", group=network_team)
        with CaptureQueriesContext(connection) as calendars:
            assert len(client.get(CALENDARS).json()) == n + 1
        with CaptureQueriesContext(connection) as policies:
            assert len(client.get(POLICIES).json()) == n
        counts.append((len(calendars), len(policies)))
        made = n
    # The calendars; the policies, then their categories, organisations, services, targets,
    # actions.
    assert counts == [(1, 6), (1, 6)]


def test_the_schema_documents_them(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert set(paths[CALENDARS]) == {"get", "post"}
    assert set(paths[CALENDARS + "{id}/"]) >= {"get", "patch", "delete"}
    assert "put" not in paths[CALENDARS + "{id}/"]
    assert set(paths[CALENDARS + "{id}/due/"]["post"]["responses"]) >= {"200", "400", "403"}
    assert set(paths[CALENDARS + "{id}/elapsed/"]) >= {"post"}
    assert set(paths[POLICIES]) == {"get"} and set(paths[POLICIES + "{id}/"]) == {"get"}
    due = schema["components"]["schemas"]["DueInputRequest"]
    assert set(due["properties"]) == {"start", "target", "pauses"}


# --- whatever arrives ---------------------------------------------------------------------------

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(["09:00", "24:00", "Europe/Berlin", "DE", "8h", "2026-03-27T16:30", "mon"])
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
FIELDS = [
    "name", "timezone", "always_open", "hours", "holidays", "country", "subdivision",
    "is_default", "start", "target", "until", "pauses",
]  # fmt: skip
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=6), values, max_size=6) | values


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_any_json_is_a_2xx_or_a_4xx_in_the_error_format(client_for, admin_ada, body):
    office = BusinessCalendar.objects.filter(name="Berlin office").first() or berlin_office()
    client = client_for(admin_ada)
    raw = json.dumps(body)  # NaN and Infinity included
    for method, path in (
        (client.post, CALENDARS), (client.patch, cal(office)),
        (client.post, cal(office, "due")), (client.post, cal(office, "elapsed")),
    ):  # fmt: skip
        response = method(path, raw, content_type="application/json")
        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            error(response)


def test_a_calendar_change_moves_the_running_clocks_it_governs(
    client_for, admin_ada, office, requester_ann, time_machine
):
    policy_with(calendar=office, response="1h", resolution="8h")
    monday_0900 = datetime(2026, 6, 1, 7, 0, tzinfo=UTC)
    time_machine.move_to(monday_0900, tick=False)
    ticket = make_ticket(requester=requester_ann, impact=2, urgency=2)
    time_machine.move_to(monday_0900 + timedelta(hours=0.5), tick=False)
    response = client_for(admin_ada).patch(cal(office), {"always_open": True}, format="json")
    assert response.status_code == 200, response.json()
    found = {c.metric: c for c in Clock.objects.filter(ticket=ticket)}
    # The half hour used stays; the rest counts every hour: 7h30m from 09:30 local.
    assert found["resolution"].banked == timedelta(minutes=30)
    assert found["resolution"].due_at == monday_0900 + timedelta(hours=8)
    assert found["response"].due_at == monday_0900 + timedelta(hours=1)
