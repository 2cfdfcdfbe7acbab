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

# Up to this many matches count as few (at a million tickets both plans cost about the same
# there; the crossover grows with the square root of the number of tickets).
FEW = 5000


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
        return tickets.filter(TextMatch(terms, many=True))
    if connections[tickets.db].vendor == "postgresql":
        # As an array the planner counts on a few rows and looks them up by primary key; as
        # a list of values it may walk the list's index instead and, when the user may see
        # only some tickets, read a large part of the table to fill a page.
        return tickets.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", (ids,)))
    # SQLite: asking the index again costs little for few matches, and a list of ids could
    # pass the 999 parameters older SQLite builds allow in one statement.
    return tickets.filter(TextMatch(terms, many=False))
