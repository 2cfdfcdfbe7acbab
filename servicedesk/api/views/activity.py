"""Routes under /tickets/{number}/: comments, attachments, events, links, watchers, clocks."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.accounts.models import User
from servicedesk.api.idempotency import idempotent
from servicedesk.api.serializers.activity import (
    AttachmentInput,
    AttachmentOutput,
    ClockOutput,
    CommentInput,
    CommentOutput,
    EventOutput,
    LinkInput,
    LinkOutput,
    WatcherInput,
)
from servicedesk.api.serializers.common import Ref
from servicedesk.api.views.common import TICKET_NUMBER, TicketPartViewSet, require_agent
from servicedesk.api.views.tickets import ERROR, IDEMPOTENCY_KEY
from servicedesk.core import clock
from servicedesk.core.errors import NotFound
from servicedesk.sla.models import Clock
from servicedesk.sla.selectors import ticket_clocks
from servicedesk.tickets.choices import Channel
from servicedesk.tickets.models import Attachment, Comment, TicketEvent, TicketLink
from servicedesk.tickets.selectors import (
    ticket_attachments,
    ticket_comments,
    ticket_events,
    ticket_links,
)
from servicedesk.tickets.services import (
    attachment_add,
    comment_add,
    link_add,
    link_remove,
    watcher_add,
    watcher_remove,
)

OLDEST_FIRST = ("created_at", "id")


@extend_schema(parameters=[TICKET_NUMBER])
class CommentViewSet(TicketPartViewSet):
    """Public replies and internal notes; end users see and write public ones only."""

    queryset = Comment.objects.none()
    serializer_class = CommentOutput
    keyset_ordering = OLDEST_FIRST

    def list(self, request: Request, ticket_number: str) -> Response:
        comments = ticket_comments(ticket=self.ticket(), user=request.user)
        page = self.paginate_queryset(comments)
        return self.get_paginated_response(CommentOutput(page, many=True).data)

    @extend_schema(
        request=CommentInput,
        parameters=[IDEMPOTENCY_KEY],
        responses={201: CommentOutput, 400: ERROR, 404: ERROR, 422: ERROR},
    )
    def create(self, request: Request, ticket_number: str) -> Response:
        return idempotent(request, self._create)

    def _create(self) -> Response:
        ticket = self.ticket()
        form = CommentInput(data=self.request.data)
        form.is_valid(raise_exception=True)
        comment = comment_add(
            ticket=ticket, by=self.request.user, channel=Channel.API, **form.validated_data
        )
        return Response(CommentOutput(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TICKET_NUMBER])
class AttachmentViewSet(TicketPartViewSet):
    """Files on the ticket; each shows where to download it."""

    queryset = Attachment.objects.none()
    serializer_class = AttachmentOutput
    parser_classes = [MultiPartParser]
    keyset_ordering = OLDEST_FIRST

    def list(self, request: Request, ticket_number: str) -> Response:
        attachments = ticket_attachments(ticket=self.ticket(), user=request.user)
        page = self.paginate_queryset(attachments)
        return self.get_paginated_response(AttachmentOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": AttachmentInput},
        parameters=[IDEMPOTENCY_KEY],
        responses={201: AttachmentOutput, 400: ERROR, 404: ERROR, 413: ERROR, 422: ERROR},
    )
    def create(self, request: Request, ticket_number: str) -> Response:
        return idempotent(request, self._create)

    def _create(self) -> Response:
        ticket, user = self.ticket(), self.request.user
        form = AttachmentInput(data=self.request.data, context={"ticket": ticket, "user": user})
        form.is_valid(raise_exception=True)
        upload, comment = form.validated_data["file"], form.validated_data.get("comment")
        attachment = attachment_add(
            ticket=ticket, by=user, upload=upload, channel=Channel.API, comment=comment
        )
        return Response(AttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(parameters=[TICKET_NUMBER])
class EventViewSet(TicketPartViewSet):
    """The ticket's timeline, oldest first. Read-only: events are never edited."""

    queryset = TicketEvent.objects.none()
    serializer_class = EventOutput
    keyset_ordering = OLDEST_FIRST

    def list(self, request: Request, ticket_number: str) -> Response:
        page = self.paginate_queryset(ticket_events(ticket=self.ticket(), user=request.user))
        return self.get_paginated_response(EventOutput(page, many=True).data)


