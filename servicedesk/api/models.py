"""What the API itself stores: the answers to requests sent with an Idempotency-Key."""

from django.conf import settings
from django.db import models


class IdempotencyKey(models.Model):
    """The first answer to a creating POST, replayed when a client retries with the same key.

    The unique constraint is what keeps two concurrent retries from both creating: the second
    insert fails and that request answers with what the first one stored.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # sha256 of method, path and the canonical request body: a reused key must mean a retry.
    fingerprint = models.CharField(max_length=64)
    # Empty only inside the creating transaction, which fills it in before it commits.
    status = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(default=dict)
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} of user {self.user_id}"
