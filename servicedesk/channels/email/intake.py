"""What one parsed message becomes: a ticket, a reply, a note, or nothing, written out in order.

Called by ``inbound_message_process`` inside its transaction, with the message row locked.
Every change to a ticket goes through the ticket services.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from servicedesk.accounts.models import User
from servicedesk.channels.email.choices import (
    Automatic,
    InboundState,
    Outcome,
    UnknownSender,
)
from servicedesk.channels.email.contacts import contact_create
from servicedesk.channels.email.models import InboundMessage, Mailbox
from servicedesk.channels.email.parsing import ParsedAttachment, ParsedMessage
from servicedesk.channels.email.selectors import (
    ticket_for_subject,
    user_for_address,
    users_for_addresses,
)
from servicedesk.core import clock
from servicedesk.notifications.selectors import ticket_for_message_ids
from servicedesk.sla.durations import parse_duration
from servicedesk.tickets.choices import Channel, EventKind, LinkKind, State
from servicedesk.tickets.models import Comment, Ticket
from servicedesk.tickets.selectors import visible_tickets
from servicedesk.tickets.services import (
    comment_add,
    link_add,
    ticket_create,
    ticket_system_note,
    watcher_add,
)
from servicedesk.tickets.services.validation import TITLE_MAX

NOTE_EXCERPT = 2000
ADDRESS_MAX = 254  # RFC 5321's longest path, and the length of an account's email field
NO_SUBJECT = "(no subject)"
ORIGINAL_NAME = "original-message.eml"


class Unusable(Exception):
    """The message cannot become anything: it goes to quarantine with this reason."""


@dataclass
class Delivery:
    """What processing made of a message, written onto its row."""

    state: str = InboundState.PROCESSED
    outcome: str = Outcome.NONE
    ticket: Ticket | None = None
    comment: Comment | None = None
    reason: str = ""
    dropped: list[str] = field(default_factory=list)


# Senders that only ever send delivery reports, whatever shape the report has.
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


def automatic_kind(parsed: ParsedMessage) -> str:
    """Why the message was sent by a machine, or "" for a person's mail."""
    local_part = parsed.from_address.rpartition("@")[0].lower()
    if parsed.is_bounce or local_part in BOUNCE_SENDERS:
        return Automatic.BOUNCE
    if parsed.is_auto_reply:
        return Automatic.AUTO_REPLY
    if parsed.is_list:
        return Automatic.LIST
    if parsed.return_path == "":
        return Automatic.NULL_SENDER
    return Automatic.NO


def closed_grace() -> timedelta:
    """SERVICEDESK_EMAIL_CLOSED_GRACE: a duration such as 72h; 0 or empty for none."""
    text = settings.SERVICEDESK_EMAIL_CLOSED_GRACE.strip()
    if text in ("", "0"):
        return timedelta(0)
    return parse_duration(text)


def clean_text(value: str) -> str:
    """Text the database takes: no NUL, no lone surrogates (a broken mail has both)."""
    value = (value or "").replace("\x00", "")
    return value.encode("utf-8", "replace").decode("utf-8")


def _title(subject: str) -> str:
    title = " ".join(clean_text(subject).split())
    return (title or NO_SUBJECT)[:TITLE_MAX].rstrip()


def _uploads(parsed: ParsedMessage, delivery: Delivery) -> list[SimpleUploadedFile]:
    """Files and inline images within the limit; the others are named in ``delivery.dropped``
    (the mail itself is kept: a file too large must not lose the message)."""
    limit = settings.ATTACHMENT_MAX_BYTES
    uploads = []
    parts: tuple[ParsedAttachment, ...] = parsed.attachments + parsed.inline_images
    for part in parts:
        name = clean_text(part.filename) or "attachment"
        if part.size > limit:
            delivery.dropped.append(f"{name} ({part.size:,} bytes; the limit is {limit:,})")
            continue
        uploads.append(SimpleUploadedFile(name, part.content, part.content_type))
    return uploads


