"""The chatbot in a real browser: a conversation that ends in a ticket, one that an article ends.

The first journey runs the panel with its script (posts by fetch, the panel swapped in place),
the second without JavaScript (plain form posts and redirects).
"""

import re

import pytest
from playwright.sync_api import Page, expect

from servicedesk.knowledge.models import Article
from servicedesk.knowledge.tests.factories import make_article
from servicedesk.tickets.models import Attachment, Category, Ticket
from servicedesk.triage.choices import ConditionField, Operator
from servicedesk.triage.tests.factories import make_rule
from tests.browser.conftest import screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))


def _vpn_rule():
    network = Category.objects.create(name="Network")
    vpn = Category.objects.create(name="VPN", parent=network)
    make_rule("VPN words", 10, (ConditionField.TEXT, Operator.CONTAINS, "vpn"), set_category=vpn)


def _say(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def _bot(page: Page):
    return page.locator(".chat-message.chat-bot").last


def test_a_user_chats_and_gets_a_categorised_ticket_with_the_transcript(
    open_page, requester_ann, agent_l1_lee, service_desk
):
    _vpn_rule()
    ann = open_page()
    sign_in(ann, "ann")
    ann.get_by_role("link", name="Chat with us").click()
    expect(ann.get_by_role("heading", level=1)).to_have_text("Chat with the service desk")
    _say(ann, "My VPN disconnects every few minutes since this morning")
    expect(_bot(ann)).to_contain_text("What is affected")
    expect(ann).to_have_url(re.compile(r"/portal/chat/$"))  # the script posted: no page load
    expect(ann.locator(".chat-message.chat-bot").nth(-2)).to_contain_text(
        "I understand this is an incident about Network > VPN."
    )
    _say(ann, "The VPN client on my laptop <script>alert(1)</script>")
    expect(_bot(ann)).to_contain_text("How many people are affected?")
    expect(ann.locator(".chat-user").last).to_contain_text("<script>alert(1)</script>")
    ann.get_by_role("button", name="My team").click()
    expect(_bot(ann)).to_contain_text("How urgent is it for you?")
    ann.get_by_role("button", name="Now, I cannot work").click()
    expect(_bot(ann)).to_contain_text("A screenshot helps")
    ann.get_by_label("Screenshot").set_input_files(
        {"name": "vpn-error.png", "mimeType": "image/png", "buffer": PNG}
    )
    ann.get_by_role("button", name="Upload").click()
    expect(_bot(ann)).to_contain_text("Shall I raise the ticket?")
    expect(_bot(ann)).to_contain_text("Category: Network > VPN")

    # A reload (or another device) continues where the conversation stands.
    ann.reload()
    expect(_bot(ann)).to_contain_text("Shall I raise the ticket?")
    screenshot(ann, "chat-confirm")
    ann.get_by_role("button", name="Yes").click()
    expect(_bot(ann)).to_contain_text(re.compile(r"I raised INC\d{7} for you\."))

    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.requester) == ("chat", requester_ann)
    assert (str(ticket.subcategory), ticket.impact, ticket.urgency) == ("Network > VPN", 2, 1)
    files = set(Attachment.objects.filter(ticket=ticket).values_list("filename", flat=True))
    assert files == {"chat-transcript.txt", "vpn-error.png"}
    ann.get_by_role("link", name=f"Open {ticket.number}").click()
    expect(ann).to_have_url(re.compile(rf"/portal/tickets/{ticket.number}/$"))

    # The agent reads the conversation on the ticket.
    lee = open_page()
    sign_in(lee, "lee")
    lee.goto(f"/desk/tickets/{ticket.number}/")
    expect(lee.locator("body")).to_contain_text("Raised by the chatbot.")
    expect(lee.locator("body")).to_contain_text(
        "The VPN client on my laptop <script>alert(1)</script>"
    )
    expect(lee.get_by_role("link", name="chat-transcript.txt")).to_be_visible()
    screenshot(lee, "chat-ticket-desk")


def test_an_article_helps_and_no_ticket_is_raised(open_page, requester_ann, service_desk):
    # Without JavaScript: the panel is plain form posts.
    page = open_page(java_script_enabled=False)
    article = make_article(
        "Outlook asks for the password again and again",
        "Remove the stored credentials in the Windows Credential Manager, then restart Outlook.",
        keywords="outlook, password, prompt",
    )
    make_article("Outlook server runbook", "Restart the Outlook relay.", audience="internal")
    sign_in(page, "ann")
    page.goto("/portal/chat/")
    _say(page, "Outlook keeps asking for my password")
    expect(page).to_have_url(re.compile(r"/portal/chat/#chat-latest$"))
    offered = page.locator(".chat-article")
    expect(offered).to_have_count(1)  # the internal runbook is never offered to Ann
    expect(offered).to_contain_text("Outlook asks for the password again and again")
    screenshot(page, "chat-articles")
    offered.get_by_role("button", name="This one helped").click()
    expect(_bot(page)).to_contain_text("Glad it helped! I have not raised a ticket.")
    expect(page.get_by_role("button", name="Start a new conversation")).to_be_visible()
    assert not Ticket.objects.exists()
    article.refresh_from_db()
    assert article.deflection_count == 1
    assert Article.objects.get(pk=article.pk).deflection_count == 1
