"""What every transport shares: which mailbox a message is for, and store-then-queue."""

import email.parser
import email.policy
import email.utils
import logging

from django.db import transaction

from servicedesk.channels.email.models import InboundMessage, Mailbox
from servicedesk.channels.email.selectors import mailbox_for_address, mailbox_for_recipients
from servicedesk.channels.email.services import inbound_message_store
from servicedesk.channels.email.tasks import inbound_message_process_task
from servicedesk.core.errors import ValidationFailed

logger = logging.getLogger(__name__)

# Where an MTA or a provider names the recipient, most precise first.
_RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "To", "Cc")


def recipients_in_headers(raw: bytes) -> list[str]:
    """The recipient addresses the headers name (the body is not read)."""
    headers = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
    found: list[str] = []
    for name in _RECIPIENT_HEADERS:
        values = [str(v) for v in headers.get_all(name, [])]
        found += [address for _, address in email.utils.getaddresses(values) if address]
    return found


def mailbox_for(raw: bytes, address: str = "") -> Mailbox:
    """The mailbox a message is for: the one named, else the one its headers address."""
    if address:
        mailbox = mailbox_for_address(address)
        if mailbox is None:
            raise ValidationFailed(
                f"{address} is not an active mailbox of the desk.", code="unknown_mailbox"
            )
        return mailbox
    mailbox = mailbox_for_recipients(recipients_in_headers(raw))
    if mailbox is None:
        raise ValidationFailed(
            "The message is addressed to no active mailbox of the desk; name one.",
            code="unknown_mailbox",
        )
    return mailbox


def receive(
    *, mailbox: Mailbox, raw: bytes, transport: str, envelope_from: str = ""
) -> InboundMessage:
    """Store (committed on return) and queue the processing.

    A queue that cannot be reached does not fail the delivery: the message is stored, and the
    recovery job processes it within a couple of minutes.
    """
    message = inbound_message_store(
        mailbox=mailbox, raw=raw, transport=transport, envelope_from=envelope_from
    )
    transaction.on_commit(lambda: _queue(message.pk))
    return message


def _queue(message_id: int) -> None:
    try:
        inbound_message_process_task(message_id)
    except Exception:  # Redis down, queue file locked: the recovery job takes it up
        logger.warning("inbound message %s stored but not queued", message_id, exc_info=True)
