"""Turning a notification template and plain values into a subject and a body.

Templates are written by admins, so they run in an engine of their own: no template loaders
(no ``{% include %}`` or ``{% extends %}`` of files), no tag libraries to ``{% load %}``, no
HTML escaping (the mail is plain text), no loops or other tags whose cost grows without bound
(``template_language``), and a context of strings and dicts only, so a template can print what
it is given and nothing else.
"""

import logging
import re
from typing import Any

from django.template import Context, Engine

from servicedesk.notifications.defaults import DEFAULT_TEMPLATES
from servicedesk.notifications.models import NotificationTemplate

logger = logging.getLogger(__name__)


class _MailEngine(Engine):
    # Not Django's built-in tags and filters: only those of template_language.
    default_builtins: list[str] = []


ENGINE = _MailEngine(
    autoescape=False,
    libraries={},
    loaders=[],
    builtins=["servicedesk.notifications.template_language"],
)

# What a template may use; the admin's preview renders these sample values.
SAMPLE_CONTEXT: dict[str, Any] = {
    "recipient": {"name": "Ann Example", "email": "ann@example.org"},
    "requester": {"name": "Ann Example"},
    "ticket": {
        "number": "INC0001234",
        "title": "Printer on floor 2 prints blank pages",
        "kind": "Incident",
        "state": "Resolved",
        "priority": "3 - Moderate",
        "resolution": "Solved (permanently)",
        "resolution_notes": "The toner cartridge was empty; replaced it.",
        "url": "https://desk.example.org/portal/tickets/INC0001234/",
        "status_url": "https://desk.example.org/portal/status/abc123/",
    },
    "reply": {"author": "Lee Agent", "body": "Could you send us a photo of a printed page?"},
    "accept_url": "https://desk.example.org/portal/resolution/abc/accept/",
    "reject_url": "https://desk.example.org/portal/resolution/abc/reject/",
    "links_valid_days": 14,
    "desk": {"name": "Service desk", "url": "https://desk.example.org/portal/"},
}


def render_strings(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    """Render one subject and body; raises whatever the template raises."""
    # Plain text: no HTML escaping (the engine's setting alone does not reach a Context).
    rendered_subject = ENGINE.from_string(subject).render(Context(context, autoescape=False))
    rendered_body = ENGINE.from_string(body).render(Context(context, autoescape=False))
    return " ".join(rendered_subject.split()), rendered_body


def with_tag(subject: str, number: str) -> str:
    """The subject with the ticket tag ``[INC0001234]`` that replies are threaded by."""
    if re.search(rf"\[{re.escape(number)}\]", subject):
        return subject
    return f"[{number}] {subject}".strip()


def render_notification(
    *, kind: str, template: NotificationTemplate | None, context: dict[str, Any]
) -> tuple[str, str]:
    """Subject and body of a mail: the admins' template, or the default when theirs fails."""
    number = context["ticket"]["number"]
    if template is not None:
        try:
            subject, body = render_strings(template.subject, template.body, context)
        except Exception:  # a template admins wrote must never stop a mail: log, use the default
            logger.exception("The %s notification template failed; sent the default", kind)
        else:
            return with_tag(subject, number), body
    subject, body = render_strings(*DEFAULT_TEMPLATES[kind], context)
    return with_tag(subject, number), body
