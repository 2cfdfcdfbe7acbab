"""What the classifier reads of a ticket: its text, normalised the same way in training and use."""

import re
import unicodedata

_URL = re.compile(r"(?:https?://|www\.)\S+")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_NUMBER = re.compile(r"\b\d[\d.,:/-]*\b")
_NOT_WORD = re.compile(r"[^\w]+")
_UNDERSCORES = re.compile(r"_+")


def normalise(text: str) -> str:
    """Lower-cased words separated by single spaces; addresses, links and numbers as one token each.

    Tickets in the desk arrive as typed (capitals, signatures, links, ticket numbers); the
    classifier should see the words, not the formatting, so the same request reads the same
    whichever channel it came through. An empty result means there is nothing to read.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = _URL.sub(" xurlx ", text)
    text = _EMAIL.sub(" xemailx ", text)
    text = _NUMBER.sub(" xnumx ", text)
    text = _UNDERSCORES.sub(" ", _NOT_WORD.sub(" ", text))
    return " ".join(text.split())


def ticket_text(*, title: str, description: str) -> str:
    """The text the desk trains on and predicts from: the title, then the description."""
    return normalise(f"{title or ''}\n{description or ''}")
