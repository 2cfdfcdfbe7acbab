from servicedesk.tickets.models.activity import Attachment, Comment, TicketEvent
from servicedesk.tickets.models.taxonomy import (
    Category,
    ConfigurationItem,
    CustomField,
    NumberSequence,
    PriorityMatrixCell,
)
from servicedesk.tickets.models.ticket import IsOpen, Ticket, TicketLink, Watch

__all__ = [
    "Attachment",
    "Category",
    "Comment",
    "ConfigurationItem",
    "CustomField",
    "IsOpen",
    "NumberSequence",
    "PriorityMatrixCell",
    "Ticket",
    "TicketEvent",
    "TicketLink",
    "Watch",
]
