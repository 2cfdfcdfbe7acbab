"""The conversation, written out as a state machine: one handler per step, intents first.

The flow (``choices.Step``): describe -> articles (when any match) -> affected -> since ->
people -> urgency -> screenshot -> confirm -> raised; "that helped" at articles ends in helped.
At any step before the end, these intents come first:
  "restart" / "start over"                        -> describe, everything forgotten
  "add a comment to INC0001234: ..."              -> a public comment on the user's own ticket
  "status of INC0001234" (or a bare number)       -> the state of the user's own ticket
  "talk to a person" / "create a ticket"          -> no articles: on to the details
A step asks only what is still missing: a first message that says "since this morning, the
whole team" skips those questions. The engine runs inside the service's transaction; the
caller stores the conversation and the replies.
"""

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nh3
from django.core.files.base import ContentFile, File
from django.db.models import Q
from django.urls import reverse

from servicedesk.accounts.models import User
from servicedesk.channels.chat import knowledge, parsing
from servicedesk.channels.chat.choices import Author, Step
from servicedesk.channels.chat.models import Conversation
from servicedesk.core.errors import ServiceError
from servicedesk.tickets.choices import Channel, Impact, Kind, Urgency
from servicedesk.tickets.models import Category, Ticket
from servicedesk.tickets.observers import Draft
from servicedesk.tickets.selectors import visible_tickets
from servicedesk.tickets.services import comment_add, ticket_create
from servicedesk.triage.pipeline import triage_preview

ARTICLES_OFFERED = 3
# An article scoring under this share of the best one is noise beside it: not offered.
ARTICLE_SCORE_SHARE = 0.3
WORD = re.compile(r"\w+")
TITLE_CHARS = 80
NO_TICKET = "I found no ticket of yours with that number."
IMPACT_WORDS = {
    Impact.LOW: "just you",
    Impact.MEDIUM: "a few people or a team",
    Impact.HIGH: "many people",
}
URGENCY_WORDS = {
    Urgency.LOW: "it can wait a few days",
    Urgency.MEDIUM: "soon: it slows work down",
    Urgency.HIGH: "now: work is blocked",
}
YES_NO = ["Yes", "No"]
HELPED_NO = ["Yes, that helped", "No, I still need help"]
PEOPLE_CHOICES = ["Just me", "My team", "Everyone"]
URGENCY_CHOICES = ["It can wait", "Soon", "Now, I cannot work"]
# Wishes an end user writes as requests rather than incidents, when triage does not say.
REQUEST_WORDS = parsing.words_pattern(
    "i need", "i would like", "i'd like", "can i get", "can i have", "could i get",
    "please give", "request", "requesting", "new laptop", "new phone", "new account",
    "access to", "please install", "can you install", "need to install", "i want to order",
    "i'd like to order", "grant me",
)  # fmt: skip
GREETING = parsing.words_pattern(
    "hi", "hello", "hey", "good morning", "good afternoon", "hallo", "help"
)
START = (
    "Hello {name}! Tell me what is wrong or what you need, in a sentence or two. "
    'You can also ask for the status of a ticket ("status of INC0001234"), add a comment '
    'to one ("add a comment to INC0001234: ..."), ask to talk to a person, or say '
    '"start over" at any time.'
)


@dataclass
class Reply:
    body: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Turn:
    """One user message being answered: the conversation, what the bot says back."""

    conversation: Conversation
    text: str
    article_id: int | None = None
    replies: list[Reply] = field(default_factory=list)

    @property
    def user(self) -> User:
        return self.conversation.user

    @property
    def facts(self) -> dict[str, Any]:
        return self.conversation.facts

    def say(self, body: str, **extra: Any) -> None:
        self.replies.append(Reply(body, {k: v for k, v in extra.items() if v}))

    def go(self, step: str) -> None:
        self.conversation.step = step


def greeting(user: User) -> Reply:
    return Reply(START.format(name=user.name))


def answer(turn: Turn) -> list[Reply]:
    """Move the conversation on by one user message; give back what the bot says."""
    for wants, handle in INTENTS:
        if wants(turn):
            handle(turn)
            return turn.replies
    HANDLERS[turn.conversation.step](turn)
    return turn.replies


# Intents, at any step -------------------------------------------------------------------------


