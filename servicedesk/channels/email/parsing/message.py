"""What a parsed message is: the contract that ingest, threading and notifications build on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    # Set for parts referenced from the HTML by cid: (inline images); "" otherwise.
    content_id: str = ""

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass(frozen=True)
class DeliveryStatus:
    """The machine-readable part of a delivery-status notification (RFC 3464), first recipient.

    Message ids are without angle brackets, as everywhere in ``ParsedMessage``.
    """

    action: str = ""  # failed, delayed, delivered, relayed, expanded (lower-cased)
    status: str = ""  # as written, e.g. "5.1.1" or "5.0.0 (permanent failure)"
    final_recipient: str = ""  # the address, without the "rfc822;" type
    original_recipient: str = ""
    diagnostic_code: str = ""
    original_message_id: str = ""  # of the returned message, when the report carries it
    original_subject: str = ""

    @property
    def is_permanent(self) -> bool:
        return self.action == "failed" or self.status.startswith("5")


@dataclass(frozen=True)
class ParsedMessage:
    from_address: str  # the addr-spec, lower-cased; "" when there is none
    from_name: str
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    date: datetime | None
    message_id: str  # without the angle brackets; "" when the message has none
    in_reply_to: tuple[str, ...]  # message ids, without angle brackets
    references: tuple[str, ...]
    body_text: str  # the whole text body (a readable rendering of HTML-only mail)
    reply_text: str  # what the sender wrote: without the quoted history and the signature
    body_html: str  # sanitised HTML for display; "" when the message has none
    attachments: tuple[ParsedAttachment, ...]  # downloadable files
    inline_images: tuple[ParsedAttachment, ...]  # shown in place through cid:
    is_auto_reply: bool  # Auto-Submitted other than no, X-Autoreply, Precedence, out-of-office
    is_bounce: bool  # a delivery-status notification
    is_list: bool  # mailing-list traffic (List-Id, Precedence: list)
    return_path: str | None  # None when absent; "" for the null sender <>
    headers: dict[str, str] = field(default_factory=dict)  # the first value of every header
    reply_to: tuple[str, ...] = ()
    # Set when the message is a delivery-status notification with a message/delivery-status part.
    delivery_status: DeliveryStatus | None = None
    # Messages carried inside (message/rfc822: forwards as attachments, a bounce's original),
    # parsed the same way; each is also among ``attachments`` as a .eml file.
    forwarded: tuple[ParsedMessage, ...] = ()
    # What was wrong with the mail and repaired or guessed around, for the admins' eyes
    # (e.g. "charset guessed for text/plain: declared us-ascii, read as windows-1252").
    defects: tuple[str, ...] = ()

    @property
    def has_html(self) -> bool:
        return bool(self.body_html)
