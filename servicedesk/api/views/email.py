"""/api/v1/email/: mail delivered over HTTP, and the inbound messages for desk admins.

``inbound/`` takes a raw RFC 5322 message from an MTA or a mail provider's webhook,
authenticated by the shared secret SERVICEDESK_EMAIL_INBOUND_SECRET in the X-Inbound-Secret
header, not by a person's token; off (404) while the secret is empty. The answer is 202 once
the raw bytes are committed: processing follows in the worker.

``messages/`` lists what arrived (``?state=quarantined``) and re-processes a quarantined or
discarded message, for desk admins, as the admin site does.
"""

import hmac

from django.conf import settings
from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from servicedesk.api.errors import error_response
from servicedesk.api.serializers.email import InboundMessageOutput
from servicedesk.api.views.common import ReadOnlyViewSet
from servicedesk.api.views.tickets import ERROR
from servicedesk.channels.email.choices import InboundState, Transport
from servicedesk.channels.email.models import InboundMessage
from servicedesk.channels.email.selectors import inbound_messages
from servicedesk.channels.email.services import inbound_message_process, inbound_message_requeue
from servicedesk.channels.email.transports.common import mailbox_for, receive
from servicedesk.core.errors import TransitionNotAllowed, ValidationFailed

SECRET_HEADER = "X-Inbound-Secret"
# Bodies that are surely no raw message: a provider's webhook set to post its parsed form (or
# JSON) instead of the raw mail. Stored, they would become junk tickets or quarantine, and the
# sender would have been told 202.
NOT_MAIL = ("application/x-www-form-urlencoded", "multipart/form-data", "application/json")


class RawMessageParser(BaseParser):
    """Declares the types the endpoint takes; the view reads the body itself."""

    media_type = "message/rfc822"


class OctetStreamParser(BaseParser):
    media_type = "application/octet-stream"


class InboundMailView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    renderer_classes = [JSONRenderer]
    parser_classes = [RawMessageParser, OctetStreamParser]

    @extend_schema(
        operation_id="email_inbound",
        summary="Deliver one raw mail message",
        request={"message/rfc822": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(
                SECRET_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True
            ),
            OpenApiParameter(
                "mailbox",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Address of the mailbox; default: the one the headers address.",
            ),
        ],
        responses={
            202: inline_serializer(
                "InboundMailAccepted",
                {
                    "id": serializers.IntegerField(),
                    "mailbox": serializers.EmailField(),
                    "state": serializers.CharField(),
                },
            ),
            400: ERROR,
            401: ERROR,
            404: ERROR,
            413: ERROR,
            415: ERROR,
            503: ERROR,
        },  # fmt: skip
    )
    def post(self, request: Request) -> Response:
        secret = settings.SERVICEDESK_EMAIL_INBOUND_SECRET
        if not secret:
            return error_response(404, "not_found", "Inbound mail over HTTP is not enabled.")
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return error_response(
                401, "bad_secret", f"The {SECRET_HEADER} header is missing or wrong."
            )
        media_type = request.content_type.partition(";")[0].strip().lower()
        if media_type in NOT_MAIL:
            return error_response(
                415, "unsupported_media_type",
                f"A {media_type} body is not a mail message; post the raw message "
                "(Content-Type: message/rfc822).",
            )  # fmt: skip
        limit = settings.SERVICEDESK_EMAIL_MAX_BYTES
        # Read the stream, not request.body: that refuses anything over Django's form limit.
        raw = request._request.read(limit + 1)
        try:
            mailbox = mailbox_for(raw, request.query_params.get("mailbox", "")) if raw else None
            if mailbox is None:
                raise ValidationFailed("The message is empty.", code="empty_message")
            message = receive(mailbox=mailbox, raw=raw, transport=Transport.HTTP)
        except ValidationFailed as error:
            status = 413 if error.code == "message_too_large" else 400
            return error_response(status, error.code, error.message)
        except DatabaseError:
            return error_response(
                503, "unavailable", "The message cannot be stored now; try again later.",
                headers={"Retry-After": "60"},
            )  # fmt: skip
        return Response(
            {"id": message.pk, "mailbox": mailbox.address, "state": message.state}, status=202
        )


class IsDeskAdmin(BasePermission):
    message = "Only desk admins can see the inbound mail."

    def has_permission(self, request, view) -> bool:
        return bool(getattr(request.user, "is_desk_admin", False))


STATE = OpenApiParameter(
    "state", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=InboundState.values,
    description="Only messages in this state, e.g. quarantined.",
)  # fmt: skip


class InboundMessageViewSet(ReadOnlyViewSet):
    """What arrived by mail, newest first; quarantined messages with their reason."""

    queryset = InboundMessage.objects.none()
    serializer_class = InboundMessageOutput
    permission_classes = [IsAuthenticated, IsDeskAdmin]
    filter_backends: list = []
    keyset_ordering = ("-received_at", "-id")

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        if state and state not in InboundState.values:
            raise ValidationError({"state": [f"Use one of: {', '.join(InboundState.values)}."]})
        return inbound_messages(state=state)

    @extend_schema(
        parameters=[STATE], responses={200: InboundMessageOutput(many=True), 400: ERROR, 403: ERROR}
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(InboundMessageOutput(page, many=True).data)

    @extend_schema(responses={200: InboundMessageOutput, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(InboundMessageOutput(self.get_object()).data)

    @extend_schema(
        request=None,
        responses={200: InboundMessageOutput, 403: ERROR, 404: ERROR, 409: ERROR},
        description="Process a quarantined or discarded message again (409 for any other).",
    )
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str) -> Response:
        message = self.get_object()
        if not inbound_message_requeue(message_id=message.pk):
            raise TransitionNotAllowed(
                f"Message {message.pk} is {message.get_state_display().lower()}; only "
                "quarantined or discarded messages are processed again."
            )
        processed = inbound_message_process(message_id=message.pk)
        return Response(InboundMessageOutput(inbound_messages().get(pk=processed.pk)).data)
