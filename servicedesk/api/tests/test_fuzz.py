"""Whatever JSON arrives, the answer is a 2xx or a 4xx in the error format, never a 500."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk.api.tests.helpers import TICKETS, error, url
from servicedesk.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

FIELDS = [
    "title", "description", "kind", "state", "impact", "urgency", "priority",
    "priority_override_reason", "category", "subcategory", "affected_service",
    "configuration_item", "assignment_group", "assignee", "requester", "resolution_code",
    "resolution_notes", "custom_fields", "version", "channel", "watchers", "body", "is_public",
    "target", "kind", "user", "reason", "comment",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(
        ["new", "resolved", "in_progress", "1", "", "INC0000001", "solved", "related"]
    )
)
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), values, max_size=6) | values


def _check(response) -> None:
    assert response.status_code < 500, response.content
    if response.status_code >= 400:
        error(response)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=bodies)
def test_any_json_on_any_write(client_for, agent_l1_lee, requester_ann, service_desk, body):
    ticket = make_ticket(requester=requester_ann)
    raw = json.dumps(body)  # NaN and Infinity included: they must be refused, not crash
    for user in (agent_l1_lee, requester_ann):
        client = client_for(user)
        _check(client.post(TICKETS, raw, content_type="application/json"))
        _check(client.patch(url(ticket), raw, content_type="application/json"))
        for part in ("comments", "links", "watchers", "reopen", "reject", "accept"):
            _check(client.post(url(ticket, part), raw, content_type="application/json"))


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "kind",
                "state",
                "priority",
                "impact",
                "urgency",
                "channel",
                "group",
                "assignee",
                "requester",
                "organisation",
                "category",
                "unassigned",
                "is_open",
                "created_after",
                "created_before",
                "q",
                "ordering",
                "cursor",
                "page_size",
                "by",
                "role",
            ]
        ),
        st.text(max_size=12) | st.integers().map(str),
        max_size=4,
    )
)
def test_any_query_on_any_list(client_for, agent_l1_lee, params):  # fmt: skip
    client = client_for(agent_l1_lee)
    for path in (TICKETS, f"{TICKETS}counts/", "/api/v1/users/", "/api/v1/groups/"):
        _check(client.get(path, params))
