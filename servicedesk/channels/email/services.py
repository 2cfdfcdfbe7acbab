"""Writes of the email channel: store what arrives, then process it, once.

Every transport ends in ``inbound_message_store`` (the raw bytes, in their own commit, before
anything is parsed) and then ``inbound_message_process`` (in a task, or inline for the IMAP
poller, which must know the ticket is committed before it moves the message on the server).
"""

import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F

from servicedesk.channels.email.choices import InboundState, Outcome
from servicedesk.channels.email.intake import Unusable, automatic_kind, clean_text, deliver
from servicedesk.channels.email.models import InboundMessage, Mailbox
from servicedesk.channels.email.parsing import ParsedMessage, parse_message
from servicedesk.core import clock
from servicedesk.core.errors import ServiceError, ValidationFailed
from servicedesk.notifications.choices import Direction
from servicedesk.notifications.services import mail_reference_record, ticket_acknowledge

logger = logging.getLogger(__name__)

# A message the recovery job had to take up this often (the worker died on it each time: out of
# memory, killed) goes to quarantine instead of killing the next worker.
MAX_ATTEMPTS = 5
# Errors of the database itself: the message stays stored and is tried again later.
TRANSIENT = (OperationalError, InterfaceError)


def inbound_message_store(
    *, mailbox: Mailbox, raw: bytes, transport: str, envelope_from: str = ""
) -> InboundMessage:
    """Keep the raw bytes, committed, before anything else happens to them.

    Refuses (ValidationFailed) only what cannot be a message: empty, over
    SERVICEDESK_EMAIL_MAX_BYTES, or for an inactive mailbox. Must not run inside another
    transaction: a rollback there would lose the mail after the sender was told it arrived.
    """
    if not raw or not raw.strip():
        raise ValidationFailed("The message is empty.", code="empty_message")
    limit = settings.SERVICEDESK_EMAIL_MAX_BYTES
    if len(raw) > limit:
        raise ValidationFailed(
            f"The message is {len(raw):,} bytes; the limit is {limit:,} bytes.",
            code="message_too_large",
        )
    if not mailbox.is_active:
        raise ValidationFailed(f"The mailbox {mailbox.address} is not active.", code="mailbox_off")
    # One INSERT, committed by itself (autocommit): the row exists once this returns.
    return InboundMessage.objects.create(
        mailbox=mailbox,
        transport=transport,
        raw=raw,
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        received_at=clock.now(),
        envelope_from=envelope_from.replace("\x00", "")[:998],
    )


def _dedup_key(parsed: ParsedMessage, message: InboundMessage) -> str:
    if parsed.message_id:
        return f"mid:{parsed.message_id}"[:1000]
    return f"sha256:{message.raw_sha256}"


def _finish(message: InboundMessage, **values) -> InboundMessage:
    """Write the outcome on the row, and on the instance the caller holds."""
    values.setdefault("processed_at", clock.now())
    InboundMessage.objects.filter(pk=message.pk).update(**values)
    for name, value in values.items():
        setattr(message, name, value)
    return message


def _quarantine(
    message: InboundMessage, reason: str, parsed: ParsedMessage | None = None
) -> InboundMessage:
    """Set the message aside with its reason, and what the admin needs to tell it apart."""
    logger.warning("inbound message %s quarantined: %s", message.pk, reason)
    known = _known(parsed) if parsed is not None else {}
    return _finish(
        message, state=InboundState.QUARANTINED, reason=reason[:5000], dedup_key=None, **known
    )


def _known(parsed: ParsedMessage) -> dict[str, object]:
    """What the parse says of a message that its row keeps, whatever becomes of it."""
    automatic = automatic_kind(parsed)
    return {
        "message_id": parsed.message_id[:998],
        "from_address": clean_text(parsed.from_address)[:320],
        "subject": clean_text(parsed.subject)[:500],
        "is_automatic": bool(automatic),
        "automatic": automatic,
    }


def inbound_message_process(*, message_id: int) -> InboundMessage:
    """Turn a stored message into a ticket, a reply or a note: once, whoever calls it.

    Safe to run twice and concurrently: the row is locked and its state checked in the same
    transaction that writes the ticket. A failure quarantines the message with the reason;
    an unavailable database leaves it waiting for the recovery job (and raises).
    """
    message = InboundMessage.objects.select_related("mailbox", "mailbox__group").get(pk=message_id)
    if message.state != InboundState.RECEIVED:
        return message
    if message.attempts >= MAX_ATTEMPTS:
        return _quarantine(
            message, f"Taken up again {message.attempts} times and never finished processing."
        )
    try:
        # Some stores put blank lines before the headers; a parser would then see no headers.
        parsed = parse_message(bytes(message.raw).lstrip(b"\r\n"))
    except Exception as error:  # the parser promises not to raise; if it does, keep the mail
        return _quarantine(
            message, f"The message cannot be parsed: {type(error).__name__}: {error}"
        )

    for _ in range(2):
        try:
            return _process(message, parsed)
        except IntegrityError:
            # Another worker committed the same Message-ID in this mailbox between our check
            # and our write: the second pass finds it and records a duplicate.
            continue
        except TRANSIENT:
            raise
        except (Unusable, ServiceError) as error:
            return _quarantine(message, getattr(error, "message", None) or str(error), parsed)
        except Exception as error:  # keep the mail, tell the admin why
            logger.exception("inbound message %s failed", message.pk)
            return _quarantine(message, f"{type(error).__name__}: {error}", parsed)
    return _quarantine(
        message, "The message could not be recorded (a conflict twice over).", parsed
    )


