"""Idempotency-Key: a retried creating POST answers with the first answer and creates nothing.

The first request inserts its key row before it creates anything, in the same transaction,
and fills in the answer before committing. A concurrent retry's insert fails on the unique
(user, key) constraint once the first commits (or waits for SQLite's write lock), and that
retry then answers with the stored response. A request that fails stores nothing, so the
client may correct it and retry with the same key.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.http import QueryDict
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.errors import error_response
from servicedesk.api.models import IdempotencyKey
from servicedesk.core import clock
from servicedesk.core.errors import ValidationFailed

HEADER = "Idempotency-Key"
KEY_MAX = 255
KEEP = timedelta(hours=24)
# Headers of the first answer that a replay repeats.
_REPLAYED_HEADERS = ("Location", "ETag")


def _file_digest(value: object) -> str:
    if not isinstance(value, UploadedFile):
        return str(value)
    digest = hashlib.sha256()
    for chunk in value.chunks():
        digest.update(chunk)
    value.seek(0)
    return f"file {value.name} {digest.hexdigest()}"


def _fingerprint(request: Request) -> str:
    """The same method, path and body, whatever the key order or whitespace of the JSON;
    uploaded files count by their content."""
    data = request.data
    if isinstance(data, QueryDict):
        data = dict(data.lists())
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=_file_digest)
    raw = f"{request.method} {request.path}\n{body}".encode()
    return hashlib.sha256(raw).hexdigest()


def _replay(record: IdempotencyKey, fingerprint: str) -> Response:
    if record.fingerprint != fingerprint:
        return error_response(
            422,
            "idempotency_key_reused",
            f"The {HEADER} {record.key!r} was already used for a different request. "
            "Send a new key for a new request.",
            {HEADER: ["Already used with another request body."]},
        )
    headers = {**record.headers, "Idempotent-Replayed": "true"}
    return Response(record.body, status=record.status, headers=headers)


def _key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > KEY_MAX or not key.isprintable():
        raise ValidationFailed(
            f"The {HEADER} header must be 1 to {KEY_MAX} printable characters.",
            fields={HEADER: ["Invalid key."]},
        )
    return key


def idempotent(request: Request, create: Callable[[], Response], *, user=None) -> Response:
    """Run ``create`` once per (user, Idempotency-Key); without the header, just run it.

    ``user``: whom the request acts for when that is not the caller (a chat relay speaking
    for its users): the key is theirs, or one key sent for two users would answer the second
    with the first one's conversation."""
    key = _key(request)
    if key is None:
        return create()
    user = user if user is not None else request.user
    fingerprint = _fingerprint(request)
    mine = IdempotencyKey.objects.filter(user=user, key=key)
    stored = mine.first()
    if stored is not None:
        return _replay(stored, fingerprint)
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(
                    user=user, key=key, fingerprint=fingerprint, created_at=clock.now()
                )
        except IntegrityError:
            # A concurrent request with this key committed first: answer as it did.
            return _replay(mine.get(), fingerprint)
        response = create()
        record.status = response.status_code
        record.body = response.data
        record.headers = {h: response[h] for h in _REPLAYED_HEADERS if response.has_header(h)}
        record.save(update_fields=["status", "body", "headers"])
    return response


def idempotency_keys_purge(*, older_than: timedelta = KEEP) -> int:
    """Forget keys older than ``older_than``; a retry after that creates again."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=clock.now() - older_than).delete()
    return deleted
