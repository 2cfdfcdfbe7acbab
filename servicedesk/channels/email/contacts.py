"""End-user contacts made for people who write to the desk without an account."""

from django.db import IntegrityError, transaction

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import Organisation, User

USERNAME_MAX = 150


def contact_create(*, address: str, name: str = "") -> User:
    """An end user for ``address``, without a password (they may set one later), in the
    organisation whose mail domain the address has."""
    address = address.strip().lower()
    domain = address.rpartition("@")[2]
    organisation = (
        Organisation.objects.filter(email_domain__iexact=domain, is_active=True).first()
        if domain
        else None
    )
    display = " ".join((name or "").split())[:200]
    base = address[:USERNAME_MAX]
    for attempt in range(20):
        username = base if attempt == 0 else f"{base[: USERNAME_MAX - 4]}-{attempt}"
        user = User(
            username=username,
            email=address,
            display_name=display,
            role=Role.END_USER,
            organisation=organisation,
        )
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
            return user
        except IntegrityError:
            continue  # the username is taken (another account, another spelling): try the next
    raise ValueError(f"no free username for {address}")
