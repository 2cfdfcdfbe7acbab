"""What every request reads and admins rarely change, kept per process until it changes.

A ticket create reads the priority matrix, the triage rules, the SLA policies and calendars,
the service desk group, the groups' assignment strategies and the mail templates. Reading them
each time cost a query or more apiece on every create. Instead each process keeps what it read
(``kept``), tagged with the token of the one ``ConfigVersion`` row; any save or delete of a
configuration model replaces the token in the same transaction (``watch``), so every process,
on SQLite or PostgreSQL, sees the change at its next request. The token is read once per
request (a request that itself changes the configuration reads it again); outside a request
(tasks, commands) every ``kept`` reads it.

Writes that bypass the model signals (``bulk_create``, ``QuerySet.update``, raw SQL) on a
watched model must call ``changed()`` themselves.
"""

import secrets
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.signals import request_finished, request_started
from django.db import connection
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

T = TypeVar("T")
_UNREAD = object()
_local = threading.local()  # per thread: the token read for the request being served
_kept: dict[str, tuple[int | None, Any]] = {}
_watched: set[type[Model]] = set()


def _table() -> str:
    from servicedesk.core.models import ConfigVersion

    return connection.ops.quote_name(ConfigVersion._meta.db_table)


def token() -> int | None:
    """The configuration's current token (None: unchanged since the database was made)."""
    memo = getattr(_local, "token", _UNREAD)
    if memo is not _UNREAD:
        return memo
    # Written out: the ORM's compilation would cost more than this one-row read.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT token FROM {_table()} WHERE id = 1")
        row = cursor.fetchone()
    value = row[0] if row else None
    if getattr(_local, "in_request", False):
        _local.token = value
    return value


def kept(name: str, load: Callable[[], T]) -> T:
    """``load()``'s result, read again only when the configuration changed since."""
    current = token()
    hit = _kept.get(name)
    if hit is not None and hit[0] == current:
        return hit[1]
    value = load()
    _kept[name] = (current, value)
    return value


def changed(**_ignored: Any) -> None:
    """Mark the configuration changed, in the caller's transaction: every process re-reads."""
    value = secrets.randbits(62)
    with connection.cursor() as cursor:
        # One statement for the first change and every later one (SQLite 3.24+, PostgreSQL).
        cursor.execute(
            f"INSERT INTO {_table()} (id, token) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET token = excluded.token",
            [value],
        )
    _local.token = _UNREAD  # this request reads the new token at its next look
    _kept.clear()


def drop(name: str) -> None:
    """Drop one kept value: the next ``kept`` of it reads it again."""
    _kept.pop(name, None)


def forget() -> None:
    """Drop every kept value (tests do, between databases)."""
    _kept.clear()
    _local.token = _UNREAD


def _saved(sender, raw: bool = False, **kwargs: Any) -> None:
    changed()


def watch(*models: type[Model]) -> None:
    """Mark the configuration changed whenever one of ``models`` is saved or deleted (and,
    for their many-to-many fields, when a relation is added or removed)."""
    for model in models:
        if model in _watched:
            continue
        _watched.add(model)
        post_save.connect(_saved, sender=model, dispatch_uid=f"config-save-{model._meta.label}")
        post_delete.connect(_saved, sender=model, dispatch_uid=f"config-del-{model._meta.label}")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _m2m, sender=field.remote_field.through,
                dispatch_uid=f"config-m2m-{model._meta.label}-{field.name}",
            )  # fmt: skip


def _m2m(sender, action: str, **kwargs: Any) -> None:
    if action.startswith("post_"):
        changed()


def _request_started(**kwargs: Any) -> None:
    _local.in_request = True
    _local.token = _UNREAD


def _request_finished(**kwargs: Any) -> None:
    _local.in_request = False
    _local.token = _UNREAD


def _migrated(sender, using: str = "default", **kwargs: Any) -> None:
    # Migrations and flushes write configuration rows without signals; once per migrate.
    if sender.label != "core":
        return
    forget()
    from servicedesk.core.models import ConfigVersion

    # A migration back (migrate core 0002) leaves no table to mark.
    if (
        using == "default"
        and ConfigVersion._meta.db_table in connection.introspection.table_names()
    ):
        changed()


request_started.connect(_request_started, dispatch_uid="config-request-started")
request_finished.connect(_request_finished, dispatch_uid="config-request-finished")
post_migrate.connect(_migrated, dispatch_uid="config-migrated")