def _restart(turn: Turn) -> None:
    turn.conversation.facts = {}
    turn.go(Step.DESCRIBE)
    turn.say("All right, let's start again. What can I help you with?")


def _comment(turn: Turn) -> None:
    number = parsing.ticket_number(turn.text)
    if number is None:
        turn.say('Which ticket? Say for example "add a comment to INC0001234: it works again".')
        return
    ticket = own_ticket(turn.user, number)
    if ticket is None:
        turn.say(NO_TICKET)
        return
    body = parsing.comment_text(turn.text)
    if not body:
        turn.facts["comment_on"] = ticket.number
        turn.facts["resume"] = turn.conversation.step
        turn.go(Step.COMMENT)
        turn.say(f"What should the comment on {ticket.number} say?")
        return
    _add_comment(turn, ticket, body)


def _add_comment(turn: Turn, ticket: Ticket, body: str) -> None:
    try:
        comment_add(ticket=ticket, by=turn.user, body=body, is_public=True, channel=Channel.CHAT)
    except ServiceError as error:
        turn.say(f"I could not add the comment: {error.message}")
        return
    turn.say(
        f"I added your comment to {ticket.number}. The people working on it will see it.",
        ticket=_ticket_extra(ticket),
    )


def _status(turn: Turn) -> None:
    ticket = own_ticket(turn.user, parsing.ticket_number(turn.text) or "")
    if ticket is None:
        turn.say(NO_TICKET)
        return
    who = ticket.assignee or ticket.assignment_group
    parts = [f"{ticket.number} ({ticket.title}) is {ticket.get_state_display().lower()}"]
    if who is not None:
        parts.append(f"with {who}")
    parts.append(f"priority {ticket.get_priority_display()}")
    updated = ticket.updated_at.strftime("%Y-%m-%d %H:%M UTC")
    turn.say(f"{', '.join(parts)}; last updated {updated}.", ticket=_ticket_extra(ticket))


def _human(turn: Turn) -> None:
    turn.facts["skip_articles"] = True
    if not turn.facts.get("problem"):
        turn.go(Step.DESCRIBE)
        turn.say(
            "I will pass this to the service desk as a ticket, and a person will answer you "
            "there. First, what is the problem or what do you need?"
        )
        return
    turn.say("I will pass this to the service desk as a ticket; a person will answer there.")
    _ask_next(turn)


def _wants_status(turn: Turn) -> bool:
    if parsing.wants_status(turn.text):
        return True
    # A ticket number alone, with nothing else to say, is a question about it.
    bare = parsing.TICKET_NUMBER.sub("", turn.text).strip(" ?.!:")
    return not bare and parsing.ticket_number(turn.text) is not None


INTENTS: list[tuple[Callable[[Turn], bool], Callable[[Turn], None]]] = [
    (lambda turn: parsing.wants_restart(turn.text), _restart),
    (lambda turn: parsing.wants_comment(turn.text), _comment),
    (_wants_status, _status),
    (lambda turn: parsing.wants_human(turn.text), _human),
]


# Steps ----------------------------------------------------------------------------------------


def _describe(turn: Turn) -> None:
    text = turn.text.strip()
    words = WORD.findall(text)
    if GREETING.fullmatch(text.strip(" !.?,")) or len(words) < 2:
        turn.say("Tell me a little more: what is not working, or what do you need?")
        return
    facts = turn.facts
    facts["problem"] = text
    read = reading(turn.user, text, articles=not facts.get("skip_articles"))
    facts.update({k: v for k, v in read["prefilled"].items() if k not in facts})
    facts.update(read["understood"])
    said = _understood_text(read["understood"])
    if facts.get("skip_articles"):
        turn.say(said)
        _ask_next(turn)
        return
    articles = read["articles"]
    if not articles:
        turn.say(f"{said} I found no article about it, so let me collect a few details.")
        _ask_next(turn)
        return
    facts["articles"] = [a["id"] for a in articles]
    turn.go(Step.ARTICLES)
    turn.say(
        f"{said} These articles may solve it. Did one of them help?",
        articles=articles,
        choices=HELPED_NO,
    )


