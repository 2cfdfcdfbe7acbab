"""Token and session authentication, and the create-api-token command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from servicedesk.accounts.models import ApiToken
from servicedesk.accounts.services import api_token_create
from servicedesk.api.tests.helpers import TICKETS, error
from servicedesk.core import clock
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _bearer(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return client


def test_a_token_signs_the_user_in(requester_ann):
    _, key = api_token_create(user=requester_ann, name="script")
    response = _bearer(key).get("/api/v1/users/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "ann"
    response = _bearer(key).post(TICKETS, {"title": "From a script"}, format="json")
    assert response.status_code == 201
    assert Ticket.objects.get().requester == requester_ann


@pytest.mark.parametrize("state", ["revoked", "expired", "unknown", "malformed"])
def test_a_bad_token_is_401(requester_ann, state):
    token, key = api_token_create(user=requester_ann, name="script")
    if state == "revoked":
        token.revoked = True
        token.save()
    elif state == "expired":
        token.expires_at = clock.now() - timedelta(seconds=1)
        token.save()
    elif state == "unknown":
        key = "sd_nothing"
    client = _bearer(key)
    if state == "malformed":
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key} extra")
    response = client.get(TICKETS)
    assert response.status_code == 401
    assert error(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_no_credentials_is_401(db):
    response = APIClient().get(TICKETS)
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


def test_a_session_needs_the_csrf_token_to_write(requester_ann):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(requester_ann)
    assert client.get(TICKETS).status_code == 200
    refused = client.post(TICKETS, {"title": "No token"}, format="json")
    assert refused.status_code == 403
    assert error(refused)["code"] == "permission_denied"
    assert not Ticket.objects.exists()
    token = "k" * 32  # a CSRF secret as the browser would hold it in the cookie
    client.cookies["csrftoken"] = token
    response = client.post(TICKETS, {"title": "With token"}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_create_api_token_prints_a_working_token(requester_ann):
    out = StringIO()
    call_command("create-api-token", "ann", "--name", "ci", "--expires-days", "30", stdout=out)
    key = out.getvalue().strip()
    assert "\n" not in key and key.startswith("sd_")
    token = ApiToken.objects.get()
    assert (token.name, token.user, token.hint) == ("ci", requester_ann, key[:8])
    assert timedelta(days=29, hours=23) < token.expires_at - clock.now() <= timedelta(days=30)
    assert _bearer(key).get(TICKETS).status_code == 200


@pytest.mark.parametrize(
    "args",
    [[], ["nobody"], ["ann", "--expires-days", "0"], ["ann", "--expires-days", "soon"],
     ["ann", "--name", " "], ["ann", "--name", "x" * 101]],
)  # fmt: skip
def test_create_api_token_refuses_bad_input_with_exit_2(requester_ann, args):
    with pytest.raises(CommandError) as raised:
        call_command("create-api-token", *args, stdout=StringIO())
    assert raised.value.returncode == 2
    assert "\n" not in str(raised.value)
    assert not ApiToken.objects.exists()
