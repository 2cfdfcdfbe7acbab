from servicedesk.accounts.models import User
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.services import ticket_create


def make_ticket(
    *, requester: User, by: User | None = None, title: str = "Printer on floor 3 jams", **fields
) -> Ticket:
    """A ticket raised through the real intake service, as every channel does."""
    fields.setdefault("channel", Channel.PORTAL)
    return ticket_create(by=by or requester, requester=requester, title=title, **fields)
