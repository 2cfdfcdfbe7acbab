"""Reads for the demo data: is the database empty, and which demo logins exist."""

from dataclasses import dataclass

from servicedesk.accounts.choices import Role
from servicedesk.accounts.models import User
from servicedesk.demo.data.directory import PASSWORDS, PEOPLE
from servicedesk.tickets.models import Ticket


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    note: str


def database_has_data() -> bool:
    """True once anything but a superuser exists: an imported or real desk, or the demo itself."""
    return Ticket.objects.exists() or User.objects.filter(is_superuser=False).exists()


def demo_logins() -> list[DemoLogin]:
    """The demo accounts worth trying first, as far as they exist in this database.

    An account counts as a demo account when both its username and its (reserved ``.example``)
    address are the demo's, so a real account that shares a username is never listed.
    """
    featured = [person for person in PEOPLE if person.note]
    present = set(
        User.objects.filter(username__in=[p.username for p in featured]).values_list(
            "username", "email"
        )
    )
    return [
        DemoLogin(p.username, Role(p.role).label, PASSWORDS[p.role], p.note)
        for p in featured
        if (p.username, p.email) in present
    ]