def _with_dropped(text: str, delivery: Delivery) -> str:
    if not delivery.dropped:
        return text
    listed = "; ".join(delivery.dropped)
    note = f"[Not attached, over the size limit: {listed}. The original mail is kept by the desk.]"
    return f"{text.rstrip()}\n\n{note}".lstrip()


def _excerpt(parsed: ParsedMessage) -> str:
    body = clean_text(parsed.body_text).strip()
    if len(body) > NOTE_EXCERPT:
        body = body[:NOTE_EXCERPT].rstrip() + " [...]"
    return body


def _related_ticket(parsed: ParsedMessage) -> tuple[Ticket | None, bool]:
    """Threading: a message id the desk sent or received, else the tag in the subject; and
    whether only the tag named it."""
    ticket = ticket_for_message_ids((*parsed.in_reply_to, *reversed(parsed.references)))
    if ticket is not None:
        return ticket, False
    ticket = ticket_for_subject(parsed.subject)
    return ticket, ticket is not None


def _stranger(sender: User, ticket: Ticket, by_tag_only: bool) -> bool:
    """Whether a reply must not be taken as the sender's word on the ticket: the subject's tag
    alone named it (ticket numbers run in sequence; anyone can write one), and the sender may
    not see the ticket. A Message-ID of the thread is unguessable: holding one means the
    desk's mail reached them, and they answer as themselves."""
    return by_tag_only and not visible_tickets(sender).filter(pk=ticket.pk).exists()


_HEADER_ADDRESS = re.compile(
    rb"^(from|sender|reply-to|return-path):[^\n]*?<?([\w.+=-]+@[\w-]+(?:\.[\w-]+)+)>?",
    re.IGNORECASE | re.MULTILINE,
)
_FALLBACK_ORDER = (b"from", b"sender", b"reply-to", b"return-path")


def sender_in_raw(raw: bytes) -> str:
    """A sender address read from the header lines themselves, for mail whose headers a
    parser cannot make out (no From it can read, two From lines, junk before the headers)."""
    head = re.split(rb"\r?\n\r?\n(?=\S)", raw.lstrip(b"\r\n"), maxsplit=1)[0][:65536]
    found: dict[bytes, bytes] = {}
    for name, address in _HEADER_ADDRESS.findall(head):
        found.setdefault(name.lower(), address)
    for name in _FALLBACK_ORDER:
        if name in found:
            return found[name].decode("ascii", "replace").lower()
    return ""


def _sender(mailbox: Mailbox, parsed: ParsedMessage, raw: bytes, delivery: Delivery) -> User | None:
    address = parsed.from_address
    if not address or "@" not in address:
        address = sender_in_raw(raw)
    if not address:
        raise Unusable("The message has no usable sender address (From).")
    if len(address) > ADDRESS_MAX:
        raise Unusable(
            f"The sender address is {len(address):,} characters long; an address has at most "
            f"{ADDRESS_MAX}."
        )
    user = user_for_address(address)
    if user is None:
        if mailbox.unknown_sender == UnknownSender.REJECT:
            delivery.state = InboundState.DISCARDED
            delivery.reason = (
                f"{address} has no account and {mailbox.name} rejects unknown senders."
            )
            return None
        return contact_create(address=address, name=clean_text(parsed.from_name))
    if not user.is_active:
        delivery.state = InboundState.DISCARDED
        delivery.reason = f"The account of {address} is deactivated."
        return None
    return user


def _cc_users(mailbox: Mailbox, parsed: ParsedMessage, sender: User) -> list[User]:
    if not mailbox.cc_watchers:
        return []
    return [u for u in users_for_addresses(parsed.cc) if u.pk != sender.pk]


def _note(ticket: Ticket, heading: str, parsed: ParsedMessage, delivery: Delivery) -> None:
    subject = clean_text(parsed.subject) or NO_SUBJECT
    message = f"{heading} from {parsed.from_address or 'an empty sender'}: {subject}"
    excerpt = _excerpt(parsed)
    if excerpt:
        message += f"\n\n{excerpt}"
    ticket_system_note(ticket=ticket, kind=EventKind.UPDATED, message=message, is_internal=True)
    delivery.outcome, delivery.ticket = Outcome.NOTE_ADDED, ticket


