"""Looking people up by name, email or phone (the desk's caller search and the API directory)."""

import pytest

from servicedesk.accounts.models import User
from servicedesk.accounts.selectors import users_matching

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(requester_ann, requester_bob, agent_l1_lee):
    # Stored as typed: international, national with a 0, and North American punctuation.
    for user, phone in ((requester_ann, "+44 20 7946 0001"), (requester_bob, "020 7946 0018"),
                        (agent_l1_lee, "(555) 123-4567")):  # fmt: skip
        user.phone = phone
        user.save()


def _found(text: str) -> list[str]:
    users = users_matching(users=User.objects.order_by("username"), text=text)
    return list(users.values_list("username", flat=True))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("", ["ann", "bob", "lee"]),
        ("  REQUESTER ", ["ann", "bob"]),
        ("lee agent", ["lee"]),
        ("bob@EXAMPLE", ["bob"]),
        ("020 7946-0001", ["ann"]),  # the national 0 that +44 drops
        ("0044 20 7946 0001", ["ann"]),  # and the 00 that dials out of the country
        ("7946", ["ann", "bob"]),
        ("46-00", ["ann", "bob"]),  # punctuation ignored on both sides
        ("555.123.4567", ["lee"]),
        ("+1 555 123 4567", []),  # digits must appear as stored, country code included
        ("6-00", []),  # fewer than four digits never match as a phone number
        ("bob 2079", []),  # letters make it a name, not a phone number
        ("Zoë 7946", []),
    ],
)
def test_people_by_name_email_or_phone(people, text, found):
    assert _found(text) == found
