"""Reading what users type: tables of real phrasings and what each must give."""

import pytest

from servicedesk.channels.chat import parsing

HIGH, MEDIUM, LOW = 1, 2, 3


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("what is the status of INC0001234", "INC0001234"),
        ("status of inc0001234?", "INC0001234"),
        ("any news on REQ12", "REQ0000012"),
        ("INC0001234.", "INC0001234"),
        ("my laptop INC is broken", None),
        ("XINC0001234", None),
    ],
)
def test_ticket_numbers(text, number):
    assert parsing.ticket_number(text) == number


@pytest.mark.parametrize(
    ("text", "verdict"),
    [
        ("yes", True), ("Yes, that helped", True), ("yep thanks", True), ("ok", True),
        ("that worked, thanks!", True), ("no", False), ("No, I still need help", False),
        ("nope", False), ("not really, thanks", False), ("it didn't help", False),
        ("it didn\u2019t help", None),  # curly quote: normalise() first (the service does)
        ("the printer is on fire", None), ("", None),
    ],
)  # fmt: skip
def test_yes_or_no(text, verdict):
    assert parsing.yes_or_no(text) is verdict


def test_curly_quotes_read_after_normalising():
    assert parsing.yes_or_no(parsing.normalise("it didn\u2019t help")) is False


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Now, I cannot work", HIGH), ("urgent!", HIGH), ("ASAP please", HIGH),
        ("not urgent", LOW), ("It can wait", LOW), ("no rush", LOW),
        ("Soon", MEDIUM), ("it slows me down", MEDIUM), ("today would be nice", MEDIUM),
        ("I have no idea", None),
    ],
)  # fmt: skip
def test_urgency(text, level):
    assert parsing.urgency(text) == level


@pytest.mark.parametrize(
    ("text", "count", "impact"),
    [
        ("Just me", None, LOW), ("only me", None, LOW), ("1", 1, LOW),
        ("about 5", 5, MEDIUM), ("5 people", 5, MEDIUM), ("My team", None, MEDIUM),
        ("three colleagues", 3, MEDIUM), ("40 users", 40, HIGH), ("Everyone", None, HIGH),
        ("the whole office", None, HIGH), ("200+ users", 200, HIGH), ("dunno", None, None),
    ],
)  # fmt: skip
def test_people(text, count, impact):
    said = parsing.people(text)
    if impact is None:
        assert said is None
    else:
        assert (said.count, said.impact) == (count, impact)


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("since this morning", "this morning"),
        ("It started yesterday after the update", "yesterday after the update"),
        ("yesterday", "yesterday"),
        ("Since Monday. Please help", "Monday"),
        ("no idea", None),
    ],
)
def test_since(text, when):
    assert parsing.since(text) == when


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Outlook crashes since this morning for the whole team, urgent",
         {"since": "this morning for the whole team", "people": "whole team", "impact": MEDIUM,
          "urgency": HIGH}),
        ("Can you help me, my VPN is down", {}),  # "me", "down": not enough to answer for them
        ("12 people cannot print", {"people": 12, "impact": HIGH}),
        ("VPN drops, not urgent", {"urgency": LOW}),
    ],
)  # fmt: skip
def test_prefill_reads_only_unmistakable_words(text, found):
    assert parsing.prefill(text) == found


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("what is the status of INC0001234", "status"),
        ("any news on INC0001234?", "status"),
        ("add a comment to INC0001234: it works again", "comment"),
        ("Please add a note to INC0001234 saying the printer is back", "comment"),
        ("I want to talk to a person", "human"),
        ("just create a ticket", "human"),
        ("start over", "restart"),
        ("Let's start over!", "restart"),
        ("restart", "restart"),
        ("I need a password reset", None),
        ("I had to restart my laptop and now Teams is gone", None),
        ("the human resources portal is down", None),
        ("can I speak to a human?", "human"),
        ("my printer jams", None),
    ],
)
def test_intents(text, intent):
    found = [
        name
        for name, wants in [
            ("status", parsing.wants_status), ("comment", parsing.wants_comment),
            ("human", parsing.wants_human), ("restart", parsing.wants_restart),
        ]
        if wants(text)
    ]  # fmt: skip
    assert found == ([intent] if intent else [])


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("add a comment to INC0001234: it works again", "it works again"),
        ("Please add a note to INC0001234 saying the printer is back", "the printer is back"),
        ('add a comment to INC0001234 "thanks"', "thanks"),
        ("add a comment to INC0001234", ""),
    ],
)
def test_comment_text(text, body):
    assert parsing.comment_text(text) == body
