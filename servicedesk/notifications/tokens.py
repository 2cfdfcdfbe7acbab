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
from datetime import timedelta

from django.conf import settings
from django.core import signing

from servicedesk.tickets.choices import State
from servicedesk.tickets.models import Ticket

SALT = "servicedesk.notifications.verdict"


class VerdictLinkError(Exception):
    """Why a link cannot be used, in words for the person who followed it."""

    def __init__(self, title: str, message: str, *, status: int, ticket: Ticket | None = None):
        super().__init__(message)
        self.title, self.message, self.status, self.ticket = title, message, status, ticket


@dataclass(frozen=True)
class Verdict:
    ticket: Ticket


def _requester_key(ticket: Ticket) -> str:
    return hashlib.sha256(ticket.access_token.encode()).hexdigest()[:16]


def verdict_token(ticket: Ticket) -> str:
    """The token of the accept and reject links for the ticket's current resolution."""
    resolved = ticket.resolved_at.isoformat() if ticket.resolved_at else ""
    payload = {"t": ticket.pk, "r": resolved, "k": _requester_key(ticket)}
    return signing.dumps(payload, salt=SALT, compress=True)


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
    ticket_pk = payload.get("t") if isinstance(payload, dict) else None
    ticket = (
        Ticket.objects.select_related("requester").filter(pk=ticket_pk).first()
        if isinstance(ticket_pk, int)
        else None
    )
    if ticket is None or payload.get("k") != _requester_key(ticket):
        raise VerdictLinkError(
            "This link is not valid",
            "The ticket it was sent about is no longer yours, or no longer exists.",
            status=404,
        )
    resolved = ticket.resolved_at.isoformat() if ticket.resolved_at else ""
    if ticket.state != State.RESOLVED or payload.get("r") != resolved:
        raise VerdictLinkError(
            "This link has been used",
            f"{ticket.number} is {ticket.get_state_display().lower()} now, so there is nothing "
            "left to confirm with this link.",
            status=410,
            ticket=ticket,
        )
    return Verdict(ticket=ticket)
