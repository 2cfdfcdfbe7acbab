"""The parse as plain JSON data: what ``servicedesk email-parse`` prints (issue 6, item 8)."""

from __future__ import annotations

import dataclasses

from servicedesk.channels.email.parsing.message import ParsedMessage


def parse_summary(parsed: ParsedMessage) -> dict[str, object]:
    """The fields admins and scripts read, in a fixed order: the issue's list, then what the
    admin guide explains beside it (list mail, the Return-Path, the delivery report of a bounce,
    what was repaired or guessed). Inline images and the HTML alternative are not among
    ``attachments``."""
    return {
        "from_address": parsed.from_address,
        "to": list(parsed.to),
        "cc": list(parsed.cc),
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else None,
        "message_id": parsed.message_id,
        "in_reply_to": list(parsed.in_reply_to),
        "references": list(parsed.references),
        "body_text": parsed.body_text,
        "reply_text": parsed.reply_text,
        "has_html": parsed.has_html,
        "attachments": [
            {"filename": a.filename, "content_type": a.content_type, "size": a.size}
            for a in parsed.attachments
        ],
        "is_auto_reply": parsed.is_auto_reply,
        "is_bounce": parsed.is_bounce,
        "is_list": parsed.is_list,
        "return_path": parsed.return_path,
        "delivery_status": (
            dataclasses.asdict(parsed.delivery_status) if parsed.delivery_status else None
        ),
        "defects": list(parsed.defects),
    }
