"""``parse_message``: raw bytes in, a ParsedMessage out, never an exception."""

from __future__ import annotations

import email
import email.policy
import html as html_escape
from email.message import Message

from servicedesk.channels.email import autoreply, html, reply
from servicedesk.channels.email.parsing import charsets, headers, parts, raw
from servicedesk.channels.email.parsing.message import (
    DeliveryStatus,
    ParsedAttachment,
    ParsedMessage,
)

MAX_FORWARD_DEPTH = 3  # a forward of a forward of a forward is parsed; deeper stays a file


def parse_message(raw_bytes: bytes) -> ParsedMessage:
    """The message in ``raw_bytes``, decoded as well as it can be. Never raises on bad mail."""
    if isinstance(raw_bytes, str):  # a caller that read the file as text: take it back
        raw_bytes = raw_bytes.encode("utf-8", "surrogateescape")
    raw_bytes = bytes(raw_bytes)
    try:
        repaired, defects = raw.repair(raw_bytes)
        # compat32: the MIME structure only. Every header is decoded from its raw value here
        # (headers.py); the modern policy's header objects would cost two thirds of the parse.
        message = email.message_from_bytes(repaired, policy=email.policy.compat32)
        linesep = "\r\n" if b"\r\n" in repaired[:4096] else "\n"
        return _parsed(message, defects=defects, depth=0, linesep=linesep)
    except Exception as error:  # the last resort: an unreadable mail still reaches a person
        return _unreadable(raw_bytes, error)


