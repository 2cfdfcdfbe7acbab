"""The conversation engine: one table of turns (step and facts before, message, step after,
what the bot says), then whole conversations through the service."""

import pytest

from servicedesk.channels.chat.choices import Step
from servicedesk.channels.chat.engine import NO_TICKET
from servicedesk.channels.chat.services import conversation_start, message_post
from servicedesk.channels.chat.tests.conftest import Hit
from servicedesk.knowledge.models import Deflection
from servicedesk.knowledge.tests.factories import make_article
from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Attachment, Category, Comment, Ticket
from servicedesk.tickets.tests.factories import make_ticket
from servicedesk.triage.choices import ConditionField, Operator, Source
from servicedesk.triage.models import Decision
from servicedesk.triage.predictions import Prediction
from servicedesk.triage.tests import conftest as triage_fixtures
from servicedesk.triage.tests.factories import make_rule

pytestmark = pytest.mark.django_db
predict = triage_fixtures.predict  # makes the triage model predict what a test says

DETAILS = {"affected": "VPN client", "since": "today", "people": 1, "impact": 3}
READY = {**DETAILS, "problem": "VPN drops", "kind": "incident", "urgency": 2,
         "screenshot_asked": True}  # fmt: skip

TURNS = [
    # step, facts before, message, step after, the bot's answer contains
    (Step.DESCRIBE, {}, "hi", Step.DESCRIBE, "Tell me a little more"),
    (Step.DESCRIBE, {}, "My VPN drops every hour", Step.AFFECTED,
     "incident about Network > VPN"),
    (Step.DESCRIBE, {}, "I need access to the finance share", Step.AFFECTED, "a service request"),
    (Step.DESCRIBE, {}, "Outlook crashes since this morning for the whole team, urgent",
     Step.AFFECTED, "What is affected"),
    (Step.AFFECTED, {"problem": "x"}, "The VPN client", Step.SINCE, "Since when"),
    (Step.SINCE, {"problem": "x", "affected": "a"}, "since yesterday", Step.PEOPLE,
     "How many people"),
    (Step.PEOPLE, {"problem": "x", "affected": "a", "since": "s"}, "dunno", Step.PEOPLE,
     "A number, or"),
    (Step.PEOPLE, {"problem": "x", "affected": "a", "since": "s"}, "my team", Step.URGENCY,
     "How urgent"),
    (Step.URGENCY, {"problem": "x", **DETAILS}, "whatever you think?", Step.URGENCY,
     "can it wait"),
    (Step.URGENCY, {"problem": "x", **DETAILS}, "now, I cannot work", Step.SCREENSHOT,
     "screenshot"),
    (Step.SCREENSHOT, {"problem": "x", **DETAILS, "urgency": 1}, "skip", Step.CONFIRM,
     "Shall I raise the ticket?"),
    (Step.SCREENSHOT, {"problem": "x", **DETAILS, "urgency": 1}, "hmm", Step.SCREENSHOT,
     "Upload a screenshot"),
    (Step.CONFIRM, READY, "maybe", Step.CONFIRM, "Answer yes or no"),
    (Step.CONFIRM, READY, "no", Step.CONFIRM, "I have not raised it"),
    (Step.CONFIRM, READY, "yes", Step.RAISED, "I raised INC"),
    (Step.URGENCY, {"problem": "x", **DETAILS}, "start over", Step.DESCRIBE, "start again"),
    (Step.AFFECTED, {"problem": "x"}, "talk to a person", Step.AFFECTED, "a person will answer"),
    (Step.DESCRIBE, {}, "I want to talk to a human", Step.DESCRIBE, "First, what is the problem"),
    (Step.SINCE, {"problem": "x"}, "status of INC9999999", Step.SINCE, NO_TICKET),
    (Step.SINCE, {"problem": "x"}, "INC9999999", Step.SINCE, NO_TICKET),
    (Step.DESCRIBE, {}, "add a comment to INC9999999: hello", Step.DESCRIBE, NO_TICKET),
    (Step.DESCRIBE, {}, "add a comment please", Step.DESCRIBE, "Which ticket?"),
]  # fmt: skip


@pytest.mark.parametrize(("before", "facts", "text", "after", "says"), TURNS)
def test_a_turn(requester_ann, network, before, facts, text, after, says):
    conversation = conversation_start(user=requester_ann)
    conversation.step, conversation.facts = before, dict(facts)
    conversation.save()
    messages = message_post(conversation=conversation, by=requester_ann, text=text)
    conversation.refresh_from_db()
    assert conversation.step == after
    assert says in "\n".join(m.body for m in messages[1:])


def _say(conversation, user, *texts):
    for text in texts:
        *_, last = message_post(conversation=conversation, by=user, text=text)
    conversation.refresh_from_db()
    return last.body


