"""Ranked full-text search over articles, one interface over SQLite FTS5 and PostgreSQL.

How a text is read (``servicedesk.tickets.search.terms.parse``, shared with ticket search):
words only, every other character a separator, so quotes, ``*``, ``NEAR``, ``-`` or ``:``
typed by a user never reach the database as query syntax (``NEAR`` is just a word). A
quoted phrase stays a phrase. Common English words ("my", "the", "is") are dropped unless
nothing else is left.

Three passes, each only when the one before found too little:

1. every term (AND), ranked: BM25 in SQLite (title 10, keywords 5, body 1), ``ts_rank_cd``
   over the weighted vector in PostgreSQL;
2. any term (OR), ranked the same, to fill the page: a user describing a problem in a sentence
   rarely uses every word an article does;
3. typo tolerance: each word the index does not hold is replaced by the nearest indexed word
   (``difflib`` ratio >= 0.75, same first letter), then pass 2 runs again. SQLite reads the
   indexed words from its fts5vocab table, PostgreSQL from ``ts_stat`` (kept per process
   until an article changes).

Snippets come from the engine (FTS5 ``snippet``, ``ts_headline``) around the matches in the
plain body, with control-character markers that become ``<mark>`` after HTML escaping.
"""

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import NotSupportedError, connections

from servicedesk.knowledge import index
from servicedesk.knowledge.rendering import MARK_END, MARK_START
from servicedesk.tickets.search.terms import Term, parse

# Longest query text read; the rest of a pasted essay adds nothing but cost.
MAX_QUERY = 1000
SNIPPET_WORDS = 24
CUTOFF = 0.75

STOP_WORDS = frozenset(
    """a about after again all also am an and any are as at be been before being but by can
    cannot could did do does doing dont for from get gets got had has have having he her here
    him his how i if in into is it its just me my no not now of off on once only or our out
    over please same she should so some such than that the their them then there these they
    this those to too under until up very was we were what when where which while who why will
    with would you your""".split()  # noqa: SIM905 (a paragraph reads better than a list)
)


@dataclass
class Found:
    """One matching article id with its score and raw snippet (markers, not yet escaped)."""

    id: int
    title: str
    score: float
    snippet: str


@dataclass
class Result:
    found: list[Found] = field(default_factory=list)
    corrected: str = ""  # the words searched for instead, when the spelling fallback ran


def terms_of(text: str) -> list[Term]:
    terms = parse(text[:MAX_QUERY])
    meaningful = [t for t in terms if not (len(t.words) == 1 and t.words[0].lower() in STOP_WORDS)]
    return meaningful or terms


def search(
    text: str,
    *,
    states: Iterable[str],
    audiences: Iterable[str],
    limit: int,
    fuzzy: bool = True,
    using: str = "default",
) -> Result:
    """Articles in one of ``states`` for one of ``audiences`` matching ``text``, best first."""
    terms = terms_of(text)
    if not terms or limit <= 0:
        return Result()
    engine = _ENGINES.get(connections[using].vendor)
    if engine is None:
        raise NotSupportedError(f"Article search does not support {connections[using].vendor}.")
    where = (tuple(states), tuple(audiences))
    found = engine.query(terms, all_terms=True, where=where, limit=limit, using=using)
    if len(found) < limit and len(terms) > 1:
        seen = {f.id for f in found}
        more = engine.query(terms, all_terms=False, where=where, limit=limit, using=using)
        found += [f for f in more if f.id not in seen][: limit - len(found)]
    if found or not fuzzy:
        return Result(found=found)
    fixed = _corrected(terms, engine, using=using)
    if not fixed:
        return Result()
    found = engine.query(fixed, all_terms=False, where=where, limit=limit, using=using)
    return Result(found=found, corrected=" ".join(" ".join(t.words) for t in fixed))


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _corrected(terms: list[Term], engine, *, using: str) -> list[Term]:
    """The terms with each unknown single word replaced by its nearest indexed word."""
    words = {_fold(t.words[0]) for t in terms if len(t.words) == 1 and len(t.words[0]) >= 4}
    if not words:
        return []
    vocabulary = engine.words_like(sorted(words), using=using)  # one query for all words
    out: list[Term] = []
    changed = False
    for term in terms:
        word = _fold(term.words[0]) if len(term.words) == 1 else ""
        if word not in words or word in vocabulary:
            out.append(term)
            continue
        lo, hi = len(word) - 2, len(word) + 2
        candidates = [w for w in vocabulary if w[:1] == word[:1] and lo <= len(w) <= hi]
        near = difflib.get_close_matches(word, candidates, n=1, cutoff=CUTOFF)
        if near:
            out.append(Term(words=(near[0],), prefix=False))
            changed = True
        else:
            out.append(term)
    return out if changed else []