def _raw_headers(message: Message) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Raw values by lower-cased name, and the first name as written of each."""
    values: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for name, value in message.raw_items():
        key = name.strip().lower()
        values.setdefault(key, []).append(str(value))
        names.setdefault(key, name.strip())
    return values, names


def _declared_charsets(message: Message, raw_values: dict[str, list[str]]) -> tuple[str, ...]:
    labels: list[str] = []
    for part in message.walk():
        label = parts.param(part, "charset")
        if label:
            labels.append(label)
    for values in raw_values.values():
        for value in values:
            labels.extend(match.group(1) for match in headers.ENCODED_WORD.finditer(value))
    return tuple(charsets.candidates(labels))


def _parsed(
    message: Message, *, defects: list[str], depth: int, linesep: str = "\n"
) -> ParsedMessage:
    raw_values, names = _raw_headers(message)
    hints = _declared_charsets(message, raw_values)

    def first(name: str) -> str | None:
        found = raw_values.get(name)
        return found[0] if found else None

    decoded = {
        key: headers.decode_words(found[0], hints=hints) for key, found in raw_values.items()
    }
    decoded_values = {key: [value] for key, value in decoded.items()}
    from_name, from_address = "", ""
    for name in ("from", "sender"):
        pairs = headers.addresses(raw_values.get(name, []), hints=hints)
        if pairs:
            from_name, from_address = pairs[0]
            break
    subject = decoded.get("subject", "")
    return_path_raw = first("return-path")
    return_path = None
    if return_path_raw is not None:
        return_path = headers.FOLD.sub("", return_path_raw).strip().strip("<>").strip()

    walked = parts.Walker(hints=hints, linesep=linesep).walk(message)
    if not walked.has_content() and walked.fallback:
        walked.text, walked.html = list(walked.fallback), list(walked.fallback)
    body_text = _text(walked.text)
    html_parts = [content for kind, content in walked.html if kind == "html"]
    body_html = _html(walked.html) if html_parts else ""
    cids = parts.referenced_cids(html_parts)
    attachments = list(walked.files)
    inline: list[ParsedAttachment] = []
    for attachment in walked.with_cid:
        (inline if attachment.content_id in cids else attachments).append(attachment)

    forwarded: tuple[ParsedMessage, ...] = ()
    if depth < MAX_FORWARD_DEPTH:
        forwarded = tuple(
            _parsed(inner, defects=[], depth=depth + 1, linesep=linesep)
            for inner in walked.forwarded
        )
    status = _delivery_status(walked, forwarded, hints=hints)
    is_bounce = autoreply.is_bounce(
        raw_values,
        content_type=message.get_content_type(),
        report_type=parts.param(message, "report-type"),
        has_delivery_status=status is not None,
        from_address=from_address,
        from_name=from_name,
        return_path=return_path,
        subject=subject,
    )
    python_defects = sorted(
        {type(defect).__name__ for part in message.walk() for defect in part.defects}
    )
    return ParsedMessage(
        from_address=from_address.lower(),
        from_name=from_name,
        to=_address_list(raw_values, "to", hints),
        cc=_address_list(raw_values, "cc", hints),
        subject=subject,
        date=headers.parse_date(first("date")),
        message_id=(headers.message_ids(first("message-id")) or ("",))[0],
        in_reply_to=headers.message_ids(first("in-reply-to")),
        references=headers.message_ids(first("references")),
        body_text=body_text,
        reply_text=reply.reply_text(body_text),
        body_html=body_html,
        attachments=tuple(attachments),
        inline_images=tuple(inline),
        is_auto_reply=autoreply.is_auto_reply(
            decoded_values, subject, content_type=message.get_content_type()
        ),
        is_bounce=is_bounce,
        is_list=autoreply.is_list(decoded_values),
        return_path=return_path,
        headers={names[key]: value for key, value in decoded.items()},
        reply_to=_address_list(raw_values, "reply-to", hints),
        delivery_status=status,
        forwarded=forwarded,
        defects=tuple(dict.fromkeys([*defects, *walked.defects, *python_defects])),
    )


def _address_list(
    raw_values: dict[str, list[str]], name: str, hints: tuple[str, ...]
) -> tuple[str, ...]:
    found = headers.addresses(raw_values.get(name, []), hints=hints)
    return tuple(dict.fromkeys(address.lower() for _, address in found))


def _text(segments: list[tuple[str, str]]) -> str:
    rendered = []
    for kind, content in segments:
        text = html.to_text(content) if kind == "html" else content
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
        if text.strip():
            rendered.append(text)
    return "\n\n".join(rendered)


def _html(segments: list[tuple[str, str]]) -> str:
    pieces = [
        content if kind == "html" else f"<pre>{html_escape.escape(content)}</pre>"
        for kind, content in segments
        if content.strip()
    ]
    return html.sanitise("\n".join(pieces))


def _delivery_status(
    walked: parts.Walked, forwarded: tuple[ParsedMessage, ...], *, hints: tuple[str, ...]
) -> DeliveryStatus | None:
    if not walked.delivery_status:
        return None
    fields: dict[str, str] = {}
    for block in walked.delivery_status:
        block_fields = {
            name.lower(): headers.decode_words(str(value), hints=hints).strip()
            for name, value in block.raw_items()
        }
        if "final-recipient" in block_fields or "action" in block_fields:
            fields = block_fields
            break
    original_id, original_subject = "", ""
    if forwarded:
        original_id, original_subject = forwarded[0].message_id, forwarded[0].subject
    elif walked.returned_headers:
        returned = walked.returned_headers[0]
        original_id = (headers.message_ids(returned.get("Message-ID")) or ("",))[0]
        original_subject = headers.decode_words(str(returned.get("Subject", "")), hints=hints)
    return DeliveryStatus(
        action=fields.get("action", "").lower(),
        status=fields.get("status", ""),
        final_recipient=_typed_address(fields.get("final-recipient", "")),
        original_recipient=_typed_address(fields.get("original-recipient", "")),
        diagnostic_code=fields.get("diagnostic-code", ""),
        original_message_id=original_id,
        original_subject=original_subject,
    )


def _typed_address(value: str) -> str:
    """``rfc822; someone@example.org`` is someone@example.org."""
    _type, semicolon, address = value.partition(";")
    return (address if semicolon else value).strip().strip("<>").strip()


def _unreadable(raw_bytes: bytes, error: Exception) -> ParsedMessage:
    text, _how = charsets.decode(raw_bytes, None)
    return ParsedMessage(
        from_address="",
        from_name="",
        to=(),
        cc=(),
        subject="",
        date=None,
        message_id="",
        in_reply_to=(),
        references=(),
        body_text=text,
        reply_text=text,
        body_html="",
        attachments=(),
        inline_images=(),
        is_auto_reply=False,
        is_bounce=False,
        is_list=False,
        return_path=None,
        defects=(f"unreadable: {type(error).__name__}: {error}",),
    )
