"""What a user's search text asks for, as terms every matching ticket must contain.

Pure functions, no database. A *word* is a run of letters and digits; everything else a user
types (punctuation, quotes, ``*``, ``:``, ``-``, emoji) only separates words, so no text can
reach the database as query syntax. Both indexes split a ticket's text the same way.

- ``printer jam``: two terms; a word of three or more characters also matches longer words
  that begin with it (``print`` finds "printer"). Shorter words match only themselves: they
  are mostly abbreviations (``IP``, ``PC``, ``HR``), and as prefixes they would match a large
  share of every desk's tickets.
- ``LT-12345``, ``ERR-7769``, ``j.doe@example.com``: words joined by punctuation are one term,
  the words next to each other in that order, the last one as a prefix.
- ``"paper jam"``: a phrase in double quotes (straight or curly) is one term of whole words
  next to each other in that order. A quote left without its partner is ignored.

Case and accents are left to the indexes, which fold both the same way for tickets and for
search text.
"""

import re
import unicodedata
from dataclasses import dataclass

# Shorter words are matched whole (SQLite keeps a prefix index for this length).
MIN_PREFIX = 3
# Only this many distinct terms count, and this many words of a phrase; a pasted paragraph
# is still specific long before that.
MAX_TERMS = 32
# A longer word is cut to this length and matched as a prefix (PostgreSQL ignores words over
# 2,047 bytes, so without a cut a pasted blob would silently be no term at all).
MAX_WORD = 100
_QUOTES = re.compile(r"[\"\u201c\u201d\u201e]")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    """Words that must appear next to each other in this order; the last one may be a prefix."""

    words: tuple[str, ...]
    prefix: bool


def parse(text: str) -> list[Term]:
    """The terms of ``text``, in the order typed, without repeats; empty when it has no words."""
    terms: list[Term] = []
    # Composed accents: a decomposed "é" would otherwise split into "e" and a separator.
    parts = _QUOTES.split(unicodedata.normalize("NFC", text))
    for index, part in enumerate(parts):
        if index % 2 and index < len(parts) - 1:  # between a pair of quotes
            terms.append(_term(_WORD.findall(part), prefix=False))
        else:
            terms.extend(_term(_WORD.findall(chunk), prefix=True) for chunk in part.split())
    unique: dict[Term, None] = {}
    for term in terms:
        if term.words and len(unique) < MAX_TERMS:
            unique.setdefault(term)
    return list(unique)


def _term(words: list[str], *, prefix: bool) -> Term:
    if len(words) > MAX_TERMS:
        words, prefix = words[:MAX_TERMS], False  # the phrase's first words, all whole
    cut = bool(words) and len(words[-1]) > MAX_WORD
    words = [word[:MAX_WORD] for word in words]
    prefix = cut or (prefix and bool(words) and len(words[-1]) >= MIN_PREFIX)
    return Term(words=tuple(words), prefix=prefix)


def fts5_query(terms: list[Term]) -> str:
    """An SQLite FTS5 MATCH expression: each term a quoted string, all of them required.

    Inside double quotes FTS5 reads no syntax at all; the words hold no quote to escape.
    """
    return " AND ".join(f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms)


def tsquery(terms: list[Term]) -> str:
    """A PostgreSQL ``to_tsquery`` input: each word a quoted operand, all terms required.

    The words hold no quote or backslash, so each quoted operand is only that word; the
    text search configuration then folds case and accents as it did for the tickets.
    """

    def term(t: Term) -> str:
        operands = [f"'{word}'" for word in t.words]
        if t.prefix:
            operands[-1] += ":*"
        return "(" + " <-> ".join(operands) + ")"

    return " & ".join(term(t) for t in terms)