def reading(user: User, text: str, *, articles: bool = True) -> dict[str, Any]:
    """What the bot makes of a first message, written nowhere: what triage understood (and
    why), the details its words already give, and the articles it would offer."""
    found = []
    if articles:
        hits = knowledge.article_search(user=user, query=text, limit=ARTICLES_OFFERED)
        found = [
            {"id": h.id, "title": h.title, "url": h.url,
             "snippet": nh3.clean(h.snippet, tags={"mark"})}
            for h in _close_hits(hits)
        ]  # fmt: skip
    return {
        "understood": understand(user, text),
        "prefilled": parsing.prefill(text),
        "articles": found,
    }


def _close_hits(hits: list) -> list:
    """The hits worth a user's time: those scoring near the best. Scores differ by engine
    (bm25 on SQLite, ts_rank on PostgreSQL), so the cut is a share of the best, not a value."""
    best = max((h.score for h in hits), default=0)
    return [h for h in hits if h.score > 0 and h.score >= best * ARTICLE_SCORE_SHARE]


def _articles(turn: Turn) -> None:
    offered = turn.facts.get("articles") or []
    verdict = True if turn.article_id is not None else parsing.yes_or_no(turn.text)
    if verdict is None:
        turn.say("Did one of these articles solve it? Answer yes or no.", choices=HELPED_NO)
        return
    if not verdict:
        turn.say("Sorry they did not help. Let me collect a few details for the service desk.")
        _ask_next(turn)
        return
    article_id = turn.article_id if turn.article_id in offered else (offered or [None])[0]
    if article_id is None:
        _ask_next(turn)
        return
    # An article retired since it was offered is not counted; still, no ticket is wanted.
    with contextlib.suppress(ServiceError):
        knowledge.article_deflection_record(
            article_id=article_id, user=turn.user, channel=Channel.CHAT
        )
    turn.conversation.helped_article_id = article_id
    turn.go(Step.HELPED)
    turn.say("Glad it helped! I have not raised a ticket. Start a new conversation any time.")


def _affected(turn: Turn) -> None:
    turn.facts["affected"] = turn.text.strip()
    _ask_next(turn)


def _since(turn: Turn) -> None:
    turn.facts["since"] = parsing.since(turn.text) or turn.text.strip()
    _ask_next(turn)


def _people(turn: Turn) -> None:
    said = parsing.people(turn.text)
    if said is None:
        turn.say(
            'How many people are affected? A number, or "just me", "my team", "everyone".',
            choices=PEOPLE_CHOICES,
        )
        return
    turn.facts["people"] = said.count if said.count is not None else turn.text.strip()
    turn.facts["impact"] = said.impact
    _ask_next(turn)


def _urgency(turn: Turn) -> None:
    level = parsing.urgency(turn.text)
    if level is None:
        turn.say(
            "How urgent is it: can it wait a few days, is it needed soon, or can you not work?",
            choices=URGENCY_CHOICES,
        )
        return
    turn.facts["urgency"] = level
    _ask_next(turn)


def _screenshot(turn: Turn) -> None:
    if parsing.SKIP.search(turn.text) or parsing.yes_or_no(turn.text) is False:
        turn.facts["screenshot_asked"] = True
        _ask_next(turn)
        return
    turn.say('Upload a screenshot with the button below, or say "skip".', choices=["Skip"])


def screenshot_added(turn: Turn, filename: str) -> None:
    """A screenshot arrived (an upload, not a message)."""
    turn.facts.setdefault("screenshots", []).append(filename)
    turn.facts["screenshot_asked"] = True
    turn.say(f"Thank you, I have {filename}.")
    if turn.conversation.step == Step.SCREENSHOT:
        _ask_next(turn)


def _confirm(turn: Turn) -> None:
    verdict = parsing.yes_or_no(turn.text)
    if verdict is None:
        turn.say("Shall I raise the ticket? Answer yes or no.", choices=YES_NO)
        return
    if not verdict:
        turn.say(
            'I have not raised it. Say "yes" to raise it after all, or "start over" to begin '
            "again.",
            choices=["Yes", "Start over"],
        )
        return
    _raise(turn)


def _comment_text(turn: Turn) -> None:
    number = turn.facts.pop("comment_on", "")
    turn.go(turn.facts.pop("resume", Step.DESCRIBE))
    ticket = own_ticket(turn.user, number)
    if ticket is None:  # it may have been given to someone else meanwhile
        turn.say(NO_TICKET)
        return
    _add_comment(turn, ticket, turn.text)


