"""/api/v1/alerts/: monitoring tools post here, desk admins manage sources and read deliveries.

``<source>/`` takes one notification from the tool the source is, authenticated by the
source's own token (X-Alert-Token, a Bearer token, the Basic-auth password or ?token=), not
by a person's. The raw body is committed before it is read; the answer (202) says what became
of each alert in it. Amazon SNS's subscription handshake is answered on the same URL.
"""

from django.conf import settings
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

from servicedesk.api.serializers.alerts import (
    AlertDeliveryDetail,
    AlertDeliveryOutput,
    AlertSourceInput,
    AlertSourceOutput,
)
from servicedesk.api.views.common import ReadOnlyViewSet
from servicedesk.api.views.tickets import ERROR
from servicedesk.channels.alerts.choices import DeliveryState
from servicedesk.channels.alerts.models import AlertSource
from servicedesk.channels.alerts.receiver import (
    TOKEN_HEADER,
    Answer,
    authenticate,
    receive,
    too_large,
)
from servicedesk.channels.alerts.selectors import alert_deliveries, alert_sources
from servicedesk.channels.alerts.services import (
    alert_delivery_process,
    alert_delivery_requeue,
    alert_source_save,
)
from servicedesk.core.errors import TransitionNotAllowed


class AnyBodyParser(BaseParser):
    """Tools post JSON under many content types (or none); the view reads the bytes itself."""

    media_type = "*/*"


def _http(answer: Answer) -> Response:
    return Response(answer.body, status=answer.status, headers=answer.headers or None)


class AlertReceiveView(APIView):
    authentication_classes: list = []
    permission_classes: list = []
    renderer_classes = [JSONRenderer]
    parser_classes = [AnyBodyParser]

    @extend_schema(
        operation_id="alerts_receive",
        summary="Deliver one notification from a monitoring tool",
        request={"application/json": OpenApiTypes.OBJECT},
        parameters=[
            OpenApiParameter(TOKEN_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER),
            OpenApiParameter(
                "token",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="The source's token, for tools that cannot set headers.",
            ),
        ],  # fmt: skip
        responses={
            200: inline_serializer(
                "AlertSubscription",
                {"delivery": serializers.IntegerField(), "state": serializers.CharField()},
            ),
            202: inline_serializer(
                "AlertAccepted",
                {
                    "delivery": serializers.IntegerField(),
                    "state": serializers.CharField(),
                    "alerts": serializers.ListField(child=serializers.DictField()),
                },
            ),
            400: ERROR,
            401: ERROR,
            403: ERROR,
            404: ERROR,
            413: ERROR,
            503: ERROR,
        },  # fmt: skip
    )
    def post(self, request: Request, source: str) -> Response:
        found = authenticate(source, request.headers, request.query_params)
        if isinstance(found, Answer):
            return _http(found)
        limit = settings.SERVICEDESK_ALERTS_MAX_BYTES
        # Read the stream, not request.body: that refuses anything over Django's form limit.
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        raw = request._request.read(limit + 1)
        if declared > limit or len(raw) > limit:
            return _http(too_large(found, raw, max(declared, len(raw)), request.headers))
        return _http(receive(found, raw, request.headers))


class IsDeskAdmin(BasePermission):
    message = "Only desk admins manage alert sources and read their deliveries."

    def has_permission(self, request, view) -> bool:
        return bool(getattr(request.user, "is_desk_admin", False))


STATE = OpenApiParameter(
    "state", OpenApiTypes.STR, OpenApiParameter.QUERY, enum=DeliveryState.values,
    description="Only deliveries in this state, e.g. rejected.",
)  # fmt: skip


class AlertDeliveryViewSet(ReadOnlyViewSet):
    """What monitoring tools posted, newest first, with the raw body and any error."""

    serializer_class = AlertDeliveryOutput
    permission_classes = [IsAuthenticated, IsDeskAdmin]
    filter_backends: list = []
    keyset_ordering = ("-received_at", "-id")

    def get_queryset(self):
        state = self.request.query_params.get("state", "")
        if state and state not in DeliveryState.values:
            raise ValidationError({"state": [f"Use one of: {', '.join(DeliveryState.values)}."]})
        return alert_deliveries(state=state)

    @extend_schema(
        parameters=[STATE], responses={200: AlertDeliveryOutput(many=True), 400: ERROR, 403: ERROR}
    )
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(AlertDeliveryOutput(page, many=True).data)

    @extend_schema(responses={200: AlertDeliveryDetail, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        delivery = alert_deliveries().defer(None).get(pk=self.get_object().pk)
        return Response(AlertDeliveryDetail(delivery).data)

    @extend_schema(request=None, responses={200: AlertDeliveryDetail, 403: ERROR, 404: ERROR, 409: ERROR},
                   description="Process a failed delivery again (409 for any other).")  # fmt: skip
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, pk: str) -> Response:
        delivery = self.get_object()
        if not alert_delivery_requeue(delivery_id=delivery.pk):
            raise TransitionNotAllowed(
                f"Delivery {delivery.pk} is {delivery.get_state_display().lower()}; only failed "
                "deliveries are processed again."
            )
        alert_delivery_process(delivery_id=delivery.pk)
        return Response(
            AlertDeliveryDetail(alert_deliveries().defer(None).get(pk=delivery.pk)).data
        )


class AlertSourceViewSet(ReadOnlyViewSet):
    """Alert sources, for desk admins: list, read, create (the token is shown once), change,
    and ``rotate-token``."""

    serializer_class = AlertSourceOutput
    permission_classes = [IsAuthenticated, IsDeskAdmin]
    filter_backends: list = []
    keyset_ordering = ("name", "id")

    def get_queryset(self):
        return alert_sources()

    @extend_schema(responses={200: AlertSourceOutput(many=True), 403: ERROR})
    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(
            AlertSourceOutput(page, many=True, context={"request": request}).data
        )

    @extend_schema(responses={200: AlertSourceOutput, 403: ERROR, 404: ERROR})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(AlertSourceOutput(self.get_object(), context={"request": request}).data)

    @extend_schema(
        request=AlertSourceInput, responses={201: AlertSourceOutput, 400: ERROR, 403: ERROR}
    )
    def create(self, request: Request) -> Response:
        data = AlertSourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        source, token = alert_source_save(
            source=AlertSource(), values=data.validated_data, new_token=True
        )
        return Response(
            AlertSourceOutput(source, context={"token": token, "request": request}).data, status=201
        )

    @extend_schema(
        request=AlertSourceInput,
        responses={200: AlertSourceOutput, 400: ERROR, 403: ERROR, 404: ERROR},
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        source = self.get_object()
        data = AlertSourceInput(source, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        source, _ = alert_source_save(source=source, values=data.validated_data)
        return Response(AlertSourceOutput(source, context={"request": request}).data)

    @extend_schema(request=None, responses={200: AlertSourceOutput, 403: ERROR, 404: ERROR})
    @action(detail=True, methods=["post"], url_path="rotate-token")
    def rotate_token(self, request: Request, pk: str) -> Response:
        source, token = alert_source_save(source=self.get_object(), values={}, new_token=True)
        return Response(
            AlertSourceOutput(source, context={"token": token, "request": request}).data
        )
