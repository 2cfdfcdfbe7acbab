"""The templates the desk ships: used where admins have none, or theirs fails to render.

Both the data migration that seeds the editable rows and the fallback at send time read this
table, so a desk always has a working mail for every kind.
"""

from servicedesk.notifications.choices import NotificationKind

# The signature delimiter is dash, dash, space (RFC 3676): mail clients grey out what follows.
SIGNATURE = "-- " + "\n{{ desk.name }}\n"

DEFAULT_TEMPLATES: dict[str, tuple[str, str]] = {
    NotificationKind.RECEIVED: (
        "[{{ ticket.number }}] We have your request: {{ ticket.title }}",
        """Hello {{ recipient.name }},

thank you for contacting the service desk. We have recorded your {{ ticket.kind|lower }} as
{{ ticket.number }} ("{{ ticket.title }}") and will be in touch.

Priority: {{ ticket.priority }}
Follow it here: {{ ticket.status_url }}

To add anything, reply to this mail and keep {{ ticket.number }} in the subject.

"""
        + SIGNATURE,
    ),
    NotificationKind.REPLY: (
        "[{{ ticket.number }}] {{ ticket.title }}",
        """Hello {{ recipient.name }},

{{ reply.author }} wrote on {{ ticket.number }}:

{{ reply.body }}

Reply to this mail to answer, or follow the ticket here: {{ ticket.url }}

"""
        + SIGNATURE,
    ),
    NotificationKind.RESOLVED: (
        "[{{ ticket.number }}] Resolved: {{ ticket.title }}",
        """Hello {{ recipient.name }},

we have resolved {{ ticket.number }} ("{{ ticket.title }}").

Resolution: {{ ticket.resolution }}
{% if ticket.resolution_notes %}
{{ ticket.resolution_notes }}
{% endif %}
Is it solved for you?

  Yes, close it:     {{ accept_url }}
  No, still broken:  {{ reject_url }}

These links work without signing in for {{ links_valid_days }} days. If we do not hear from
you, the ticket closes on its own after a while.

"""
        + SIGNATURE,
    ),
    NotificationKind.CLOSED: (
        "[{{ ticket.number }}] Closed: {{ ticket.title }}",
        """Hello {{ recipient.name }},

{{ ticket.number }} ("{{ ticket.title }}") is now closed.

If the problem comes back, raise a new ticket and mention {{ ticket.number }}: {{ desk.url }}

"""
        + SIGNATURE,
    ),
}
