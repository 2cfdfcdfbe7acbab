"""The email channel's queued work: thin, each calls a service."""

from datetime import timedelta

from django.conf import settings
from huey.contrib.djhuey import HUEY, db_task
from huey.exceptions import TaskLockedException

from servicedesk.channels.email.selectors import imap_mailboxes, messages_waiting
from servicedesk.channels.email.services import (
    inbound_message_process,
    inbound_message_retake,
    inbound_messages_purge,
)
from servicedesk.channels.email.transports.imap import mailbox_poll
from servicedesk.core import clock

# A stored message not finished after this long is taken up again by the recovery job.
RECOVER_AFTER = timedelta(minutes=1)


@db_task()
def inbound_message_process_task(message_id: int) -> None:
    inbound_message_process(message_id=message_id)


def inbound_messages_recover(*, limit: int = 100) -> int:
    """Each minute: process what was stored and never finished (a worker died mid-way, a task
    was lost); the number taken up.

    Processed here rather than queued again, one run at a time: a queue that is merely behind
    is not counted as failed attempts, and a message that kills its worker each time is
    counted once a minute until it goes to quarantine.
    """
    try:
        with HUEY.lock_task("inbound-messages-recover"):
            taken = 0
            for pk in messages_waiting(received_before=clock.now() - RECOVER_AFTER, limit=limit):
                if inbound_message_retake(message_id=pk):
                    inbound_message_process(message_id=pk)
                    taken += 1
            return taken
    except TaskLockedException:
        return 0  # the previous run is still at it


@db_task()
def mailbox_poll_task(mailbox_id: int) -> None:
    try:
        # One poll of a mailbox at a time: a slow server must not be fetched twice at once.
        with HUEY.lock_task(f"mailbox-poll-{mailbox_id}"):
            mailbox = imap_mailboxes().filter(pk=mailbox_id).first()
            if mailbox is not None:
                mailbox_poll(mailbox=mailbox)
    except TaskLockedException:
        pass  # the previous poll is still running; the next minute tries again


def mailboxes_poll_schedule() -> None:
    """Each minute: poll every active IMAP mailbox."""
    for pk in imap_mailboxes().values_list("pk", flat=True):
        mailbox_poll_task(pk)


def inbound_messages_purge_job() -> int:
    """Nightly: drop the raw bytes of finished mail past SERVICEDESK_EMAIL_KEEP_DAYS."""
    return inbound_messages_purge(keep_days=settings.SERVICEDESK_EMAIL_KEEP_DAYS, now=clock.now())
