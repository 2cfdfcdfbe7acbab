"""The portal's chat panel as plain form posts (the script only replays them by fetch)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from servicedesk.channels.chat.choices import Step
from servicedesk.channels.chat.models import Conversation, Message
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db
PANEL = "/portal/chat/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_panel_starts_and_continues_a_conversation_across_devices(requester_ann, network):
    laptop, phone = _client(requester_ann), _client(requester_ann)
    page = laptop.get(PANEL)
    assert page.status_code == 200 and b"Tell me what is wrong" in page.content
    assert not Conversation.objects.exists()  # reading the page writes nothing
    answer = laptop.post(PANEL, {"text": "My VPN drops every hour"})
    assert (answer.status_code, answer["Location"]) == (302, "/portal/chat/#chat-latest")
    chat = Conversation.objects.get()
    assert chat.step == Step.AFFECTED
    # The phone sees the same conversation and carries it on.
    page = phone.get(PANEL).content.decode()
    assert "My VPN drops every hour" in page and "What is affected" in page
    phone.post(PANEL, {"conversation": chat.pk, "text": "the VPN client"})
    assert "Since when" in laptop.get(PANEL).content.decode()


def test_quick_replies_and_the_ticket_link(requester_ann, network):
    client = _client(requester_ann)
    client.post(PANEL, {"text": "My VPN drops, the whole team, since 8, urgent"})
    chat = Conversation.objects.get()
    client.post(PANEL, {"conversation": chat.pk, "text": "VPN"})
    page = client.get(PANEL).content.decode()
    assert '<button name="text" value="Skip">Skip</button>' in page
    assert 'type="file"' in page  # the screenshot question shows the upload form
    png = SimpleUploadedFile("shot.png", b"\x89PNG\r\n\x1a\n" + bytes(64), content_type="image/png")
    assert (
        client.post("/portal/chat/upload/", {"conversation": chat.pk, "file": png}).status_code
        == 302
    )
    client.post(PANEL, {"conversation": chat.pk, "text": "Yes"})
    ticket = Ticket.objects.get()
    page = client.get(PANEL).content.decode()
    assert f'<a href="/portal/tickets/{ticket.number}/">Open {ticket.number}</a>' in page
    assert "Start a new conversation" in page
    # A message after the end starts a new conversation rather than being refused.
    client.post(PANEL, {"conversation": chat.pk, "text": "my printer jams"})
    assert Conversation.objects.count() == 2


def test_script_tags_are_shown_as_text(requester_ann):
    client = _client(requester_ann)
    client.post(PANEL, {"text": "<script>alert('x')</script> broken screen"})
    page = client.get(PANEL).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; broken screen" in page


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "The message is empty; type what you need."),
        ("x" * 5000, "The message has 5,000 characters; the limit is 4,000."),
    ],
)
def test_bad_messages_are_refused_with_the_reason(requester_ann, text, error):
    client = _client(requester_ann)
    client.post(PANEL, {"text": "my printer jams"})
    chat = Conversation.objects.get()
    answer = client.post(PANEL, {"conversation": chat.pk, "text": text})
    assert answer.status_code == 400
    assert error in answer.content.decode()
    assert Message.objects.filter(conversation=chat).count() == 4  # nothing stored


def test_someone_elses_conversation_is_not_found(requester_ann, requester_bob):
    _client(requester_ann).post(PANEL, {"text": "my printer jams"})
    chat = Conversation.objects.get()
    bob = _client(requester_bob)
    assert bob.post(PANEL, {"conversation": chat.pk, "text": "hello"}).status_code == 404
    assert bob.post(PANEL, {"conversation": "abc", "text": "hello"}).status_code == 400
    upload = SimpleUploadedFile("a.png", b"x")
    answer = bob.post("/portal/chat/upload/", {"conversation": chat.pk, "file": upload})
    assert answer.status_code == 404
    assert "my printer jams" not in bob.get(PANEL).content.decode()
    assert Message.objects.filter(conversation=chat).count() == 4


def test_the_script_gets_the_panel_alone(requester_ann):
    client = _client(requester_ann)
    answer = client.post(PANEL, {"text": "my printer jams"}, headers={"X-Chat-Panel": "1"})
    assert answer.status_code == 200
    html = answer.content.decode()
    assert html.lstrip().startswith('<ol class="chat-messages"') and "my printer jams" in html


def test_signed_out_visitors_are_sent_to_sign_in(client):
    answer = client.get(PANEL)
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/login/")