def test_a_conversation_raises_a_categorised_ticket_with_the_transcript(
    requester_ann, network, articles
):
    articles.found(Hit(7, "VPN keeps dropping", "Reconnect the <mark>VPN</mark>", "/kb/7/", 1.0))
    chat = conversation_start(user=requester_ann)
    said = _say(chat, requester_ann, "My VPN drops every ten minutes since Monday")
    assert chat.step == Step.ARTICLES and "Did one of them help?" in said
    offered = chat.messages.last().extra["articles"]
    assert offered == [{"id": 7, "title": "VPN keeps dropping", "url": "/kb/7/",
                        "snippet": "Reconnect the <mark>VPN</mark>"}]  # fmt: skip
    said = _say(chat, requester_ann, "No, I still need help", "the VPN client on my laptop",
                "5 people", "soon", "skip")  # fmt: skip
    assert chat.step == Step.CONFIRM  # "since Monday" was in the first message: not asked
    assert "- Since: Monday" in said and "- Category: Network > VPN" in said
    said = _say(chat, requester_ann, "yes")
    ticket = Ticket.objects.get()
    assert said.startswith(f"I raised {ticket.number} for you.")
    assert chat.messages.last().extra["ticket"] == {
        "number": ticket.number, "url": f"/portal/tickets/{ticket.number}/",
    }  # fmt: skip
    assert (ticket.channel, ticket.kind, ticket.requester) == ("chat", "incident", requester_ann)
    assert (ticket.category.name, ticket.subcategory.name) == ("Network", "VPN")
    assert (ticket.impact, ticket.urgency) == (2, 2)  # 5 people: a few; "soon": medium
    assert ticket.title == "My VPN drops every ten minutes since Monday"
    assert "- Affected: the VPN client on my laptop" in ticket.description
    assert "Ann Requester:\nNo, I still need help" in ticket.description
    transcript = Attachment.objects.get(ticket=ticket, filename="chat-transcript.txt")
    text = transcript.file.read().decode()
    assert "Bot:\nThese articles" not in text  # the bot's turn starts with what it understood
    assert "Ann Requester:\nMy VPN drops every ten minutes since Monday" in text
    assert "Ann Requester:\nyes" in text
    assert chat.ticket == ticket and articles.recorded == []


def test_an_article_that_helped_ends_without_a_ticket(requester_ann, network, articles):
    articles.found(
        Hit(7, "VPN keeps dropping", "", "/kb/7/", 1.0), Hit(9, "VPN setup", "", "/kb/9/", 0.5)
    )
    chat = conversation_start(user=requester_ann, text="My VPN drops every ten minutes")
    chat.refresh_from_db()
    assert chat.step == Step.ARTICLES
    said = _say(chat, requester_ann, "yes, that helped")
    assert said.startswith("Glad it helped! I have not raised a ticket.")
    assert (chat.step, chat.helped_article_id) == (Step.HELPED, 7)  # the first one offered
    assert articles.recorded == [(7, requester_ann.pk, "chat")]
    assert Ticket.objects.count() == 0


def test_the_article_named_is_the_one_recorded(requester_ann, network, articles):
    articles.found(
        Hit(7, "VPN keeps dropping", "", "/kb/7/", 1.0), Hit(9, "VPN setup", "", "/kb/9/", 0.5)
    )
    chat = conversation_start(user=requester_ann, text="My VPN drops every ten minutes")
    message_post(conversation=chat, by=requester_ann, text="That one helped", article_id=9)
    assert articles.recorded == [(9, requester_ann.pk, "chat")]
    # An article never offered is not counted for one that was.
    other = conversation_start(user=requester_ann, text="My VPN drops every ten minutes")
    message_post(conversation=other, by=requester_ann, text="That one helped", article_id=1234)
    assert articles.recorded[-1] == (7, requester_ann.pk, "chat")


def test_status_answers_for_own_tickets_only(requester_ann, requester_bob, service_desk):
    mine = make_ticket(requester=requester_ann, title="Printer jams")
    theirs = make_ticket(requester=requester_bob, title="Secret project laptop")
    chat = conversation_start(user=requester_ann)
    said = _say(chat, requester_ann, f"what is the status of {mine.number.lower()}?")
    assert said.startswith(f"{mine.number} (Printer jams) is new, with Service Desk, priority")
    assert _say(chat, requester_ann, f"status of {theirs.number}") == NO_TICKET
    assert _say(chat, requester_ann, "status of INC0999999") == NO_TICKET
    assert chat.step == Step.DESCRIBE  # a question on the side does not move the conversation


def test_comments_go_on_own_tickets_only(requester_ann, requester_bob, service_desk):
    mine = make_ticket(requester=requester_ann, title="Printer jams")
    theirs = make_ticket(requester=requester_bob, title="Secret")
    chat = conversation_start(user=requester_ann)
    said = _say(chat, requester_ann, f"add a comment to {mine.number}: it works again <b>now</b>")
    assert said.startswith(f"I added your comment to {mine.number}.")
    comment = Comment.objects.get(ticket=mine)
    assert (comment.body, comment.is_public, comment.channel, comment.author) == (
        "it works again <b>now</b>", True, "chat", requester_ann,
    )  # fmt: skip
    assert _say(chat, requester_ann, f"add a comment to {theirs.number}: hi") == NO_TICKET
    assert not Comment.objects.filter(ticket=theirs).exists()
    # Without the text, the bot asks for it and comes back to where the conversation was.
    _say(chat, requester_ann, "My VPN drops all the time")
    step = chat.step
    assert _say(chat, requester_ann, f"please add a comment to {mine.number}") == (
        f"What should the comment on {mine.number} say?"
    )
    _say(chat, requester_ann, "also the scanner")
    assert chat.step == step
    assert Comment.objects.filter(ticket=mine).count() == 2


