"""What the API's views share: the ticket a nested route hangs off, versions and ETags."""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import viewsets
from rest_framework.renderers import JSONRenderer

from servicedesk.accounts.models import User
from servicedesk.api.parsers import JSONParser
from servicedesk.core.errors import PermissionDenied, ValidationFailed
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import ticket_get

NUMBER_PATTERN = "[A-Za-z]{3}[0-9]{1,17}"
TICKET_NUMBER = OpenApiParameter(
    "ticket_number", OpenApiTypes.STR, OpenApiParameter.PATH, description="e.g. INC0000001"
)
_IF_MATCH = re.compile(r'^(?:W/)?(?:"([0-9]{1,18})"|([0-9]{1,18}))$')


def etag(ticket: Ticket) -> str:
    return f'"{ticket.version}"'


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version a change was made against: If-Match (an ETag we sent) or ``version``."""
    header_version = None
    if if_match is not None and if_match.strip() != "*":
        found = _IF_MATCH.match(if_match.strip())
        if found is None:
            raise ValidationFailed(
                'If-Match must be the ETag of the ticket, such as "3".',
                fields={"If-Match": ["Not a ticket version."]},
            )
        header_version = int(found.group(1) or found.group(2))
    if header_version is not None and body_version is not None and header_version != body_version:
        raise ValidationFailed(
            "If-Match and version name different versions; send one of them.",
            fields={"version": ["Differs from If-Match."]},
        )
    return header_version if header_version is not None else body_version


def require_agent(user: User, action: str) -> None:
    if not user.is_agent:
        raise PermissionDenied(f"Only agents can {action}.")


class ApiViewSet(viewsets.GenericViewSet):
    """JSON in, JSON out.

    No browsable API: its filter forms would list every user and organisation to whoever
    opens the page, end users included. Swagger UI at /api/schema/swagger/ documents the API.
    """

    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]


class TicketPartViewSet(ApiViewSet):
    """A route under /tickets/{number}/: the ticket must be one the user may see, else 404."""

    def ticket(self) -> Ticket:
        if not hasattr(self, "_ticket"):
            self._ticket = ticket_get(user=self.request.user, number=self.kwargs["ticket_number"])
        return self._ticket


class ReadOnlyViewSet(ApiViewSet):
    """A directory list and its records, looked up by numeric id."""

    lookup_value_regex = "[0-9]{1,18}"