def _open(mailbox: Mailbox, parsed: ParsedMessage, sender: User, delivery: Delivery) -> Ticket:
    uploads = _uploads(parsed, delivery)
    return ticket_create(
        by=sender,
        requester=sender,
        title=_title(parsed.subject),
        description=_with_dropped(clean_text(parsed.body_text).strip(), delivery),
        channel=Channel.EMAIL,
        assignment_group=mailbox.group if mailbox.group and mailbox.group.is_active else None,
        watchers=_cc_users(mailbox, parsed, sender),
        attachments=uploads,
    )


def _reply(
    mailbox: Mailbox,
    ticket: Ticket,
    parsed: ParsedMessage,
    raw: bytes,
    sender: User,
    delivery: Delivery,
) -> None:
    uploads = _uploads(parsed, delivery)
    whole = clean_text(parsed.body_text).strip()
    body = clean_text(parsed.reply_text).strip() or whole
    if body != whole and len(raw) <= settings.ATTACHMENT_MAX_BYTES:
        # The comment shows what they wrote; the whole mail, quotes and all, is one click away.
        uploads.append(SimpleUploadedFile(ORIGINAL_NAME, raw, "message/rfc822"))
    body = _with_dropped(body, delivery)
    if not body and not uploads:
        _note(ticket, "An empty reply", parsed, delivery)
        return
    was = ticket.state
    delivery.comment = comment_add(
        ticket=ticket, by=sender, body=body, is_public=True, channel=Channel.EMAIL,
        attachments=uploads,
    )  # fmt: skip
    reopened = was == State.RESOLVED and sender.pk == ticket.requester_id
    delivery.outcome = Outcome.REOPENED if reopened else Outcome.REPLY_ADDED
    delivery.ticket = ticket
    for user in _cc_users(mailbox, parsed, sender):
        # Added in their own name: watching is theirs to stop, and the mail named them.
        watcher_add(ticket=ticket, user=user, by=user, channel=Channel.EMAIL)


def _follow_up(
    mailbox: Mailbox, closed: Ticket, parsed: ParsedMessage, sender: User, delivery: Delivery
) -> None:
    """A reply to a ticket closed longer than the grace: a new ticket, related to the old one,
    which stays closed as it was."""
    ticket = _open(mailbox, parsed, sender, delivery)
    link_add(source=ticket, target=closed, kind=LinkKind.RELATED, by=None, channel=Channel.EMAIL)
    delivery.outcome, delivery.ticket = Outcome.FOLLOW_UP, ticket


def deliver(*, message: InboundMessage, parsed: ParsedMessage) -> Delivery:
    """Thread, match the sender, then open, answer or note; ``Unusable`` for quarantine."""
    mailbox = message.mailbox
    delivery = Delivery()
    automatic = automatic_kind(parsed)
    related, by_tag_only = _related_ticket(parsed)

    # Machines are never answered and never change a ticket: a note where it belongs.
    if automatic:
        if related is not None:
            _note(related, Automatic(automatic).label, parsed, delivery)
            return delivery
        if not mailbox.auto_replies_create_tickets:
            delivery.state = InboundState.DISCARDED
            delivery.reason = f"{Automatic(automatic).label} that names no ticket of the desk."
            return delivery

    raw = bytes(message.raw)
    sender = _sender(mailbox, parsed, raw, delivery)
    if sender is None:
        return delivery

    if related is None:
        delivery.ticket = _open(mailbox, parsed, sender, delivery)
        delivery.outcome = Outcome.TICKET_CREATED
    elif related.state in (State.CLOSED, State.CANCELLED):
        finished = related.closed_at or related.updated_at
        grace = closed_grace()
        if grace and clock.now() - finished < grace:
            _note(related, "A reply after the ticket was closed", parsed, delivery)
        else:
            _follow_up(mailbox, related, parsed, sender, delivery)
    elif _stranger(sender, related, by_tag_only):
        # For the agents to read and act on; the requester is not told, nothing is reopened.
        _note(related, "A reply from someone who is not on the ticket", parsed, delivery)
    else:
        _reply(mailbox, related, parsed, raw, sender, delivery)
    return delivery
