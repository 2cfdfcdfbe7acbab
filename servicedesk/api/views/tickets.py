"""/api/v1/tickets/: list, raise, read, change, and the requester's verdict on a resolution."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.api.idempotency import idempotent
from servicedesk.api.serializers.tickets import (
    AcceptInput,
    CountsOutput,
    EndUserTicketCreateInput,
    ReasonInput,
    TicketCreateInput,
    TicketOutput,
    TicketUpdateInput,
    ticket_output,
)
from servicedesk.api.views.common import NUMBER_PATTERN, ApiViewSet, etag, expected_version
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.filters import TicketFilter
from servicedesk.tickets.models import Ticket
from servicedesk.tickets.selectors import (
    COUNT_COLUMNS,
    ticket_counts,
    ticket_get,
    ticket_list,
    visible_tickets,
)
from servicedesk.tickets.services import (
    ticket_accept_resolution,
    ticket_create,
    ticket_reject_resolution,
    ticket_reopen,
    ticket_update,
)

# What the output shows beyond the list selector's joins, fetched for the whole page in one query
# each: ten joins in one query cost PostgreSQL 20-40 ms of planning per page (five, 2-5 ms).
DETAIL_RELATED = (
    "reported_by", "organisation", "affected_service", "configuration_item", "resolved_by",
)  # fmt: skip
# Every ordering ends in the primary key so that the keyset is unique.
ORDERINGS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "updated": ("updated_at", "id"),
    "priority": ("priority", "id"),
    "-priority": ("-priority", "-id"),
}
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description='The ETag you read, such as "3"; a stale one is refused with 409.',
)  # fmt: skip
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="Retrying with the same key and body replays the first answer.",
)  # fmt: skip
ERROR = OpenApiResponse(description='{"error": {"code", "message", "fields"}}')


def _answer(ticket: Ticket, code: int = status.HTTP_200_OK, **headers) -> Response:
    return Response(ticket_output(ticket), status=code, headers={"ETag": etag(ticket), **headers})


class TicketViewSet(ApiViewSet):
    queryset = Ticket.objects.none()
    serializer_class = TicketOutput
    filterset_class = TicketFilter
    lookup_field = "number"
    lookup_value_regex = NUMBER_PATTERN

    def get_queryset(self):
        return ticket_list(self.request.user).prefetch_related(*DETAIL_RELATED)

    def get_keyset_ordering(self, request: Request) -> tuple[str, ...]:
        ordering = request.query_params.get("ordering", "-created")
        if ordering not in ORDERINGS:
            raise ValidationError({"ordering": [f"Use one of: {', '.join(ORDERINGS)}."]})
        return ORDERINGS[ordering]

    @extend_schema(
        parameters=[OpenApiParameter("ordering", OpenApiTypes.STR, enum=[*ORDERINGS])],
        responses={200: TicketOutput(many=True), 400: ERROR},
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(TicketOutput(page, many=True).data)

    @extend_schema(
        request=TicketCreateInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: TicketOutput, 400: ERROR, 422: ERROR},
        description="Raise a ticket. End users may send title, description, kind (incident "
        "or request), impact, urgency and category, and are always the requester.",
    )
    def create(self, request: Request) -> Response:
        return idempotent(request, lambda: self._create(request))

    def _create(self, request: Request) -> Response:
        user = request.user
        form_class = TicketCreateInput if user.is_agent else EndUserTicketCreateInput
        form = form_class(data=request.data)
        form.is_valid(raise_exception=True)
        values = dict(form.validated_data)
        ticket = ticket_create(
            by=user,
            requester=values.pop("requester", None) or user,
            channel=values.pop("channel", Channel.API),
            **values,
        )
        return _answer(ticket, status.HTTP_201_CREATED, Location=f"{request.path}{ticket.number}/")

    @extend_schema(responses={200: TicketOutput, 404: ERROR})
    def retrieve(self, request: Request, number: str) -> Response:
        return _answer(ticket_get(user=request.user, number=number))

    @extend_schema(
        request=TicketUpdateInput,
        parameters=[IF_MATCH],
        responses={200: TicketOutput, 400: ERROR, 403: ERROR, 404: ERROR, 409: ERROR},
        description="Change the fields sent (agents only). State moves follow the transition "
        "table; with If-Match or version, a change against a stale read is refused with 409.",
    )
    def partial_update(self, request: Request, number: str) -> Response:
        ticket = ticket_get(user=request.user, number=number)
        form = TicketUpdateInput(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        version = expected_version(request.headers.get("If-Match"), changes.pop("version", None))
        ticket = ticket_update(
            ticket=ticket, by=request.user, changes=changes, expected_version=version,
            channel=Channel.API,
        )  # fmt: skip
        return _answer(ticket)

    @extend_schema(request=AcceptInput, responses={200: TicketOutput, 403: ERROR, 409: ERROR})
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, number: str) -> Response:
        """The requester confirms the resolution; the ticket closes."""
        ticket = ticket_get(user=request.user, number=number)
        form = AcceptInput(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = ticket_accept_resolution(
            ticket=ticket, by=request.user, channel=Channel.API, **form.validated_data
        )
        return _answer(ticket)

    @extend_schema(request=ReasonInput, responses={200: TicketOutput, 403: ERROR, 409: ERROR})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, number: str) -> Response:
        """The requester says the resolution did not fix it; the ticket goes back to work."""
        ticket = ticket_get(user=request.user, number=number)
        form = ReasonInput(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = ticket_reject_resolution(
            ticket=ticket, by=request.user, channel=Channel.API, **form.validated_data
        )
        return _answer(ticket)

    @extend_schema(request=ReasonInput, responses={200: TicketOutput, 409: ERROR})
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, number: str) -> Response:
        """Bring a resolved ticket back to work, with the reason on the timeline."""
        ticket = ticket_get(user=request.user, number=number)
        form = ReasonInput(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = ticket_reopen(
            ticket=ticket, by=request.user, channel=Channel.API, **form.validated_data
        )
        return _answer(ticket)

    @extend_schema(
        parameters=[OpenApiParameter("by", OpenApiTypes.STR, enum=[*COUNT_COLUMNS], required=True)],
        responses={200: CountsOutput, 400: ERROR},
        filters=True,
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def counts(self, request: Request) -> Response:
        """How many visible tickets (after the list's filters) have each value of ``by``."""
        by = request.query_params.get("by", "")
        if by not in COUNT_COLUMNS:
            raise ValidationError({"by": [f"Use one of: {', '.join(COUNT_COLUMNS)}."]})
        counts = ticket_counts(self.filter_queryset(visible_tickets(request.user)), by=by)
        return Response({"by": by, "counts": counts, "total": sum(counts.values())})
