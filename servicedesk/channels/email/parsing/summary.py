"""The parse as plain JSON data: what ``servicedesk email-parse`` prints (issue 6, item 8)."""

from __future__ import annotations

from servicedesk.channels.email.parsing.message import ParsedMessage


def parse_summary(parsed: ParsedMessage) -> dict[str, object]:
    """The fields admins and scripts read, in a fixed order. Inline images and the HTML
    alternative are not among ``attachments``."""
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
    }
