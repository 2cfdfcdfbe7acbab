"""Queue mail inside a transaction; deliver it afterwards, once, with retries.

``outbox_queue`` is called by services in the transaction of their change. The worker's
``outbox_deliver`` (a periodic job, each minute) claims unsent
rows one at a time with a conditional UPDATE and sends them through Django's mail backend. A
claim that is older than CLAIM_TIMEOUT (a worker died mid-send) is taken over; a failed send is
retried on later runs up to MAX_ATTEMPTS, with its error kept for admins.
"""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from servicedesk.core import clock
from servicedesk.core.models import OutboxMessage

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5


def outbox_queue(*, key: str, to: str, subject: str, body: str) -> OutboxMessage | None:
    """Queue one message; None when one with the same key was queued before (or no address)."""
    if not to:
        return None
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                key=key[:200], to=to, subject=subject[:300], body=body, created_at=clock.now()
            )
    except IntegrityError:
        return None


def outbox_deliver(*, limit: int = 100) -> int:
    """Send what is waiting; the number of messages sent."""
    now = clock.now()
    waiting = (
        OutboxMessage.objects.filter(sent_at=None, attempts__lt=MAX_ATTEMPTS)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=now - CLAIM_TIMEOUT))
        .order_by("created_at")
        .values_list("pk", "claimed_at")[:limit]
    )
    sent = 0
    for pk, claimed in list(waiting):
        taken = OutboxMessage.objects.filter(pk=pk, claimed_at=claimed, sent_at=None).update(
            claimed_at=now, attempts=F("attempts") + 1
        )
        if not taken:
            continue  # another worker has it
        message = OutboxMessage.objects.get(pk=pk)
        try:
            EmailMessage(
                subject=message.subject, body=message.body,
                from_email=settings.DEFAULT_FROM_EMAIL, to=[message.to],
            ).send()  # fmt: skip
        except Exception as error:  # any failure of the transport: keep it, retry later
            OutboxMessage.objects.filter(pk=pk).update(
                claimed_at=None, last_error=f"{error.__class__.__name__}: {error}"[:2000]
            )
            continue
        OutboxMessage.objects.filter(pk=pk).update(sent_at=clock.now(), last_error="")
        sent += 1
    return sent