def _process(message: InboundMessage, parsed: ParsedMessage) -> InboundMessage:
    known = _known(parsed)
    automatic = known["automatic"]
    with transaction.atomic():
        locked = InboundMessage.objects.select_for_update().filter(pk=message.pk)
        if locked.values_list("state", flat=True).get() != InboundState.RECEIVED:
            message.refresh_from_db()
            return message
        key = _dedup_key(parsed, message)
        first = (
            InboundMessage.objects.filter(mailbox_id=message.mailbox_id, dedup_key=key)
            .exclude(pk=message.pk)
            .values_list("pk", "ticket_id")
            .first()
        )
        if first is not None:
            return _finish(
                message, state=InboundState.DUPLICATE, duplicate_of_id=first[0],
                ticket_id=first[1], **known,
            )  # fmt: skip
        # Claims the key first: a concurrent copy fails on the unique index, not after a ticket.
        InboundMessage.objects.filter(pk=message.pk).update(dedup_key=key)
        delivery = deliver(message=message, parsed=parsed)
        if delivery.ticket is not None:
            mail_reference_record(
                ticket=delivery.ticket, message_id=parsed.message_id, direction=Direction.INBOUND
            )
        if delivery.outcome in (Outcome.TICKET_CREATED, Outcome.FOLLOW_UP):
            # After the reference: the acknowledgement answers the sender's Message-ID. Mail
            # that no person wrote is never answered (notifications.services).
            ticket_acknowledge(ticket=delivery.ticket, acknowledge=not automatic)
        return _finish(
            message,
            dedup_key=key,
            state=delivery.state,
            outcome=delivery.outcome,
            ticket_id=delivery.ticket.pk if delivery.ticket else None,
            comment_id=delivery.comment.pk if delivery.comment else None,
            reason=delivery.reason,
            notes="; ".join(f"Not attached: {d}" for d in delivery.dropped),
            **known,
        )


def inbound_message_retake(*, message_id: int) -> bool:
    """Count one more try of a message left unfinished (the recovery job, before queueing it)."""
    return bool(
        InboundMessage.objects.filter(pk=message_id, state=InboundState.RECEIVED).update(
            attempts=F("attempts") + 1
        )
    )


@transaction.atomic
def inbound_message_requeue(*, message_id: int) -> bool:
    """Send a quarantined or discarded message through processing again (the admin's action);
    not one whose raw bytes were purged."""
    return bool(
        InboundMessage.objects.filter(
            pk=message_id,
            state__in=[InboundState.QUARANTINED, InboundState.DISCARDED],
            purged_at=None,
        ).update(
            state=InboundState.RECEIVED,
            attempts=0,
            reason="",
            outcome="",
            dedup_key=None,
            processed_at=None,
        )  # fmt: skip
    )


# What a purge drops: mail the desk is done with. Quarantined mail waits for an admin, received
# mail for processing; both keep their bytes whatever their age.
PURGEABLE = (InboundState.PROCESSED, InboundState.DUPLICATE, InboundState.DISCARDED)
PURGE_BATCH = 500


def inbound_messages_purge(*, keep_days: int, now: datetime) -> int:
    """Drop the raw bytes of finished mail received more than ``keep_days`` ago (0: none); how
    many were purged. The row stays: its Message-ID still recognises the same mail fetched
    again, and its outcome, ticket and reason stay readable. In batches, each its own short
    transaction, so that mail arriving meanwhile never waits long for the write lock."""
    if keep_days <= 0:
        return 0
    old = InboundMessage.objects.filter(
        state__in=PURGEABLE, received_at__lt=now - timedelta(days=keep_days), purged_at=None
    )
    purged = 0
    while batch := list(old.order_by("pk").values_list("pk", flat=True)[:PURGE_BATCH]):
        # The same conditions again: a message requeued since the look-up keeps its bytes.
        purged += old.filter(pk__in=batch).update(raw=b"", purged_at=now)
    return purged


__all__ = [
    "inbound_messages_purge",
    "inbound_message_process",
    "inbound_message_retake",
    "inbound_message_requeue",
    "inbound_message_store",
]
