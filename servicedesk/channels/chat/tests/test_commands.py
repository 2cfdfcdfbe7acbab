"""``servicedesk chat-explain``: what the bot would make of a message, writing nothing."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from servicedesk.channels.chat.models import Conversation
from servicedesk.knowledge.tests.factories import make_article
from servicedesk.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = StringIO()
    call_command("chat-explain", *args, stdout=out)
    return out.getvalue()


def test_it_explains_the_reading_and_writes_nothing(requester_ann, network):
    article = make_article("VPN keeps dropping", "Reconnect the VPN.", keywords="vpn")
    out = _run("My VPN drops since Monday, urgent", "--as", "ann")
    assert out.splitlines() == [
        "kind:     Incident",
        "category: Network > VPN",
        '  because Triage rule "VPN words" set category: Network.',
        "  kind: the default",
        "since:    Monday (not asked again)",
        "urgency:  1 - High (not asked again)",
        f"article:  {article.pk}\tVPN keeps dropping\t/portal/kb/{article.pk}/",
    ]
    assert not Conversation.objects.exists() and not Ticket.objects.exists()
    data = json.loads(_run("My VPN drops", "--as", "ann", "--json"))
    assert data["understood"]["category_label"] == "Network > VPN"
    assert [a["id"] for a in data["articles"]] == [article.pk]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("my vpn", "--as", "nobody"), "no active user 'nobody'"),
     (("  ", "--as", "ann"), "the text is empty")],
)  # fmt: skip
def test_bad_input_is_one_clear_error(requester_ann, args, message):
    with pytest.raises(CommandError, match=message) as error:
        _run(*args)
    assert error.value.returncode == 2
