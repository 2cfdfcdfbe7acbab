"""Reading what a user typed: pure functions over text, no database, no language model.

Each reader gives back what it found or None, so the engine can fill what a first message
already says ("since this morning, the whole team cannot print") and ask only the rest.
"""

import re
from dataclasses import dataclass

from servicedesk.tickets.choices import Impact, Urgency

TICKET_NUMBER = re.compile(r"\b(INC|REQ|PRB|CHG)(\d{1,17})\b", re.IGNORECASE)


def words_pattern(*phrases: str) -> re.Pattern:
    # Whole words or phrases, case-insensitive; an apostrophe may be typed or left out.
    alternatives = "|".join(p.replace("'", "'?") for p in phrases)
    return re.compile(rf"(?<![\w])(?:{alternatives})(?![\w])", re.IGNORECASE)


# Only a message that is nothing but the command: "I had to restart my laptop" and "a password
# reset" are problems to solve, not a wish to start over.
RESTART = re.compile(
    r"^\s*(?:please\s+|let'?s\s+|can we\s+|i want to\s+|i'?d like to\s+)?"
    r"(?:restart|start over|start again|begin again|reset|new conversation|cancel)"
    r"(?:\s+please)?\s*[.!]*\s*$",
    re.IGNORECASE,
)
HUMAN = words_pattern(
    "talk to a person", "talk to someone", "talk to a human", "speak to a person",
    "speak to someone", "speak to a human", "a real person", "an agent", "create a ticket",
    "raise a ticket", "open a ticket", "log a ticket", "make a ticket", "new ticket",
)  # fmt: skip
STATUS = words_pattern(
    "status", "progress", "news", "update on", "what happened", "where is", "any news"
)
COMMENT = re.compile(
    r"\b(?:add|post|write|leave|send)\s+(?:a\s+|an\s+)?(?:comment|note|reply|message)\b",
    re.IGNORECASE,
)
SKIP = words_pattern("skip", "no screenshot", "none", "nothing", "no thanks", "not now", "no")

YES = words_pattern(
    "yes", "yeah", "yep", "yup", "y", "sure", "ok", "okay", "correct", "right", "please do",
    "go ahead", "that helped", "it helped", "this helped", "helped", "solved", "fixed",
    "that worked", "it worked", "works now", "perfect", "thanks",
)  # fmt: skip
NO = words_pattern(
    "no", "nope", "nah", "n", "not really", "didn't help", "did not help", "doesn't help",
    "does not help", "didn't work", "did not work", "not helpful", "none of them", "not quite",
    "wrong", "still broken", "still not",
)  # fmt: skip

URGENCY_WORDS: list[tuple[int, re.Pattern]] = [
    # Denials first: "not urgent" must not read as "urgent".
    (Urgency.LOW, words_pattern(
        "not urgent", "no rush", "no hurry", "can wait", "whenever", "low", "not important",
        "a few days", "next week", "not critical",
    )),
    (Urgency.HIGH, words_pattern(
        "urgent", "urgently", "asap", "right now", "now", "immediately", "critical", "emergency",
        "can't work", "cannot work", "can not work", "unable to work", "blocked", "high",
    )),
    (Urgency.MEDIUM, words_pattern(
        "soon", "today", "slows", "slow", "slowing", "annoying", "workaround", "medium",
        "this week", "tomorrow", "moderate",
    )),
]  # fmt: skip

# How many people: a number, or words for one, a few, many.
_COUNT = re.compile(
    r"\b(\d{1,7})\s*(?:\+\s*)?(?:people|persons|users|colleagues|staff|employees|of us|"
    r"members|machines|computers|laptops|pcs|devices)\b",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\s*(?:about\s+|around\s+|maybe\s+|~\s*)?(\d{1,7})\s*\+?\s*$")
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a dozen": 12, "twenty": 20, "fifty": 50, "hundred": 100,
}  # fmt: skip
_WORD_COUNT = re.compile(
    rf"\b({'|'.join(NUMBER_WORDS)})\s+(?:people|persons|users|colleagues|of us|staff)\b",
    re.IGNORECASE,
)
PEOPLE_WORDS: list[tuple[int, re.Pattern]] = [
    (Impact.HIGH, words_pattern(
        "everyone", "everybody", "all users", "all of us", "whole company", "whole office",
        "whole site", "whole building", "entire company", "entire office", "all staff",
        "the whole floor", "many", "lots", "customers", "all",
    )),
    (Impact.MEDIUM, words_pattern(
        "my team", "the team", "whole team", "our team", "department", "a few", "several",
        "some", "colleagues", "couple", "a group", "others too", "us",
    )),
    (Impact.LOW, words_pattern(
        "just me", "only me", "me", "myself", "only mine", "just mine", "only i", "just i",
        "one", "1", "single", "nobody else", "no one else",
    )),
]  # fmt: skip
# People up to this many are "a few" (medium impact); more are many (high).
FEW_PEOPLE = 10

