"""/api/v1/chat/: the chatbot's conversations, for the portal's script and for chat bots.

A person's token (or session) talks as that person. A Teams or Slack bot talks on behalf of
its users: its service account is named in SERVICEDESK_CHAT_RELAY_USERS, and each call names
the user in the X-Chat-User header (their username or e-mail address, as the bot framework
knows them). Conversations are the user's own: anyone else's id is a 404, like a missing one.
"""

from django.conf import settings
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from servicedesk.accounts.models import User
from servicedesk.api.idempotency import idempotent
from servicedesk.api.serializers.chat import (
    ChatMessageInput,
    ChatMessageOutput,
    ChatUploadInput,
    ConversationInput,
    ConversationOutput,
    ConversationSummary,
)
from servicedesk.api.views.common import ApiViewSet
from servicedesk.api.views.tickets import ERROR, IDEMPOTENCY_KEY
from servicedesk.channels.chat.choices import Source
from servicedesk.channels.chat.models import Conversation
from servicedesk.channels.chat.selectors import conversation_get, conversations_of
from servicedesk.channels.chat.services import conversation_start, message_post, upload_add
from servicedesk.core.errors import PermissionDenied, ValidationFailed

CHAT_USER_HEADER = "X-Chat-User"
CHAT_USER = OpenApiParameter(
    CHAT_USER_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="A relay (a Teams or Slack bot's account, SERVICEDESK_CHAT_RELAY_USERS) names "
    "the user it speaks for: username or e-mail address.",
)  # fmt: skip


def chat_user(request: Request) -> User:
    """Who is talking: the caller, or the user a relay account speaks for."""
    named = request.headers.get(CHAT_USER_HEADER, "").strip()
    if not named:
        return request.user
    if request.user.username not in settings.SERVICEDESK_CHAT_RELAY_USERS:
        raise PermissionDenied(
            f"Only a chat relay account may send {CHAT_USER_HEADER}.", code="not_a_relay"
        )
    found = list(
        User.objects.filter(Q(username=named) | Q(email__iexact=named), is_active=True)[:2]
    )
    if len(found) != 1:
        raise ValidationFailed(
            f"{CHAT_USER_HEADER} names no single active user.",
            fields={CHAT_USER_HEADER: ["No single active user has that username or address."]},
            code="unknown_chat_user",
        )
    return found[0]


@extend_schema_view(
    list=extend_schema(parameters=[CHAT_USER], responses={200: ConversationSummary(many=True)}),
    retrieve=extend_schema(parameters=[CHAT_USER], responses={200: ConversationOutput, 404: ERROR}),
)
class ChatViewSet(ApiViewSet):
    """Start a conversation, post messages and screenshots to it, read it back."""

    queryset = Conversation.objects.none()
    serializer_class = ConversationOutput
    lookup_value_regex = "[0-9]{1,18}"
    keyset_ordering = ("-updated_at", "-id")

    def _conversation(self) -> Conversation:
        return conversation_get(user=chat_user(self.request), conversation_id=self.kwargs["pk"])

    def list(self, request: Request) -> Response:
        page = self.paginate_queryset(conversations_of(chat_user(request)))
        return self.get_paginated_response(ConversationSummary(page, many=True).data)

    @extend_schema(
        parameters=[CHAT_USER, IDEMPOTENCY_KEY],
        request=ConversationInput,
        responses={201: ConversationOutput, 400: ERROR, 403: ERROR},
    )
    def create(self, request: Request) -> Response:
        return idempotent(request, self._create, user=chat_user(request))

    def _create(self) -> Response:
        form = ConversationInput(data=self.request.data)
        form.is_valid(raise_exception=True)
        conversation = conversation_start(
            user=chat_user(self.request), source=Source.API, text=form.validated_data["text"]
        )
        return Response(ConversationOutput(conversation).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ConversationOutput(self._conversation()).data)

    @extend_schema(
        parameters=[CHAT_USER, IDEMPOTENCY_KEY],
        request=ChatMessageInput,
        responses={201: ChatMessageOutput(many=True), 400: ERROR, 404: ERROR, 409: ERROR},
    )
    @action(detail=True, methods=["post"])
    def messages(self, request: Request, pk: str) -> Response:
        """Post what the user typed; the answer holds it and the bot's replies, in order.

        A bot framework that retries on a timeout sends an Idempotency-Key: the retry gets
        the first answer, and the user's "yes" is not read twice.
        """
        return idempotent(request, self._message, user=chat_user(request))

    def _message(self) -> Response:
        conversation = self._conversation()
        form = ChatMessageInput(data=self.request.data)
        form.is_valid(raise_exception=True)
        posted = message_post(
            conversation=conversation, by=conversation.user, **form.validated_data
        )
        return Response(ChatMessageOutput(posted, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="chat_messages_without_conversation", request=None, responses={400: ERROR}
    )
    @action(detail=False, methods=["post"], url_path="messages")
    def messages_without_conversation(self, request: Request) -> Response:
        """Messages belong to a conversation: this answers a call that forgot to name one."""
        raise ValidationFailed(
            "Name the conversation: POST /api/v1/chat/{id}/messages/ "
            "(POST /api/v1/chat/ starts one and gives its id).",
            code="conversation_required",
        )

    @extend_schema(
        parameters=[CHAT_USER, IDEMPOTENCY_KEY],
        request={"multipart/form-data": ChatUploadInput},
        responses={201: ChatMessageOutput(many=True), 400: ERROR, 404: ERROR, 409: ERROR},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def uploads(self, request: Request, pk: str) -> Response:
        """A screenshot for the ticket the conversation will raise (the attachment limits apply)."""
        return idempotent(request, self._upload, user=chat_user(request))

    def _upload(self) -> Response:
        conversation = self._conversation()
        form = ChatUploadInput(data=self.request.data)
        form.is_valid(raise_exception=True)
        posted = upload_add(
            conversation=conversation, by=conversation.user, upload=form.validated_data["file"]
        )
        return Response(ChatMessageOutput(posted, many=True).data, status=status.HTTP_201_CREATED)