def _ended(turn: Turn) -> None:
    turn.say("This conversation has ended. Start a new one to ask something else.")


HANDLERS: dict[str, Callable[[Turn], None]] = {
    Step.DESCRIBE: _describe,
    Step.ARTICLES: _articles,
    Step.AFFECTED: _affected,
    Step.SINCE: _since,
    Step.PEOPLE: _people,
    Step.URGENCY: _urgency,
    Step.SCREENSHOT: _screenshot,
    Step.CONFIRM: _confirm,
    Step.COMMENT: _comment_text,
    Step.RAISED: _ended,
    Step.HELPED: _ended,
}


# Questions, in order: the first fact still missing is asked next.

QUESTIONS: list[tuple[str, str, str, list[str]]] = [
    ("affected", Step.AFFECTED, "What is affected: which system, application or device?", []),
    ("since", Step.SINCE, "Since when has it been like this?", []),
    ("impact", Step.PEOPLE, "How many people are affected?", PEOPLE_CHOICES),
    ("urgency", Step.URGENCY, "How urgent is it for you?", URGENCY_CHOICES),
    (
        "screenshot_asked",
        Step.SCREENSHOT,
        'A screenshot helps the service desk. Upload one below, or say "skip".',
        ["Skip"],
    ),
]


def _ask_next(turn: Turn) -> None:
    for fact, step, question, choices in QUESTIONS:
        if fact not in turn.facts:
            turn.go(step)
            turn.say(question, choices=choices)
            return
    turn.go(Step.CONFIRM)
    turn.say(summary(turn.facts) + "\n\nShall I raise the ticket?", choices=YES_NO)


def summary(facts: dict[str, Any]) -> str:
    kind = Kind(facts.get("kind") or Kind.INCIDENT).label.lower()
    people = facts.get("people")
    lines = [
        f"I will raise {'an' if kind[0] in 'aeiou' else 'a'} {kind} for the service desk:",
        f"- Problem: {facts.get('problem', '')}",
        f"- Category: {facts.get('category_label') or 'left to the service desk'}",
        f"- Affected: {facts.get('affected', '')}",
        f"- Since: {facts.get('since', '')}",
        f"- People: {people} ({IMPACT_WORDS[Impact(facts['impact'])]})"
        if people is not None and not isinstance(people, str)
        else f"- People: {IMPACT_WORDS[Impact(facts['impact'])]}",
        f"- Urgency: {URGENCY_WORDS[Urgency(facts['urgency'])]}",
    ]
    if facts.get("screenshots"):
        lines.append(f"- Screenshots: {', '.join(facts['screenshots'])}")
    return "\n".join(lines)


# Understanding, tickets -----------------------------------------------------------------------


def understand(user: User, text: str, *, title: str | None = None) -> dict[str, Any]:
    """The category and kind triage's rules and model give ``text``, as a ticket would get."""
    draft = Draft(
        values={
            "kind": Kind.INCIDENT, "title": _title(text) if title is None else title,
            "description": text, "channel": Channel.CHAT, "requester": user,
            "impact": Impact.LOW, "urgency": Urgency.LOW, "category": None, "subcategory": None,
            "affected_service": None, "configuration_item": None, "assignment_group": None,
            "assignee": None, "custom_fields": {},
        },
        chosen=frozenset(),
        by=user,
    )  # fmt: skip
    run = triage_preview(draft)
    v = run.v
    by_triage = any(d.field == "kind" for e in run.entries for d in e.decisions)
    kind = v["kind"] if by_triage else (
        Kind.REQUEST if REQUEST_WORDS.search(text) else Kind.INCIDENT
    )  # fmt: skip
    found: dict[str, Any] = {"kind": str(kind), "kind_by_triage": by_triage}
    chosen = v["subcategory"] or v["category"]
    if chosen is not None:
        found["category_id"] = chosen.pk
        found["category_label"] = str(chosen)
    found["understood_by"] = [e.message for e in run.entries]
    return found


