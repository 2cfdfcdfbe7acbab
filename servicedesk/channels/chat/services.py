"""Writes on chat conversations: start one, post a message, add a screenshot."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from servicedesk.accounts.models import User
from servicedesk.channels.chat import engine
from servicedesk.channels.chat.choices import Author, Source
from servicedesk.channels.chat.models import Conversation, Message, Upload
from servicedesk.core import clock
from servicedesk.core.errors import TransitionNotAllowed, ValidationFailed
from servicedesk.tickets.services.conversation import attachment_check, upload_facts
from servicedesk.tickets.services.validation import Problems, text_problem

UPLOADS_MAX = 5
SCREENSHOT_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def _ended() -> TransitionNotAllowed:
    return TransitionNotAllowed(
        "This conversation has ended; start a new one.", code="conversation_ended"
    )


def _checked_text(text: str) -> str:
    text = engine.parsing.normalise(text or "")
    limit = settings.SERVICEDESK_CHAT_MESSAGE_MAX_CHARS
    if not text.strip():
        raise ValidationFailed(
            "The message is empty; type what you need.", fields={"text": ["Empty."]},
            code="empty_message",
        )  # fmt: skip
    if len(text) > limit:
        raise ValidationFailed(
            f"The message has {len(text):,} characters; the limit is {limit:,}. "
            "Say it in fewer words, or attach a file once the ticket is raised.",
            fields={"text": [f"At most {limit:,} characters."]},
            code="message_too_long",
        )
    if text_problem(text):
        raise ValidationFailed(f"The message {text_problem(text)}", fields={"text": ["Invalid."]})
    return text.strip()


def _filename(name: str) -> str:
    # The name as the user's device gave it, without a path or unprintable characters.
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return (name or "screenshot")[:200]


def _record(conversation: Conversation, author: str, body: str, now, extra=None) -> Message:
    return Message.objects.create(
        conversation=conversation, author=author, body=body, extra=extra or {}, created_at=now
    )


def _answer(conversation: Conversation, turn: engine.Turn, now) -> list[Message]:
    replies = turn.replies
    messages = [_record(conversation, Author.BOT, r.body, now, r.extra) for r in replies]
    conversation.updated_at = now
    conversation.save()
    return messages


@transaction.atomic
def conversation_start(*, user: User, source: str = Source.PORTAL, text: str = "") -> Conversation:
    """Open a conversation with the bot's greeting; ``text``, if any, is its first message."""
    if text:
        text = _checked_text(text)
    now = clock.now()
    conversation = Conversation.objects.create(
        user=user, source=source, created_at=now, updated_at=now
    )
    reply = engine.greeting(user)
    _record(conversation, Author.BOT, reply.body, now, reply.extra)
    if text:
        message_post(conversation=conversation, by=user, text=text)
        conversation.refresh_from_db()
    return conversation


@transaction.atomic
def message_post(
    *, conversation: Conversation, by: User, text: str, article_id: int | None = None
) -> list[Message]:
    """The user's message and the bot's answers to it, stored together.

    The conversation row is locked: two devices posting at once take turns, so each message
    is answered from the state the other left.
    """
    text = _checked_text(text)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk, user=by)
    if conversation.has_ended:
        raise _ended()
    now = clock.now()
    mine = _record(conversation, Author.USER, text, now)
    turn = engine.Turn(conversation=conversation, text=text, article_id=article_id)
    engine.answer(turn)
    return [mine, *_answer(conversation, turn, now)]


@transaction.atomic
def upload_add(*, conversation: Conversation, by: User, upload: UploadedFile) -> list[Message]:
    """A screenshot for the ticket to be raised: kept with the conversation until then.

    The ticket attachments' limits apply now, so the user learns of a file too large before
    the ticket is raised, not after; only images are taken (PNG, JPEG, GIF, WebP, by their bytes).
    """
    problems = Problems()
    attachment_check(problems, upload)
    problems.raise_if_any()
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk, user=by)
    if conversation.has_ended:
        raise _ended()
    if conversation.uploads.count() >= UPLOADS_MAX:
        raise ValidationFailed(
            f"A conversation takes at most {UPLOADS_MAX} files; add more on the ticket.",
            code="too_many_uploads",
        )
    # A screenshot, read from its bytes: the panel asks for one, and a program or an SVG (which
    # can carry script) has no business riding on a chat into the ticket.
    if upload_facts(upload).content_type not in SCREENSHOT_TYPES:
        raise ValidationFailed(
            f"{_filename(upload.name)} is not an image: send a PNG, JPEG, GIF or WebP"
            " screenshot (other files can be added to the ticket).",
            fields={"file": ["Not an image."]},
            code="not_an_image",
        )
    now = clock.now()
    stored = Upload(conversation=conversation, size=upload.size, created_at=now)
    stored.filename = _filename(upload.name)
    stored.file.save(stored.filename, upload, save=True)
    mine = _record(conversation, Author.USER, f"(uploaded {stored.filename})", now)
    turn = engine.Turn(conversation=conversation, text="")
    engine.screenshot_added(turn, stored.filename)
    return [mine, *_answer(conversation, turn, now)]
