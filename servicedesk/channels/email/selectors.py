"""Reads of the email channel."""

import re
from collections.abc import Iterable
from datetime import datetime

from django.db.models import QuerySet

from servicedesk.accounts.models import User
from servicedesk.channels.email.choices import InboundState
from servicedesk.channels.email.models import InboundMessage, Mailbox
from servicedesk.tickets.choices import NUMBER_DIGITS, NUMBER_PREFIX
from servicedesk.tickets.models import Ticket

# The tag the desk puts in the subjects it sends: [INC0001234], [REQ0000042], ...
_PREFIXES = "|".join(NUMBER_PREFIX.values())
_TAG = re.compile(rf"\[\s*((?:{_PREFIXES})\d{{{NUMBER_DIGITS}}})\s*\]", re.IGNORECASE)


def ticket_for_subject(subject: str) -> Ticket | None:
    """The ticket whose tag (``[INC0001234]``) the subject carries; the first known tag wins."""
    for found in _TAG.finditer(subject or ""):
        ticket = Ticket.objects.filter(number=found.group(1).upper()).first()
        if ticket is not None:
            return ticket
    return None


def user_for_address(address: str) -> User | None:
    """The account with this email address (case-insensitive); an active one before others."""
    if not address:
        return None
    return User.objects.filter(email__iexact=address).order_by("-is_active", "pk").first()


def users_for_addresses(addresses: Iterable[str]) -> list[User]:
    """The active accounts among ``addresses``, one per address, in the order given."""
    wanted = list(dict.fromkeys(a.lower() for a in addresses if a))
    if not wanted:
        return []
    found: dict[str, User] = {}
    for user in User.objects.filter(email__in=wanted, is_active=True).order_by("pk"):
        found.setdefault(user.email.lower(), user)
    # email__in is exact; an address stored in other case is found one by one.
    for address in wanted:
        if address not in found:
            user = User.objects.filter(email__iexact=address, is_active=True).order_by("pk").first()
            if user is not None:
                found[address] = user
    return [found[a] for a in wanted if a in found]


def _possible_address(address: str) -> bool:
    # NUL or a lone surrogate (a raw 8-bit byte): no mailbox has one, and the database refuses
    # it in a query (PostgreSQL's error would pass for the database being down, and have the
    # sender retry for days).
    if not address or "\x00" in address:
        return False
    try:
        address.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def mailbox_for_address(address: str) -> Mailbox | None:
    if not _possible_address(address):
        return None
    return Mailbox.objects.filter(address=address.strip().lower(), is_active=True).first()


def mailbox_for_recipients(addresses: Iterable[str]) -> Mailbox | None:
    """The first active mailbox among ``addresses``; the only one when there is just one."""
    wanted = [a.strip().lower() for a in addresses if _possible_address(a) and a.strip()]
    active = Mailbox.objects.filter(is_active=True)
    by_address = {m.address: m for m in active.filter(address__in=wanted)} if wanted else {}
    for address in wanted:
        if address in by_address:
            return by_address[address]
    only = list(active[:2])
    return only[0] if len(only) == 1 else None


def mailbox_addresses() -> set[str]:
    """The addresses of the active mailboxes: the SMTP listener's allowed recipients."""
    return set(Mailbox.objects.filter(is_active=True).values_list("address", flat=True))


def imap_mailboxes() -> QuerySet[Mailbox]:
    return Mailbox.objects.filter(is_active=True, imap_enabled=True).order_by("pk")


def messages_waiting(*, received_before: datetime, limit: int = 100) -> list[int]:
    """Ids of messages stored but never finished (a worker died, a task was lost), oldest first."""
    waiting = InboundMessage.objects.filter(
        state=InboundState.RECEIVED, received_at__lt=received_before
    ).order_by("received_at")
    return list(waiting.values_list("pk", flat=True)[:limit])


def ticket_opened_by_automatic_mail(ticket: Ticket) -> bool:
    """True when the mail that opened ``ticket`` was automatic: the desk must not answer it.

    For the outbound side (acknowledgements): the inbound message and its flag are committed
    in the same transaction as the ticket.
    """
    return InboundMessage.objects.filter(ticket=ticket, is_automatic=True).exists()


def inbound_messages(*, state: str = "") -> QuerySet[InboundMessage]:
    """Inbound messages for the admins, newest first, without their raw bytes."""
    messages = InboundMessage.objects.select_related("mailbox", "ticket").defer("raw")
    return messages.filter(state=state) if state else messages
