"""The search condition on tickets, and how each database is led to a good plan for it.

A list page is "the first 50 matches in the list's order". Two plans can answer that:

- few matches: read them all from the text index, then sort them (cost grows with the matches);
- many matches: walk the list's own index in order and keep the rows that match, stopping at a
  page (cost grows with how rare the matches are).

Neither database can tell which case it is in. SQLite has no estimate for a MATCH at all, and
PostgreSQL multiplies the frequencies of the words, so two common words that never occur
together ("hi hello") look common and make it walk the whole table. So we ask the index first:
``_first_matches`` reads at most ``FEW`` ids from it, which is cheap in both cases. Fewer than
that, and the list is narrowed to exactly those ids (the database then knows the count). Else
the condition is put on the row, where walking the list's order finds a page quickly.
"""

from django.db import NotSupportedError, connections
from django.db.models import BooleanField, Expression, F, QuerySet
from django.db.models.expressions import RawSQL

from servicedesk.tickets.search import index
from servicedesk.tickets.search.terms import Term, fts5_query, parse, tsquery

# Up to this many matches are read from the index and handed to the list as ids.
FEW = 5000


class TextMatch(Expression):
    """True for tickets whose title or description holds every term (many-matches plan).

    Written against the ticket's primary key column, so that Django keeps the table alias
    right wherever the condition ends up (a subquery, a join).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, terms: list[Term]):
        super().__init__()
        self.terms = terms
        self.pk = F("pk")

    def get_source_expressions(self):
        return [self.pk]

    def set_source_expressions(self, exprs):
        (self.pk,) = exprs

    def as_sql(self, compiler, connection):
        raise NotSupportedError(f"Ticket search does not support {connection.vendor}.")

    def as_sqlite(self, compiler, connection):
        pk, params = compiler.compile(self.pk)
        # The unary + keeps SQLite from looking the matches up one by one and sorting them
        # all; it reads the match set once and walks the list's index instead.
        sql = f"+{pk} IN (SELECT rowid FROM {index.FTS} WHERE {index.FTS} MATCH %s)"
        return sql, (*params, fts5_query(self.terms))

    def as_postgresql(self, compiler, connection):
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
        # Materialised, the inner query is planned for all its rows: the GIN index unless the
        # words are so common that a scan finds ``limit`` of them at once. The LIMIT then
        # stops it early either way.
        sql = (
            f"WITH found AS MATERIALIZED (SELECT id FROM {index.TICKETS} "
            f"WHERE {index.COLUMN} @@ to_tsquery(%s::regconfig, %s)) "
            "SELECT id FROM found LIMIT %s"
        )
        params = (index.CONFIG, tsquery(terms), limit)
    else:
        raise NotSupportedError(f"Ticket search does not support {connection.vendor}.")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def search_tickets(tickets: QuerySet, text: str) -> QuerySet:
    """Those of ``tickets`` whose title or description holds every term of ``text``.

    Text without a single word (only punctuation or emoji) matches no ticket. The order and
    the visibility of ``tickets`` stay as they are.
    """
    terms = parse(text)
    if not terms:
        return tickets.none()
    ids = _first_matches(terms, using=tickets.db, limit=FEW)
    if len(ids) >= FEW:
        return tickets.filter(TextMatch(terms))
    if connections[tickets.db].vendor == "postgresql":
        # As an array the planner counts on a few rows and looks them up by primary key; as
        # a list of values it may walk the list's index instead and, when the user may see
        # only some tickets, read a large part of the table to fill a page.
        return tickets.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    return tickets.filter(pk__in=ids)