SINCE = re.compile(
    r"\b(?:since|from|started|starting|began|beginning|as of|for the (?:last|past))\b\s*"
    r"(?P<when>[^.,;!?\n]{1,60})",
    re.IGNORECASE,
)
WHEN_WORDS = words_pattern(
    "this morning", "this afternoon", "this evening", "today", "yesterday", "last night",
    "last week", "this week", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "an hour ago", "hours ago", "minutes ago", "days ago", "weeks ago",
    "a while", "ages", "always", "the update", "the upgrade", "the restart", "just now",
)  # fmt: skip


@dataclass(frozen=True)
class People:
    count: int | None  # None: said in words ("my team")
    impact: int


def ticket_number(text: str) -> str | None:
    """The first ticket number in ``text``, normalised (INC0001234), or None."""
    found = TICKET_NUMBER.search(text)
    if found is None:
        return None
    prefix, digits = found.groups()
    return f"{prefix.upper()}{digits.zfill(7)}"


def wants_restart(text: str) -> bool:
    return bool(RESTART.search(text))


def wants_human(text: str) -> bool:
    return bool(HUMAN.search(text))


def wants_status(text: str) -> bool:
    return ticket_number(text) is not None and bool(STATUS.search(text)) and not wants_comment(text)


def wants_comment(text: str) -> bool:
    return bool(COMMENT.search(text))


def comment_text(text: str) -> str:
    """What follows "add a comment to INC0001234:" (or "... saying"), stripped; "" if nothing."""
    found = TICKET_NUMBER.search(text)
    rest = text[found.end() :] if found else COMMENT.split(text, maxsplit=1)[-1]
    rest = re.sub(r"^\s*(?:[:\-–—,]|saying|that says|that|with)\s*", "", rest, flags=re.I)
    return rest.strip().strip('"').strip()


def yes_or_no(text: str) -> bool | None:
    """True for yes, False for no, None when it says neither (or both)."""
    no, yes = bool(NO.search(text)), bool(YES.search(text))
    if no:
        # "no thanks" and "not really, thanks" are noes: a no outweighs a polite word.
        return False
    return True if yes else None


def urgency(text: str) -> int | None:
    for level, pattern in URGENCY_WORDS:
        if pattern.search(text):
            return int(level)
    return None


def people(text: str) -> People | None:
    """How many people are affected, and the impact that makes."""
    found = _COUNT.search(text) or _BARE_NUMBER.match(text)
    count = int(found.group(1)) if found else None
    if count is None:
        word = _WORD_COUNT.search(text)
        count = NUMBER_WORDS[word.group(1).lower()] if word else None
    if count is not None:
        return People(count=count, impact=int(_impact_of(count)))
    for level, pattern in PEOPLE_WORDS:
        if pattern.search(text):
            return People(count=None, impact=int(level))
    return None


def _impact_of(count: int) -> Impact:
    if count <= 1:
        return Impact.LOW
    return Impact.MEDIUM if count <= FEW_PEOPLE else Impact.HIGH


STRONG_PEOPLE = words_pattern(
    "everyone", "everybody", "all users", "all of us", "whole company", "whole office",
    "whole site", "whole building", "whole floor", "entire company", "entire office",
    "all staff", "my team", "whole team", "our team", "the team", "several colleagues",
    "just me", "only me",
)  # fmt: skip
STRONG_URGENCY = words_pattern(
    "not urgent", "no rush", "no hurry", "can wait", "urgent", "urgently", "asap",
    "emergency", "can't work", "cannot work", "can not work", "unable to work",
)  # fmt: skip
_SINCE_ONLY = re.compile(r"\bsince\b\s*(?P<when>[^.,;!?\n]{1,60})", re.IGNORECASE)


def prefill(text: str) -> dict[str, object]:
    """What a description already answers, read only from unmistakable words.

    A question's answer is read generously ("me" answers "how many people?"); a description
    is not ("can you help me" says nothing about how many people), so only numbers, "since"
    and set phrases count here.
    """
    found: dict[str, object] = {}
    when = _SINCE_ONLY.search(text)
    if when:
        found["since"] = when.group("when").strip()
    if _COUNT.search(text) or _WORD_COUNT.search(text) or STRONG_PEOPLE.search(text):
        said = people(text)
        if said is not None:
            found["people"] = said.count if said.count is not None else text_of(STRONG_PEOPLE, text)
            found["impact"] = said.impact
    if STRONG_URGENCY.search(text):
        level = urgency(text)
        if level is not None:
            found["urgency"] = level
    return found


def text_of(pattern: re.Pattern, text: str) -> str:
    found = pattern.search(text)
    return found.group(0) if found else ""


def normalise(text: str) -> str:
    """Typographic quotes as typed by phones and word processors, read as plain ones."""
    return (
        text.replace("\u2019", "'")
        .replace("\u2018", "'")
        .replace("\u201c", '"')
        .replace("\u201d", '"')
    )


def since(text: str) -> str | None:
    """When it started, in the user's words ("this morning", "the update on Monday")."""
    found = SINCE.search(text)
    if found:
        return found.group("when").strip()
    word = WHEN_WORDS.search(text)
    return word.group(0) if word else None
