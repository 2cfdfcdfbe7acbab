"""One message, from its raw bytes to what the desk needs of it. Pure: no database, no Django.

``parse_message(raw)`` never raises on bad mail: whatever cannot be decoded is decoded as well
as it can be, so that every message reaches a ticket or a quarantine with a reason.
"""

from servicedesk.channels.email.parsing.message import (
    DeliveryStatus,
    ParsedAttachment,
    ParsedMessage,
)
from servicedesk.channels.email.parsing.parse import parse_message

__all__ = ["DeliveryStatus", "ParsedAttachment", "ParsedMessage", "parse_message"]
