"""Small helpers shared by the API tests."""

from servicedesk.tickets.models import Ticket

TICKETS = "/api/v1/tickets/"


def url(ticket: Ticket | str, part: str = "") -> str:
    number = ticket if isinstance(ticket, str) else ticket.number
    return f"{TICKETS}{number}/{part + '/' if part else ''}"


def error(response) -> dict:
    """The error body, checked to have the one error format."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    assert body["error"]["message"], body
    return body["error"]