def test_a_comment_on_a_closed_ticket_is_refused_clearly(requester_ann, service_desk):
    mine = make_ticket(requester=requester_ann, title="Printer jams")
    Ticket.objects.filter(pk=mine.pk).update(state=State.CLOSED)
    chat = conversation_start(user=requester_ann)
    said = _say(chat, requester_ann, f"add a comment to {mine.number}: again broken")
    assert (
        said == f"I could not add the comment: {mine.number} is closed; raise a new ticket instead."
    )


def test_the_real_knowledge_base_offers_public_articles_and_counts_the_deflection(
    requester_ann, network
):
    public = make_article("VPN keeps dropping", "Reconnect the VPN client.", keywords="vpn")
    make_article("VPN concentrator runbook", "Restart the VPN cluster.", audience="internal")
    chat = conversation_start(user=requester_ann, text="my VPN keeps dropping")
    chat.refresh_from_db()
    offered = chat.messages.last().extra["articles"]
    assert [a["id"] for a in offered] == [public.pk]  # never the internal runbook
    assert "<mark>" in offered[0]["snippet"]
    _say(chat, requester_ann, "yes")
    public.refresh_from_db()
    assert (chat.step, public.deflection_count) == (Step.HELPED, 1)
    assert Deflection.objects.get().channel == "chat"


def _raise_ticket(user, first: str, affected: str = "my laptop") -> Ticket:
    chat = conversation_start(user=user, text=first)
    _say(chat, user, affected, "since today", "just me", "soon", "skip", "yes")
    assert chat.step == Step.RAISED, chat.messages.last().body
    return chat.ticket


def test_triage_files_the_ticket_and_explains_it_when_it_agrees(requester_ann, network):
    ticket = _raise_ticket(requester_ann, "My VPN drops every ten minutes")
    assert str(ticket.subcategory) == "Network > VPN"
    decision = Decision.objects.get(ticket=ticket, field="subcategory")
    assert (decision.source, decision.rule_name) == (Source.RULE, "VPN words")


def test_what_the_user_confirmed_wins_where_the_whole_text_reads_otherwise(requester_ann, network):
    printing = Category.objects.create(name="Printing")
    make_rule("printers", 5, (ConditionField.TEXT, Operator.CONTAINS, "printer"),
              set_category=printing)  # fmt: skip
    ticket = _raise_ticket(requester_ann, "My VPN drops", affected="VPN to the office printer")
    assert str(ticket.subcategory) == "Network > VPN"  # what the bot said and Ann confirmed
    assert not Decision.objects.filter(ticket=ticket, field="category", source=Source.RULE)


def test_the_model_understands_what_no_rule_does(requester_ann, service_desk, predict):
    email = Category.objects.create(name="Email")
    predict([Prediction("category", str(email.pk), 0.93, 0.8, 5),
             Prediction("kind", "request", 0.91, 0.8, 5)])  # fmt: skip
    chat = conversation_start(user=requester_ann, text="mailbox is full, cannot receive")
    assert "I understand this is a service request about Email." in chat.messages.all()[2].body
    ticket = _raise_ticket(requester_ann, "mailbox is full, cannot receive")
    assert (ticket.category, ticket.kind, ticket.number[:3]) == (email, "request", "REQ")
    decision = Decision.objects.get(ticket=ticket, field="category")
    assert (decision.source, decision.model_version) == (Source.MODEL, 5)


def test_request_words_make_a_request_when_triage_does_not_say(requester_ann, service_desk):
    ticket = _raise_ticket(requester_ann, "I need access to the finance share")
    assert (ticket.kind, ticket.category) == ("request", None)
    plain = _raise_ticket(requester_ann, "The finance share is empty")
    assert plain.kind == "incident"
    broken = _raise_ticket(requester_ann, "The printer is out of order, the install failed")
    assert broken.kind == "incident"


def test_only_articles_scoring_near_the_best_are_offered(requester_ann, articles):
    articles.found(
        Hit(1, "Best", "", "/kb/1/", 4.0),
        Hit(2, "Close", "", "/kb/2/", 1.3),
        Hit(3, "Far", "", "/kb/3/", 1.1),  # under 30% of the best
    )
    chat = conversation_start(user=requester_ann, text="my printer jams")
    assert [a["id"] for a in chat.messages.last().extra["articles"]] == [1, 2]
    articles.found(Hit(1, "Nothing matched", "", "/kb/1/", 0.0))
    other = conversation_start(user=requester_ann, text="my printer jams")
    assert other.step == Step.AFFECTED  # a zero score is no match: straight to the details
