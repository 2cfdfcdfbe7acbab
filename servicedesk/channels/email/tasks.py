"""The email channel's queued work: thin, each calls a service."""

from datetime import timedelta

from huey.contrib.djhuey import HUEY, db_task
from huey.exceptions import TaskLockedException

from servicedesk.channels.email.selectors import imap_mailboxes, messages_waiting
from servicedesk.channels.email.services import inbound_message_process
from servicedesk.channels.email.transports.imap import mailbox_poll
from servicedesk.core import clock

# A stored message not finished after this long is taken up again by the recovery job.
RECOVER_AFTER = timedelta(minutes=1)


@db_task()
def inbound_message_process_task(message_id: int) -> None:
    inbound_message_process(message_id=message_id)


def inbound_messages_recover() -> int:
    """Each minute: queue again what was stored and never finished (a worker died mid-way)."""
    waiting = messages_waiting(received_before=clock.now() - RECOVER_AFTER)
    for pk in waiting:
        inbound_message_process_task(pk)
    return len(waiting)


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
