"""A chat relay's Idempotency-Key belongs to the user it speaks for, not to the relay alone."""

import pytest
from rest_framework.test import APIClient

from servicedesk.accounts.services import api_token_create
from servicedesk.accounts.tests.factories import UserFactory
from servicedesk.channels.chat.models import Conversation

pytestmark = pytest.mark.django_db


def test_one_key_for_two_users_never_answers_one_with_the_others_conversation(
    settings, requester_ann, requester_bob
):
    relay_user = UserFactory(username="teamsbot")
    settings.SERVICEDESK_CHAT_RELAY_USERS = [relay_user.username]
    _, key = api_token_create(user=relay_user, name="teams bot")
    relay = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_IDEMPOTENCY_KEY="hello-1")
    as_ann = relay.post("/api/v1/chat/", {"text": "hello"}, format="json",
                        HTTP_X_CHAT_USER=requester_ann.username)  # fmt: skip
    as_bob = relay.post("/api/v1/chat/", {"text": "hello"}, format="json",
                        HTTP_X_CHAT_USER=requester_bob.username)  # fmt: skip
    assert as_ann.status_code == 201
    ann_chat = Conversation.objects.get(user=requester_ann)
    assert as_ann.json()["id"] == ann_chat.pk
    # Bob's call is his own: a conversation of his, never Ann's id and messages replayed.
    assert as_bob.status_code == 201, as_bob.json()
    assert "Idempotent-Replayed" not in as_bob.headers
    assert as_bob.json()["id"] == Conversation.objects.get(user=requester_bob).pk != ann_chat.pk
    # And Ann's retry is still the first answer.
    again = relay.post("/api/v1/chat/", {"text": "hello"}, format="json",
                       HTTP_X_CHAT_USER=requester_ann.username)  # fmt: skip
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == ann_chat.pk
    assert Conversation.objects.count() == 2