@extend_schema(parameters=[TICKET_NUMBER])
@extend_schema_view(destroy=extend_schema(responses={204: None, 403: ERROR, 404: ERROR}))
class LinkViewSet(TicketPartViewSet):
    """Links to other tickets in both directions, leaving out those the user may not see."""

    queryset = TicketLink.objects.none()
    serializer_class = LinkOutput
    pagination_class = None
    lookup_value_regex = "[0-9]{1,18}"

    def _links(self) -> list[dict]:
        return [
            {"id": link.pk, "kind": link.kind, "direction": direction, "ticket": other,
             "created_at": link.created_at, "link": link}
            for direction, link, other in ticket_links(ticket=self.ticket(), user=self.request.user)
        ]  # fmt: skip

    def list(self, request: Request, ticket_number: str) -> Response:
        return Response(LinkOutput(self._links(), many=True).data)

    @extend_schema(
        request=LinkInput, responses={201: LinkOutput, 400: ERROR, 403: ERROR, 404: ERROR}
    )
    def create(self, request: Request, ticket_number: str) -> Response:
        ticket = self.ticket()
        require_agent(request.user, "link tickets")
        form = LinkInput(data=request.data, context={"user": request.user})
        form.is_valid(raise_exception=True)
        link = link_add(
            source=ticket, target=form.validated_data["target"],
            kind=form.validated_data["kind"], by=request.user, channel=Channel.API,
        )  # fmt: skip
        shown = {"id": link.pk, "kind": link.kind, "direction": "out", "ticket": link.target,
                 "created_at": link.created_at}  # fmt: skip
        return Response(LinkOutput(shown).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, ticket_number: str, pk: str) -> Response:
        self.ticket()
        require_agent(request.user, "remove links")
        found = [row["link"] for row in self._links() if str(row["id"]) == pk]
        if not found:
            raise NotFound(f"No link {pk} on {self.ticket().number}.")
        link_remove(link=found[0], by=request.user, channel=Channel.API)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TICKET_NUMBER])
@extend_schema_view(
    destroy=extend_schema(
        parameters=[OpenApiParameter("user", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={204: None, 403: ERROR, 404: ERROR},
    )
)
class WatcherViewSet(TicketPartViewSet):
    """People who follow the ticket (and so may see it); agents add and remove them."""

    queryset = User.objects.none()
    serializer_class = Ref
    pagination_class = None
    lookup_field = "user"
    lookup_value_regex = "[0-9]{1,18}"

    def list(self, request: Request, ticket_number: str) -> Response:
        return Response(Ref(self.ticket().watchers.order_by("pk"), many=True).data)

    @extend_schema(request=WatcherInput, responses={201: Ref, 400: ERROR, 403: ERROR, 404: ERROR})
    def create(self, request: Request, ticket_number: str) -> Response:
        ticket = self.ticket()
        require_agent(request.user, "add watchers")
        form = WatcherInput(data=request.data)
        form.is_valid(raise_exception=True)
        watcher = form.validated_data["user"]
        watcher_add(ticket=ticket, user=watcher, by=request.user, channel=Channel.API)
        return Response(Ref(watcher).data, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, ticket_number: str, user: str) -> Response:
        ticket = self.ticket()
        require_agent(request.user, "remove watchers")
        watcher = ticket.watchers.filter(pk=int(user)).first()
        if watcher is None:
            raise NotFound(f"User {user} does not watch {ticket.number}.")
        watcher_remove(ticket=ticket, user=watcher, by=request.user, channel=Channel.API)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(parameters=[TICKET_NUMBER])
class ClockViewSet(TicketPartViewSet):
    """The ticket's SLA clocks as they stand now: first response, then resolution. Agents only:
    for anyone else they do not exist (404), as a ticket they may not see does not."""

    queryset = Clock.objects.none()
    serializer_class = ClockOutput
    pagination_class = None

    @extend_schema(responses={200: ClockOutput(many=True), 404: ERROR})
    def list(self, request: Request, ticket_number: str) -> Response:
        if not request.user.is_agent:
            # Decided before any look-up: the same answer whether or not the ticket exists.
            raise NotFound(f"No SLA clocks on {ticket_number} that you can see (agents only).")
        clocks = ticket_clocks(ticket=self.ticket(), now=clock.now())
        return Response(ClockOutput(clocks, many=True).data)
