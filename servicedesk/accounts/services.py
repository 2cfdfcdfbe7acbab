"""Writes on accounts: users, groups and API tokens."""

from datetime import datetime

from django.db import transaction

from servicedesk.accounts.models import ApiToken, Membership, SupportGroup, User


def api_token_create(
    *, user: User, name: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is not stored and cannot be shown again."""
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user, name=name, key_hash=ApiToken.hash_key(key), hint=key[:8], expires_at=expires_at
    )
    return token, key


@transaction.atomic
def group_add_member(*, group: SupportGroup, user: User) -> None:
    Membership.objects.get_or_create(group=group, user=user)
