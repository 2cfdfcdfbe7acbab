"""Every write on tickets goes through these functions (UI, API, email, alerts, imports alike)."""

from servicedesk.tickets.services.conversation import attachment_add, comment_add
from servicedesk.tickets.services.intake import ticket_create
from servicedesk.tickets.services.lifecycle import (
    ticket_accept_resolution,
    ticket_reject_resolution,
    ticket_reopen,
    ticket_system_note,
    ticket_system_update,
    ticket_update,
)
from servicedesk.tickets.services.relations import (
    link_add,
    link_remove,
    watcher_add,
    watcher_remove,
)

__all__ = [
    "attachment_add",
    "comment_add",
    "link_add",
    "link_remove",
    "ticket_accept_resolution",
    "ticket_create",
    "ticket_reject_resolution",
    "ticket_reopen",
    "ticket_system_note",
    "ticket_system_update",
    "ticket_update",
    "watcher_add",
    "watcher_remove",
]
