from servicedesk.tickets.models.activity import Attachment, Comment, TicketEvent
from servicedesk.tickets.models.taxonomy import (
    Category,
    ConfigurationItem,
    NumberSequence,
    PriorityMatrixCell,
)
from servicedesk.tickets.models.ticket import Ticket, TicketLink, Watch

__all__ = [
    "Attachment",
    "Category",
    "Comment",
    "ConfigurationItem",
    "NumberSequence",
    "PriorityMatrixCell",
    "Ticket",
    "TicketEvent",
    "TicketLink",
    "Watch",
]
