"""Signed links that let a requester accept or reject a resolution without signing in.

A token names the ticket and the resolution it is about (the instant it was resolved) and
is signed with the desk's secret key, with its time: ``verdict_ticket`` refuses a forged or
altered one, one older than ``SERVICEDESK_VERDICT_LINK_DAYS``, and one whose resolution is no
longer the ticket's (it was accepted, rejected or reopened since), so each link acts once. It
also binds the requester's status-page key, which changes with the requester: a link mailed
to an earlier requester stops working.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing

from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Ticket

SALT = "servicedesk.notifications.verdict"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class VerdictLinkError(Exception):
    """Why a link cannot be used, in words for the person who followed it."""

    def __init__(self, title: str, message: str, *, status: int, ticket: Ticket | None = None):
        super().__init__(message)
        self.title, self.message, self.status, self.ticket = title, message, status, ticket


@dataclass(frozen=True)
class Verdict:
    ticket: Ticket


def _requester_key(ticket: Ticket) -> str:
    return hashlib.sha256(ticket.access_token.encode()).hexdigest()[:12]


def _resolution(ticket: Ticket) -> int | None:
    # The instant of the resolution in whole microseconds: exact, and short in a link.
    if ticket.resolved_at is None:
        return None
    return (ticket.resolved_at - _EPOCH) // timedelta(microseconds=1)


def verdict_token(ticket: Ticket) -> str:
    """The token of the accept and reject links for the ticket's current resolution."""
    return signing.dumps([ticket.pk, _resolution(ticket), _requester_key(ticket)], salt=SALT)


def verdict_ticket(token: str) -> Verdict:
    """The ticket a link may accept or reject now; VerdictLinkError says why not."""
    max_age = timedelta(days=settings.SERVICEDESK_VERDICT_LINK_DAYS)
    try:
        payload = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise VerdictLinkError(
            "This link has expired",
            f"Links in our mails work for {settings.SERVICEDESK_VERDICT_LINK_DAYS} days. "
            "Sign in to the portal to accept or reject the resolution, or reply to the mail.",
            status=410,
        ) from None
    except signing.BadSignature:
        raise VerdictLinkError(
            "This link is not valid",
            "The link is incomplete or has been changed. Copy the whole link from the mail, "
            "or sign in to the portal.",
            status=400,
        ) from None
    # Signed by the desk, so well formed; checked anyway, as a key leak would make it input.
    ticket_pk, resolution, key = (
        payload if isinstance(payload, list) and len(payload) == 3 else (None,) * 3
    )
    ticket = (
        Ticket.objects.select_related("requester").filter(pk=ticket_pk).first()
        if isinstance(ticket_pk, int)
        else None
    )
    if ticket is None or key != _requester_key(ticket):
        raise VerdictLinkError(
            "This link is not valid",
            "The ticket it was sent about is no longer yours, or no longer exists.",
            status=404,
        )
    if ticket.state != State.RESOLVED or resolution != _resolution(ticket):
        raise VerdictLinkError(
            "This link has been used",
            f"{ticket.number} is {ticket.get_state_display().lower()} now, so there is nothing "
            "left to confirm with this link.",
            status=410,
            ticket=ticket,
        )
    return Verdict(ticket=ticket)
