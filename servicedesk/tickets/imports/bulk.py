"""Plain multi-row INSERTs (COPY on PostgreSQL) for the tables where ``bulk_create`` is too slow.

``bulk_create`` runs each field of each object through the ORM's preparation; for the 140,000
rows of the ServiceNow log that took most of the import's time. ``insert_rows`` takes one dict
per row (by attname), fills what a row leaves out from the field's default exactly as the model
would, adapts values with the backend's own operations, and sends many rows per statement
(PostgreSQL: one COPY stream).
It sends no signals, stamps no ``auto_now`` fields and returns no ids. ``gc_paused`` keeps the
garbage collector out of the way while an import holds its whole file in memory;
``statistics_refresh`` tells PostgreSQL's planner what the import wrote.
"""

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from itertools import chain
from typing import Any

from django.db import connection, models

_ROWS_PER_STATEMENT = 1000
_MAX_PARAMETERS = 65535  # PostgreSQL's limit per statement
_UNSET = object()

# Field types whose Python values the database drivers take as they are.
_AS_IS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a bulk import without the cyclic garbage collector.

    An import builds hundreds of thousands of objects that all live until it ends; each full
    collection walks all of them, and that took half of the ServiceNow import's time. Nothing
    here builds reference cycles in bulk, and reference counting still frees the rest.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def statistics_refresh() -> None:
    """Have PostgreSQL sample every table again after a bulk write.

    Autovacuum would, some minutes later; until then the planner plans from statistics of the
    tables before the import (at 100,000 generated tickets, a first page filtered by priority
    hashed all 5,000 users it believed were 381: 85 ms instead of 3). SQLite keeps no statistics
    unless asked, and the list queries are written for a planner without them: nothing to do.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _adapter(field: models.Field) -> Callable[[Any], Any] | None:
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        # The same moments recur across rows (an incident's resolved_at on each of its updates).
        memo: dict[datetime, Any] = {}

        def moment(value: datetime) -> Any:
            if value not in memo:
                memo[value] = ops.adapt_datetimefield_value(value)
            return memo[value]

        return moment
    if isinstance(field, models.JSONField):
        return lambda value: ops.adapt_json_value(value, field.encoder)
    if isinstance(field, _AS_IS):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT ``rows`` (dicts of attname -> value) into ``model``'s table; no pk is given."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    specs = [(f.attname, f, _adapter(f)) for f in fields]
    values = []
    for row in rows:
        line = []
        for attname, field, adapt in specs:
            value = row.get(attname, _UNSET)
            if value is _UNSET:
                value = field.get_default()
            if isinstance(value, models.Choices):
                value = value.value  # a driver may write an enum member's name, not its value
            if adapt is not None and value is not None:
                value = adapt(value)
            line.append(value)
        values.append(line)
    _execute(model._meta.db_table, [f.column for f in fields], values)


def _execute(table: str, columns: list[str], values: list[list[Any]]) -> None:
    if connection.vendor == "postgresql":
        _copy(table, columns, values)
        return
    # Several rows per statement, the statements sent with executemany: per-row statements are
    # slow on PostgreSQL (one round of parse/bind/execute each), and SQLite caps a statement's
    # parameters, which bulk_batch_size knows.
    ops = connection.ops
    limit = min(_ROWS_PER_STATEMENT, _MAX_PARAMETERS // len(columns))
    per = max(1, min(limit, ops.bulk_batch_size(columns, values) or 1))
    names = ", ".join(ops.quote_name(column) for column in columns)
    row = "(" + ", ".join(["%s"] * len(columns)) + ")"

    def sql(rows: int) -> str:
        return f"INSERT INTO {ops.quote_name(table)} ({names}) VALUES {', '.join([row] * rows)}"

    full, rest = divmod(len(values), per)
    with connection.cursor() as cursor:
        if full:
            groups = [
                list(chain.from_iterable(values[i * per : (i + 1) * per])) for i in range(full)
            ]
            cursor.executemany(sql(per), groups)
        if rest:
            cursor.execute(sql(rest), list(chain.from_iterable(values[full * per :])))


def _copy(table: str, columns: list[str], values: list[list[Any]]) -> None:
    # PostgreSQL's COPY streams the rows with no statement per row or batch: about twice the
    # speed of multi-row INSERTs for generated tickets and their events.
    ops = connection.ops
    names = ", ".join(ops.quote_name(column) for column in columns)
    statement = f"COPY {ops.quote_name(table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in values:
            copy.write_row(row)