class _SQLite:
    @staticmethod
    def match(terms: list[Term], *, all_terms: bool) -> str:
        # Inside double quotes FTS5 reads no syntax; the words hold no quote.
        parts = [f'"{" ".join(t.words)}"' + ("*" if t.prefix else "") for t in terms]
        return (" AND " if all_terms else " OR ").join(parts)

    @classmethod
    def query(cls, terms, *, all_terms, where, limit, using) -> list[Found]:
        states, audiences = where
        match = cls.match(terms, all_terms=all_terms)
        # Ranked first, then the snippets for the page only: in one query SQLite would build
        # a snippet for every match before sorting (most of the cost of a common word).
        fts, articles = index.FTS, index.ARTICLES
        sql = (
            f"WITH top AS (SELECT {fts}.rowid AS id, bm25({fts}, 10.0, 5.0, 1.0) AS rank "
            f"FROM {fts} JOIN {articles} b ON b.id = {fts}.rowid WHERE {fts} MATCH %s "
            f"AND b.state IN ({', '.join(['%s'] * len(states))}) "
            f"AND b.audience IN ({', '.join(['%s'] * len(audiences))}) "
            "ORDER BY rank LIMIT %s) "
            f"SELECT a.id, a.title, top.rank, "
            f"snippet({fts}, 2, char(2), char(3), '…', {SNIPPET_WORDS}) "
            f"FROM top JOIN {fts} ON {fts}.rowid = top.id JOIN {articles} a ON a.id = top.id "
            f"WHERE {fts} MATCH %s ORDER BY top.rank"
        )
        params = [match, *states, *audiences, limit, match]

        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return [Found(id=r[0], title=r[1], score=-r[2], snippet=r[3]) for r in cursor]

    @staticmethod
    def words_like(words: list[str], *, using: str) -> set[str]:
        """Indexed words beginning with the first letter of any of ``words``."""
        ranges = " OR ".join(["(term >= %s AND term < %s)"] * len(words))
        params: list = []
        for word in words:
            params += [word[0], word[0] + "\U0010ffff"]
        longest = max(len(w) for w in words) + 2
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT term FROM {index.VOCAB} WHERE ({ranges}) AND length(term) <= %s",
                [*params, longest],
            )
            return {row[0] for row in cursor}


class _PostgreSQL:
    @staticmethod
    def tsquery(terms: list[Term], *, all_terms: bool) -> str:
        def term(t: Term) -> str:
            operands = [f"'{word}'" for word in t.words]
            if t.prefix:
                operands[-1] += ":*"
            return "(" + " <-> ".join(operands) + ")"

        return (" & " if all_terms else " | ").join(term(t) for t in terms)

    @classmethod
    def query(cls, terms, *, all_terms, where, limit, using) -> list[Found]:
        states, audiences = where
        options = (
            f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, "
            'MinWords=8, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "'
        )
        # The headline is computed for the page only, after ranking: it re-parses the text.
        sql = (
            "SELECT id, title, rank, ts_headline(%s::regconfig, body_text, q, %s) FROM ("
            f"SELECT a.id, a.title, a.body_text, q, ts_rank_cd(a.{index.COLUMN}, q) AS rank "
            f"FROM {index.ARTICLES} a, to_tsquery(%s::regconfig, %s) AS q "
            f"WHERE a.{index.COLUMN} @@ q AND a.state = ANY(%s) AND a.audience = ANY(%s) "
            "ORDER BY rank DESC, a.id LIMIT %s) AS page ORDER BY rank DESC, id"
        )
        params = [
            index.CONFIG,
            options,
            index.CONFIG,
            cls.tsquery(terms, all_terms=all_terms),
            list(states),
            list(audiences),
            limit,
        ]
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            return [Found(id=r[0], title=r[1], score=float(r[2]), snippet=r[3]) for r in cursor]

    # ts_stat reads every article's vector (a third of a second at 10,000 articles), so
    # each process keeps the indexed words, known current by the articles' count and latest
    # change. A stale list only makes a spelling suggestion miss: the search it leads to
    # applies visibility as any other.
    _vocabulary: dict[str, tuple[tuple, frozenset[str]]] = {}

    @classmethod
    def words_like(cls, words: list[str], *, using: str) -> set[str]:
        """Indexed words beginning with the first letter of any of ``words``."""
        with connections[using].cursor() as cursor:
            cursor.execute(f"SELECT count(*), max(updated_at) FROM {index.ARTICLES}")
            stamp = tuple(cursor.fetchone())
            kept = cls._vocabulary.get(using)
            if kept is None or kept[0] != stamp:
                cursor.execute(
                    "SELECT word FROM ts_stat(%s)",
                    [f"SELECT {index.COLUMN} FROM {index.ARTICLES}"],
                )
                kept = (stamp, frozenset(row[0] for row in cursor))
                cls._vocabulary[using] = kept
        firsts = {w[0] for w in words}
        longest = max(len(w) for w in words) + 2
        return {w for w in kept[1] if w[:1] in firsts and len(w) <= longest}


def forget() -> None:
    """Drop the kept vocabularies (tests: each test's database starts again)."""
    _PostgreSQL._vocabulary.clear()


_ENGINES = {"sqlite": _SQLite, "postgresql": _PostgreSQL}
