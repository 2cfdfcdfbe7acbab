"""/api/v1/chat/: a conversation driven over the API, by its user or by a chat relay."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from servicedesk.accounts.services import api_token_create
from servicedesk.channels.chat.models import Conversation, Message, Upload
from servicedesk.channels.chat.tests import conftest as chat_fixtures
from servicedesk.channels.chat.tests.conftest import Hit
from servicedesk.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db
# The chat tests' fixtures: a VPN keyword rule, and a knowledge base that finds given hits.
network = chat_fixtures.network
articles = chat_fixtures.articles
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def _post(client, url, **data):
    return client.post(url, data, format="json")


def test_a_conversation_over_the_api_raises_the_ticket(client_for, requester_ann, network):
    api = client_for(requester_ann)
    started = _post(api, "/api/v1/chat/", text="My VPN drops every hour, the whole team")
    assert started.status_code == 201
    body = started.json()
    chat = body["id"]
    assert [m["author"] for m in body["messages"]] == ["bot", "user", "bot", "bot"]
    assert body["messages"][1]["text"] == "My VPN drops every hour, the whole team"
    assert body["step"] == "affected" and body["ended"] is False
    for text in ("VPN client", "since 9 this morning", "now"):
        answer = _post(api, f"/api/v1/chat/{chat}/messages/", text=text)
        assert answer.status_code == 201, answer.json()
        assert [m["author"] for m in answer.json()] == ["user", "bot"]
    assert answer.json()[1]["extra"]["choices"] == ["Skip"]  # the screenshot question
    upload = SimpleUploadedFile("vpn error.png", PNG, content_type="image/png")
    posted = api.post(f"/api/v1/chat/{chat}/uploads/", {"file": upload}, format="multipart")
    assert posted.status_code == 201, posted.json()
    assert posted.json()[0]["text"] == "(uploaded vpn error.png)"
    assert posted.json()[-1]["extra"]["choices"] == ["Yes", "No"]  # straight to confirming
    done = _post(api, f"/api/v1/chat/{chat}/messages/", text="yes")
    ticket = Ticket.objects.get()
    assert done.json()[1]["extra"]["ticket"]["number"] == ticket.number
    assert (ticket.subcategory.name, ticket.impact, ticket.urgency) == ("VPN", 2, 1)
    names = set(Attachment.objects.filter(ticket=ticket).values_list("filename", flat=True))
    assert names == {"chat-transcript.txt", "vpn error.png"}
    read = api.get(f"/api/v1/chat/{chat}/").json()
    assert (read["step"], read["ended"], read["ticket"]["number"]) == (
        "raised",
        True,
        ticket.number,
    )
    assert len(read["messages"]) == Message.objects.filter(conversation_id=chat).count()
    # An ended conversation takes no more messages.
    late = _post(api, f"/api/v1/chat/{chat}/messages/", text="one more thing")
    assert (late.status_code, late.json()["error"]["code"]) == (409, "conversation_ended")


def test_an_article_helped_over_the_api(client_for, requester_ann, articles):
    articles.found(Hit(3, "Reset your password", "<mark>Password</mark> reset", "/kb/3/", 2.0))
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/", text="I forgot my password").json()
    offered = chat["messages"][-1]["extra"]["articles"]
    assert [a["id"] for a in offered] == [3]
    answer = _post(api, f"/api/v1/chat/{chat['id']}/messages/", text="thanks", article_id=3)
    assert answer.json()[-1]["text"].startswith("Glad it helped!")
    assert articles.recorded == [(3, requester_ann.pk, "chat")]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "empty_message", "The message is empty; type what you need."),
        ("   \n ", "empty_message", "The message is empty; type what you need."),
        ("x" * 4001, "message_too_long", "The message has 4,001 characters; the limit is 4,000."),
        ("a\x00b", "validation_error", "text: Null characters are not allowed."),
    ],
)
def test_bad_messages_get_clear_answers(client_for, requester_ann, text, code, message):
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/").json()["id"]
    answer = _post(api, f"/api/v1/chat/{chat}/messages/", text=text)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == code
    assert answer.json()["error"]["message"].startswith(message)
    assert Message.objects.filter(conversation_id=chat).count() == 1  # the greeting only


def test_script_tags_are_kept_as_text(client_for, requester_ann):
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/", text="<script>alert(1)</script> my printer").json()
    assert chat["messages"][1]["text"] == "<script>alert(1)</script> my printer"


def test_missing_and_other_peoples_conversations_are_404(client_for, requester_ann, requester_bob):
    anns = _post(client_for(requester_ann), "/api/v1/chat/", text="my printer jams").json()["id"]
    bob = client_for(requester_bob)
    for answer in (
        bob.get(f"/api/v1/chat/{anns}/"),
        _post(bob, f"/api/v1/chat/{anns}/messages/", text="status of INC0000001"),
        _post(bob, "/api/v1/chat/999999/messages/", text="hello"),
        bob.get("/api/v1/chat/abc/"),
    ):
        assert answer.status_code == 404
        assert answer.json()["error"]["code"] == "not_found"
    assert bob.get(f"/api/v1/chat/{anns}/").json() == bob.get("/api/v1/chat/999999/").json()
    assert Message.objects.filter(conversation_id=anns).count() == 4
    assert bob.get("/api/v1/chat/").json()["results"] == []
    missing = _post(bob, "/api/v1/chat/messages/", text="hello")
    assert (missing.status_code, missing.json()["error"]["code"]) == (400, "conversation_required")
    body = bob.post(f"/api/v1/chat/{anns}/messages/", "not json", content_type="application/json")
    assert body.status_code in (400, 404)


def test_a_relay_talks_for_a_user_named_by_header(settings, requester_ann, requester_bob):
    relay_user = requester_bob  # stands for the Teams bot's service account
    settings.SERVICEDESK_CHAT_RELAY_USERS = [relay_user.username]
    _, key = api_token_create(user=relay_user, name="teams bot")
    relay = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_CHAT_USER=requester_ann.email)
    started = _post(relay, "/api/v1/chat/", text="my printer jams")
    assert started.status_code == 201
    assert Conversation.objects.get().user == requester_ann
    assert relay.get(f"/api/v1/chat/{started.json()['id']}/").status_code == 200
    # Without the header the relay is itself, and Ann's conversation is not its own.
    itself = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert itself.get(f"/api/v1/chat/{started.json()['id']}/").status_code == 404
    nobody = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_CHAT_USER="nobody@example.org")
    answer = _post(nobody, "/api/v1/chat/", text="hi")
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "unknown_chat_user")


def test_only_relays_may_name_another_user(requester_ann, requester_bob):
    _, key = api_token_create(user=requester_bob, name="script")
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {key}", HTTP_X_CHAT_USER=requester_ann.username)
    answer = _post(client, "/api/v1/chat/", text="my printer jams")
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "not_a_relay")
    assert not Conversation.objects.exists()


def test_a_screenshot_over_the_limit_is_refused(client_for, requester_ann, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/").json()["id"]
    upload = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    answer = api.post(f"/api/v1/chat/{chat}/uploads/", {"file": upload}, format="multipart")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == (
        "attachments: big.png is 272 bytes; the limit is 100 bytes."
    )


def test_reading_a_conversation_costs_the_same_however_long(
    client_for, requester_ann, django_assert_num_queries
):
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/", text="my printer jams").json()["id"]
    with django_assert_num_queries(2):  # the conversation (with its ticket), its messages
        short = api.get(f"/api/v1/chat/{chat}/")
    for text in ("the printer", "since 9", "just me", "soon", "skip", "yes"):
        _post(api, f"/api/v1/chat/{chat}/messages/", text=text)
    with django_assert_num_queries(2):
        long = api.get(f"/api/v1/chat/{chat}/")
    assert len(long.json()["messages"]) > len(short.json()["messages"]) + 10
    assert long.json()["ticket"]["number"].startswith("INC")


def test_a_retried_message_is_answered_once(client_for, requester_ann):
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/", text="my printer jams").json()["id"]
    url = f"/api/v1/chat/{chat}/messages/"
    first = api.post(url, {"text": "the printer"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post(url, {"text": "the printer"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Message.objects.filter(conversation_id=chat, body="the printer").count() == 1
    assert Conversation.objects.get(pk=chat).step == "since"


def test_a_body_over_the_request_limit_is_a_413(client_for, requester_ann):
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/").json()["id"]
    answer = _post(api, f"/api/v1/chat/{chat}/messages/", text="x" * 3_000_000)
    assert (answer.status_code, answer.json()["error"]["code"]) == (413, "request_too_large")
    assert Message.objects.filter(conversation_id=chat).count() == 1


def test_only_an_image_is_taken_as_a_screenshot(client_for, requester_ann):
    api = client_for(requester_ann)
    chat = _post(api, "/api/v1/chat/").json()["id"]
    for name, body in [
        ("setup.png", b"MZ\x90\x00" + bytes(64)),  # a Windows program named as a picture
        ("shot.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ]:
        upload = SimpleUploadedFile(name, body, content_type="image/png")
        answer = api.post(f"/api/v1/chat/{chat}/uploads/", {"file": upload}, format="multipart")
        assert answer.status_code == 400
        assert answer.json()["error"]["code"] == "not_an_image"
        assert answer.json()["error"]["message"].startswith(f"{name} is not an image")
    upload = SimpleUploadedFile("vpn.png", PNG, content_type="application/octet-stream")
    answer = api.post(f"/api/v1/chat/{chat}/uploads/", {"file": upload}, format="multipart")
    assert answer.status_code == 201
    assert Upload.objects.filter(conversation_id=chat).count() == 1
