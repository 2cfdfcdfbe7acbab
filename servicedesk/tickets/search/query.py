"""The search condition on tickets, and how each database is led to a good plan for it.

A list page is "the first 50 matches in the list's order". Two plans can answer that:

- few matches: read them all from the text index, then sort them (cost grows with the matches);
- many matches: walk the list's own index in order and keep the rows that match, stopping at a
  page (cost grows with how rare the matches are).

Neither database can tell which case it is in. SQLite has no estimate for a MATCH at all, and
PostgreSQL multiplies the frequencies of the words, so two common words that never occur
together ("hi hello") look common and make it walk the whole table. So we ask the index first:
``_first_matches`` reads at most ``FEW`` ids from it, which is cheap in both cases. Fewer than
that, and the first plan is made certain: PostgreSQL gets the ids themselves, SQLite the
index's matches looked up by rowid. Else the condition goes on the row in a form that lets
the database walk the list's order (docs/admin-guide.md has the figures at a million tickets).
"""

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, Expression, F, QuerySet
from django.db.models.expressions import RawSQL

from servicedesk.tickets.search import index
from servicedesk.tickets.search.terms import Term, fts5_query, parse, tsquery

# Up to this many matches count as few: at a million tickets both plans cost about the same
# there (the crossover grows with the square root of the number of tickets). PostgreSQL reads
# a table row for each id it returns, SQLite only its text index, so PostgreSQL's is lower.
FEW = {"sqlite": 5000, "postgresql": 1000}


class TextMatch(Expression):
    """True for tickets whose title or description holds every term.

    ``many`` says which plan to lead the database to (module docstring). Written against the
    ticket's primary key column, so that Django keeps the table alias right wherever the
    condition ends up (a subquery, a join).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, terms: list[Term], *, many: bool):
        super().__init__()
        self.terms = terms
        self.many = many
        self.pk = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"Ticket search does not support {connection.vendor}.")

    def as_sqlite(self, compiler, connection):
        pk, params = compiler.compile(self.pk)
        # SQLite looks the matches up by rowid and sorts them, unless the unary + hides the
        # rowid: then it reads the match set once and walks the list's index instead.
        lhs = f"+{pk}" if self.many else pk
        sql = f"{lhs} IN (SELECT rowid FROM {index.FTS} WHERE {index.FTS} MATCH %s)"
        return sql, (*params, fts5_query(self.terms))

    def as_postgresql(self, compiler, connection):
        if not self.many:
            raise NotSupportedError("On PostgreSQL few matches are given as their ids.")
        alias = connection.ops.quote_name(self.pk.alias)
        sql = f"{alias}.{index.COLUMN} @@ to_tsquery(%s::regconfig, %s)"
        return sql, (index.CONFIG, tsquery(self.terms))


def _first_matches(terms: list[Term], *, using: str, limit: int) -> list[int]:
    """Ids of up to ``limit`` tickets holding every term, in no particular order."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        sql = f"SELECT rowid FROM {index.FTS} WHERE {index.FTS} MATCH %s LIMIT %s"
        params: tuple = (fts5_query(terms), limit)
    elif connection.vendor == "postgresql":
        sql, params = _pg_first_matches(terms, limit)
    else:
        raise NotSupportedError(f"Ticket search does not support {connection.vendor}.")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _pg_first_matches(terms: list[Term], limit: int) -> tuple[str, tuple]:
    # Materialised, the inner query is planned for all its rows: the GIN index unless the words
    # are so common that a scan finds ``limit`` of them at once; the LIMIT stops it early.
    found = f"SELECT id FROM {index.TICKETS} WHERE {index.COLUMN} @@ to_tsquery(%s::regconfig, %s)"
    whole = [Term(t.words, prefix=False) for t in terms]
    if whole == terms:
        return f"WITH found AS MATERIALIZED ({found}) SELECT id FROM found LIMIT %s", (
            index.CONFIG,
            tsquery(terms),
            limit,
        )
    # A prefix makes GIN collect every ticket of every word it begins, before it can combine
    # the terms: for two common words that is most of the cost. The whole words find no more
    # tickets than the prefixes do, and cheaply; when they already find ``limit`` the
    # prefixes are never looked up (their branch is cut off before it runs).
    sql = (
        f"WITH whole AS MATERIALIZED ({found}), found AS MATERIALIZED ({found}), "
        "enough AS MATERIALIZED "
        "(SELECT count(*) >= %s AS yes FROM (SELECT 1 FROM whole LIMIT %s) AS w) "
        "(SELECT id FROM whole WHERE (SELECT yes FROM enough) LIMIT %s) UNION ALL "
        "(SELECT id FROM found WHERE NOT (SELECT yes FROM enough) LIMIT %s)"
    )
    whole_q, found_q = (index.CONFIG, tsquery(whole)), (index.CONFIG, tsquery(terms))
    return sql, (*whole_q, *found_q, limit, limit, limit, limit)


def search_tickets(tickets: QuerySet, text: str) -> QuerySet:
    """Those of ``tickets`` whose title or description holds every term of ``text``.

    Text without a single word (only punctuation or emoji) matches no ticket. The order and
    the visibility of ``tickets`` stay as they are.
    """
    terms = parse(text)
    if not terms:
        return tickets.none()
    few = FEW.get(connections[tickets.db].vendor, 0)
    ids = _first_matches(terms, using=tickets.db, limit=few)
    if len(ids) >= few:
        return tickets.filter(TextMatch(terms, many=True))
    if connections[tickets.db].vendor == "postgresql":
        # As an array the planner counts on a few rows and looks them up by primary key; as
        # a list of values it may walk the list's index instead and, when the user may see
        # only some tickets, read a large part of the table to fill a page.
        return tickets.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    # SQLite: asking the index again costs little for few matches, and a list of ids could
    # pass the 999 parameters older SQLite builds allow in one statement.
    return tickets.filter(TextMatch(terms, many=False))
