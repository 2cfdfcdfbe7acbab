"""The full-text index over ticket titles and descriptions, kept by the database itself.

The database keeps it, not the ORM, so that every write is indexed: saves, ``update()``,
deletes, and the raw multi-row INSERTs of the imports and the generator (``insert_rows``),
which send no signals.

SQLite: an FTS5 table over the ticket table's own text (external content, so the text is not
stored twice), kept in step by three triggers. The ``unicode61`` tokenizer folds case and
accents; a prefix index for three characters keeps the shortest prefix searches cheap (longer
prefixes match fewer words, and are cheap without one).

PostgreSQL: a ``tsvector`` column the database computes (``GENERATED ALWAYS ... STORED``) and a
GIN index on it. Stored rather than an expression index because a search that walks the
list's sort order checks the condition row by row, and reading a stored vector is far cheaper
than parsing the text again (docs/admin-guide.md has the figures). The column is not a model
field: ``insert_rows`` names every concrete field, and PostgreSQL refuses a value for a
generated column. The ``ticket_search`` configuration maps ASCII punctuation to spaces (so
``LT-12345`` holds the words ``lt`` and ``12345``, as in SQLite) and folds accents with the
``unaccent`` extension.

A change of the ticket table's schema that SQLite makes by copying the table (Django does that
for many column changes) drops its triggers; ``repair`` puts them back after every migrate.
"""

import string

from django.db import connections, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

TICKETS = "tickets_ticket"
FTS = "tickets_ticket_fts"
CONFIG = "ticket_search"
COLUMN = "search_vector"
GIN = "ticket_search"

_SQLITE_TRIGGERS = {
    f"{FTS}_insert": f"""
        CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TICKETS} BEGIN
            INSERT INTO {FTS}(rowid, title, description)
            VALUES (new.id, new.title, new.description);
        END""",
    f"{FTS}_delete": f"""
        CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TICKETS} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, description)
            VALUES ('delete', old.id, old.title, old.description);
        END""",
    # A save writes every column; only a change of the text (or id) touches the index.
    f"{FTS}_update": f"""
        CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, title, description ON {TICKETS}
        WHEN old.id IS NOT new.id OR old.title IS NOT new.title
            OR old.description IS NOT new.description
        BEGIN
            INSERT INTO {FTS}({FTS}, rowid, title, description)
            VALUES ('delete', old.id, old.title, old.description);
            INSERT INTO {FTS}(rowid, title, description)
            VALUES (new.id, new.title, new.description);
        END""",
}

_SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        title, description, content='{TICKETS}', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='3'
    )""",
    *_SQLITE_TRIGGERS.values(),
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # index the tickets already there
]
_SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {FTS}",
]

# ASCII punctuation becomes space before PostgreSQL's parser sees the text, which would read
# "LT-12345" as "lt" and "-12345" and "a.b@c.io" as one e-mail token.
_PG_TRANSLATE = (string.punctuation, " " * len(string.punctuation))


def _pg_vector(column: str) -> str:
    return f"to_tsvector('{CONFIG}'::regconfig, translate({column}, %s, %s))"


# (sql, params): the schema editor quotes the params into the statement, DDL takes none.
_POSTGRESQL_CREATE = [
    ("CREATE EXTENSION IF NOT EXISTS unaccent", ()),
    (f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = simple)", ()),
    (
        f"""ALTER TEXT SEARCH CONFIGURATION {CONFIG}
        ALTER MAPPING FOR word, numword, hword, numhword, hword_part, hword_numpart
        WITH unaccent, simple""",
        (),
    ),
    # Adding the column computes it for every existing ticket (and rewrites the table).
    (
        f"""ALTER TABLE {TICKETS} ADD COLUMN {COLUMN} tsvector
        GENERATED ALWAYS AS ({_pg_vector("title")} || {_pg_vector("description")}) STORED""",
        _PG_TRANSLATE * 2,
    ),
    (f"CREATE INDEX {GIN} ON {TICKETS} USING gin ({COLUMN})", ()),
    # The planner needs the words' frequencies before the first search.
    (f"ANALYZE {TICKETS}", ()),
]
# The extension stays: other things may use it, and it holds no data.
_POSTGRESQL_DROP = [
    (f"DROP INDEX IF EXISTS {GIN}", ()),
    (f"ALTER TABLE {TICKETS} DROP COLUMN IF EXISTS {COLUMN}", ()),
    (f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}", ()),
]

CREATE = {"sqlite": [(sql, ()) for sql in _SQLITE_CREATE], "postgresql": _POSTGRESQL_CREATE}
DROP = {"sqlite": [(sql, ()) for sql in _SQLITE_DROP], "postgresql": _POSTGRESQL_DROP}


def create(schema_editor: BaseDatabaseSchemaEditor) -> None:
    """Build the index, filled from the tickets already there. Other databases get none."""
    for sql, params in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params)


def drop(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql, params in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql, params)


def repair(using: str = "default", **kwargs) -> None:
    """Put back SQLite triggers that a table copy dropped, and rebuild the index from the table.

    Connected to ``post_migrate``; does nothing where the index is whole or not yet created.
    """
    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute(
            "SELECT name, type FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND "
            "tbl_name = %s)",
            [FTS, TICKETS],
        )
        found = {name for name, _ in cursor.fetchall()}
        if FTS not in found:
            return
        missing = [sql for name, sql in _SQLITE_TRIGGERS.items() if name not in found]
        if not missing:
            return
        for sql in missing:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
