"""Replies, internal notes and attachments."""

import hashlib
import mimetypes
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from servicedesk.accounts.models import User
from servicedesk.core import clock
from servicedesk.core.errors import ValidationFailed
from servicedesk.core.units import sizes_apart
from servicedesk.tickets.choices import Channel, EventKind, State
from servicedesk.tickets.models import Attachment, Comment, Ticket
from servicedesk.tickets.services._common import event_append
from servicedesk.tickets.services.lifecycle import apply_changes
from servicedesk.tickets.services.validation import Problems, text_problem

FILENAME_MAX = 255


def _sniff(head: bytes, filename: str) -> str:
    """The content type read from the bytes themselves, never trusting the client's claim."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    guessed, _ = mimetypes.guess_type(filename)
    # Text formats cannot be told apart by content; keep a textual guess, never an active one.
    if guessed in {
        "text/csv",
        "text/plain",
        "application/json",
        "text/markdown",
        "application/xml",
    }:
        return guessed
    return "text/plain"


def _clean_filename(name: str) -> str:
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return (name or "attachment")[:FILENAME_MAX]


def attachment_check(problems: Problems, upload: UploadedFile) -> None:
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        problems.add("attachments", _too_large(_clean_filename(upload.name), upload.size, limit))


def _too_large(filename: str, size: int, limit: int) -> str:
    shown_size, shown_limit = sizes_apart(size, limit)
    return f"{filename} is {shown_size}; the limit is {shown_limit}."


@dataclass(frozen=True)
class UploadFacts:
    """What is stored about an uploaded file, read from its bytes, not from the client's claim."""

    filename: str
    content_type: str
    size: int
    sha256: str


def upload_facts(upload: UploadedFile) -> UploadFacts:
    """The cleaned name, sniffed type, size and SHA-256 of ``upload``, left rewound to its start
    for storing (ticket attachments, knowledge-article files)."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    filename = _clean_filename(upload.name)
    return UploadFacts(
        filename=filename,
        content_type=_sniff(head, filename),
        size=upload.size,
        sha256=digest.hexdigest(),
    )


def attachment_store(
    *,
    ticket: Ticket,
    by: User | None,
    upload: UploadedFile,
    channel: str,
    comment: Comment | None = None,
) -> Attachment:
    facts = upload_facts(upload)
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        filename=facts.filename,
        content_type=facts.content_type,
        size=facts.size,
        sha256=facts.sha256,
        uploaded_by=by,
        created_at=clock.now(),
    )
    # Identical content is stored once on disk.
    existing = Attachment.objects.filter(sha256=attachment.sha256).exclude(file="").first()
    if existing is not None and existing.file.storage.exists(existing.file.name):
        attachment.file.name = existing.file.name
        attachment.save()
    else:
        attachment.file.save(facts.filename, upload, save=True)
    event_append(
        ticket=ticket,
        kind=EventKind.ATTACHED,
        actor=by,
        channel=channel,
        changes={"attachment": [None, facts.filename]},
        is_internal=comment is not None and not comment.is_public,
    )
    return attachment


@transaction.atomic
def attachment_add(
    *,
    ticket: Ticket,
    by: User,
    upload: UploadedFile,
    channel: str = Channel.DESK,
    comment: Comment | None = None,
) -> Attachment:
    """Attach a file to a ticket, or to one of its comments (then it shares the comment's audience)."""
    problems = Problems()
    attachment_check(problems, upload)
    if comment is not None and comment.ticket_id != ticket.pk:
        problems.add("comment", "That comment belongs to another ticket.")
    problems.raise_if_any()
    return attachment_store(ticket=ticket, by=by, upload=upload, channel=channel, comment=comment)


@transaction.atomic
def comment_add(
    *,
    ticket: Ticket,
    by: User,
    body: str,
    is_public: bool = True,
    channel: str = Channel.DESK,
    attachments: Iterable[UploadedFile] = (),
) -> Comment:
    """Add a reply or an internal note.

    Only agents write internal notes. The first public agent reply stamps the first response.
    A requester's reply brings a ticket that waits on them back to work, and reopens a resolved
    one. Closed and cancelled tickets take no more comments.
    """
    attachments = list(attachments)
    problems = Problems()
    if not (body or "").strip() and not attachments:
        problems.add("body", "A comment needs some text or an attachment.")
    elif text_problem(body or ""):
        problems.add("body", f"The comment {text_problem(body)}")
    if not is_public and not by.is_agent:
        problems.add("is_public", "Only agents can write internal notes.")
    for upload in attachments:
        attachment_check(problems, upload)
    problems.raise_if_any()
    ticket = Ticket.objects.get(pk=ticket.pk)
    if ticket.state in (State.CLOSED, State.CANCELLED):
        raise ValidationFailed(
            f"{ticket.number} is {ticket.get_state_display().lower()}; raise a new ticket instead.",
            code="ticket_closed",
        )

    now = clock.now()
    comment = Comment.objects.create(
        ticket=ticket,
        author=by,
        body=body.strip(),
        is_public=is_public,
        channel=channel,
        created_at=now,
    )
    changes = {"comment": [None, "public" if is_public else "internal"]}
    answers_requester = is_public and by.is_agent and by.pk != ticket.requester_id
    # The first response is a fact the desk records, not an edit: it does not bump the version,
    # so an agent's open edit form stays valid after their reply.
    first = answers_requester and ticket.first_response_at is None
    if first and Ticket.objects.filter(pk=ticket.pk, first_response_at=None).update(
        first_response_at=now
    ):
        changes["first_response_at"] = [None, now.isoformat()]
    event_append(
        ticket=ticket,
        kind=EventKind.COMMENTED,
        actor=by,
        channel=channel,
        changes=changes,
        is_internal=not is_public,
    )
    for upload in attachments:
        attachment_store(ticket=ticket, by=by, upload=upload, channel=channel, comment=comment)

    if by.pk == ticket.requester_id and ticket.state in (State.AWAITING_USER, State.RESOLVED):
        back_to_work = State.IN_PROGRESS if ticket.assignee_id else State.ASSIGNED
        apply_changes(ticket=ticket, by=by, changes={"state": back_to_work}, channel=channel)
    else:
        apply_changes(ticket=ticket, by=by, changes={}, channel=channel, touch_only=True)
    return comment
