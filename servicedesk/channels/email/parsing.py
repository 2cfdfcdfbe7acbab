"""One message, from its raw bytes to what the desk needs of it. Pure: no database, no Django.

``parse_message(raw)`` never raises on bad mail: whatever cannot be decoded is decoded as well
as it can be, so that every message reaches a ticket or a quarantine with a reason.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage


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

    @property
    def has_html(self) -> bool:
        return bool(self.body_html)


def _addresses(message: EmailMessage, name: str) -> tuple[str, ...]:
    values = [str(value) for value in message.get_all(name, [])]
    return tuple(address.lower() for _, address in email.utils.getaddresses(values) if address)


def _ids(value: str | None) -> tuple[str, ...]:
    if not value:
        return ()
    return tuple(part.strip("<>") for part in str(value).split() if part.strip("<>"))


def parse_message(raw: bytes) -> ParsedMessage:
    """A first version: the email helper's parser replaces its insides, not its signature."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    name, address = email.utils.parseaddr(str(message.get("From", "")))
    body = message.get_body(preferencelist=("plain", "html"))
    text = body.get_content() if body is not None else ""
    attachments = tuple(
        ParsedAttachment(
            filename=part.get_filename() or "attachment",
            content_type=part.get_content_type(),
            content=part.get_payload(decode=True) or b"",
        )
        for part in message.iter_attachments()
    )
    try:
        date = email.utils.parsedate_to_datetime(str(message["Date"])) if message["Date"] else None
    except (TypeError, ValueError):
        date = None
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(message.get("Precedence", "")).strip().lower()
    return_path = message.get("Return-Path")
    return ParsedMessage(
        from_address=address.lower(),
        from_name=name,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        subject=str(message.get("Subject", "")),
        date=date,
        message_id=(_ids(message.get("Message-ID")) or ("",))[0],
        in_reply_to=_ids(message.get("In-Reply-To")),
        references=_ids(message.get("References")),
        body_text=text,
        reply_text=text,
        body_html="",
        attachments=attachments,
        inline_images=(),
        is_auto_reply=auto != "no" or precedence in {"bulk", "junk"} or "X-Autoreply" in message,
        is_bounce=message.get_content_type() == "multipart/report",
        is_list="List-Id" in message or precedence == "list",
        return_path=None if return_path is None else str(return_path).strip().strip("<>"),
        headers={key: str(value) for key, value in message.items()},
    )
