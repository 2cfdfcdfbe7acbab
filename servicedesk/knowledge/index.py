"""The full-text index over articles (title, keywords, plain body), kept by the database.

Built the way tickets build theirs (servicedesk.tickets.search.index): the database keeps it
so that every write is indexed, the ORM's and raw bulk inserts alike.

SQLite: an FTS5 table over the article table's own columns (external content), kept by three
triggers, with the Porter stemmer in front of ``unicode61`` so that "printing" finds "printer
prints". A ``fts5vocab`` table beside it lists the indexed words: the spelling fallback looks
for near words there.

PostgreSQL: a stored, generated ``tsvector`` (title weighted A, keywords B, body C) with a GIN
index, under the ``kb_search`` configuration: English stemming and stop words, accents folded
with ``unaccent``. The spelling fallback reads the indexed words with ``ts_stat``.

A table copy by a later SQLite migration drops the triggers; ``repair`` puts them back.
"""

from django.db import connections, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

ARTICLES = "knowledge_article"
FTS = "knowledge_article_fts"
VOCAB = "knowledge_article_vocab"
CONFIG = "kb_search"
COLUMN = "search_vector"
GIN = "kb_article_search"

_COLS = "title, keywords, body_text"
_NEW = "new.title, new.keywords, new.body_text"
_OLD = "old.title, old.keywords, old.body_text"

_SQLITE_TRIGGERS = {
    f"{FTS}_insert": f"""
        CREATE TRIGGER {FTS}_insert AFTER INSERT ON {ARTICLES} BEGIN
            INSERT INTO {FTS}(rowid, {_COLS}) VALUES (new.id, {_NEW});
        END""",
    f"{FTS}_delete": f"""
        CREATE TRIGGER {FTS}_delete AFTER DELETE ON {ARTICLES} BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
        END""",
    # Counters (views, feedback) change often; only a change of the text touches the index.
    f"{FTS}_update": f"""
        CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, title, keywords, body_text
        ON {ARTICLES}
        WHEN old.id IS NOT new.id OR old.title IS NOT new.title
            OR old.keywords IS NOT new.keywords OR old.body_text IS NOT new.body_text
        BEGIN
            INSERT INTO {FTS}({FTS}, rowid, {_COLS}) VALUES ('delete', old.id, {_OLD});
            INSERT INTO {FTS}(rowid, {_COLS}) VALUES (new.id, {_NEW});
        END""",
}

_SQLITE_CREATE = [
    f"""CREATE VIRTUAL TABLE {FTS} USING fts5(
        {_COLS}, content='{ARTICLES}', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2', prefix='3'
    )""",
    f"CREATE VIRTUAL TABLE {VOCAB} USING fts5vocab({FTS}, 'row')",
    *_SQLITE_TRIGGERS.values(),
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",
]
_SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in _SQLITE_TRIGGERS),
    f"DROP TABLE IF EXISTS {VOCAB}",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _pg_weighted(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({column}, '')), '{weight}')"


_POSTGRESQL_CREATE = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = english)",
    f"""ALTER TEXT SEARCH CONFIGURATION {CONFIG}
        ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem""",
    f"""ALTER TABLE {ARTICLES} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS (
        {_pg_weighted("title", "A")} || {_pg_weighted("keywords", "B")}
        || {_pg_weighted("body_text", "C")}) STORED""",
    f"CREATE INDEX {GIN} ON {ARTICLES} USING gin ({COLUMN})",
]
_POSTGRESQL_DROP = [
    f"DROP INDEX IF EXISTS {GIN}",
    f"ALTER TABLE {ARTICLES} DROP COLUMN IF EXISTS {COLUMN}",
    f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}",
]

CREATE = {"sqlite": _SQLITE_CREATE, "postgresql": _POSTGRESQL_CREATE}
DROP = {"sqlite": _SQLITE_DROP, "postgresql": _POSTGRESQL_DROP}


def create(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in CREATE.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(schema_editor: BaseDatabaseSchemaEditor) -> None:
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def repair(using: str = "default", **kwargs) -> None:
    """Put back SQLite triggers a table copy dropped, and rebuild the index from the table."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE name = %s OR (type = 'trigger' AND "
            "tbl_name = %s)",
            [FTS, ARTICLES],
        )
        found = {row[0] for row in cursor.fetchall()}
        if FTS not in found:
            return
        missing = [sql for name, sql in _SQLITE_TRIGGERS.items() if name not in found]
        if not missing:
            return
        for sql in missing:
            cursor.execute(sql)
        cursor.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")
