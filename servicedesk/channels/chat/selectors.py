"""Reads on chat conversations: a user sees only their own."""

from django.db.models import QuerySet

from servicedesk.accounts.models import User
from servicedesk.channels.chat.models import Conversation, Message
from servicedesk.core.errors import NotFound


def conversations_of(user: User) -> QuerySet[Conversation]:
    """The user's conversations, the most recent first."""
    return Conversation.objects.filter(user_id=user.pk).order_by("-updated_at", "-id")


def conversation_get(*, user: User, conversation_id: int | str) -> Conversation:
    """One of the user's conversations; anyone else's does not exist for them (404)."""
    try:
        pk = int(conversation_id)
    except (TypeError, ValueError):
        pk = None
    found = None
    if pk is not None:
        found = conversations_of(user).select_related("ticket", "user").filter(pk=pk).first()
    if found is None:
        raise NotFound("No conversation of yours with that id.")
    return found


def conversation_current(*, user: User) -> Conversation | None:
    """The conversation a reload or a second device continues: the most recent one."""
    return conversations_of(user).first()


def conversation_messages(conversation: Conversation) -> QuerySet[Message]:
    return conversation.messages.order_by("created_at", "id")