def _title(problem: str) -> str:
    first = problem.strip().splitlines()[0].strip() if problem.strip() else ""
    if len(first) <= TITLE_CHARS:
        return first or "Chat conversation"
    return first[:TITLE_CHARS].rsplit(" ", 1)[0] + "..."


def _understood_text(understood: dict[str, Any]) -> str:
    kind = Kind(understood["kind"]).label.lower()
    if understood.get("category_label"):
        return f"I understand this is {_article(kind)} {kind} about {understood['category_label']}."
    return f"I understand this is {_article(kind)} {kind}."


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def own_ticket(user: User, number: str) -> Ticket | None:
    """The user's own ticket (raised by or for them, and visible to them) by number, or None.

    Someone else's ticket and a number that does not exist get the same answer: no leak.
    """
    if not number:
        return None
    mine = Q(requester_id=user.pk) | Q(reported_by_id=user.pk)
    return (
        visible_tickets(user)
        .filter(mine, number=number.upper())
        .select_related("assignee", "assignment_group")
        .first()
    )


def _ticket_extra(ticket: Ticket) -> dict[str, str]:
    return {"number": ticket.number, "url": reverse("portal:ticket", args=[ticket.number])}


def transcript(conversation: Conversation) -> str:
    """The conversation as plain text, oldest first, one message per paragraph."""
    lines = []
    for message in conversation.messages.order_by("created_at", "id"):
        who = "Bot" if message.author == Author.BOT else str(conversation.user)
        stamp = message.created_at.strftime("%Y-%m-%d %H:%M:%S UTC")
        lines.append(f"[{stamp}] {who}:\n{message.body}")
    return "\n\n".join(lines)


def _raise(turn: Turn) -> None:
    facts, conversation = turn.facts, turn.conversation
    problem = facts.get("problem", "").strip()
    title = _title(problem)
    said = transcript(conversation)
    description = (
        f"{problem}\n\n{summary(facts).split(chr(10), 1)[1]}\n\n"
        f"Raised by the chatbot. The conversation (also attached as chat-transcript.txt):\n\n{said}"
    )
    category, subcategory, kind = _confirmed(turn, title=title, description=description)
    files = [ContentFile(said.encode("utf-8"), name="chat-transcript.txt")]
    uploads = list(conversation.uploads.order_by("id"))
    # Named as the user's device named them (storage may have renamed the stored copy).
    files += [File(upload.file.open("rb"), name=upload.filename) for upload in uploads]
    try:
        ticket = ticket_create(
            by=turn.user,
            requester=turn.user,
            title=title,
            description=description,
            kind=kind,
            channel=Channel.CHAT,
            impact=facts.get("impact"),
            urgency=facts.get("urgency"),
            category=category,
            subcategory=subcategory,
            attachments=files,
        )
    except ServiceError as error:
        turn.say(f"I could not raise the ticket: {error.message}", choices=["Yes", "Start over"])
        return
    finally:
        for file in files:
            file.close()
    conversation.ticket = ticket
    turn.go(Step.RAISED)
    turn.say(
        f"I raised {ticket.number} for you. The service desk will be in touch; you can "
        f"follow it in the portal.",
        ticket=_ticket_extra(ticket),
    )


def _confirmed(
    turn: Turn, *, title: str, description: str
) -> tuple[Category | None, Category | None, str | None]:
    """Category, subcategory and kind to give ticket_create: None where triage decides them.

    Triage runs again when the ticket is created, on its whole text. Where it reaches what the
    user confirmed, it is left to decide, so the desk's triage panel names the rule or model
    version; where the whole text reads otherwise, what the user confirmed is given, as chosen.
    """
    facts = turn.facts
    final = understand(turn.user, description, title=title)
    category = subcategory = None
    if facts.get("category_id") and final.get("category_id") != facts["category_id"]:
        chosen = Category.objects.filter(pk=facts["category_id"], is_active=True).first()
        if chosen is not None and chosen.parent_id:
            category, subcategory = chosen.parent, chosen
        else:
            category = chosen
    kind = facts.get("kind") or Kind.INCIDENT
    if final["kind_by_triage"] and final["kind"] == kind:
        return category, subcategory, None
    if kind == Kind.INCIDENT and not final["kind_by_triage"]:
        return category, subcategory, None  # the default; not a choice
    return category, subcategory, kind
