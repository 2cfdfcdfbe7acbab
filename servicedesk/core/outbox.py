"""Queue mail inside a transaction; deliver it afterwards, once, with retries.

``outbox_queue`` is called by services in the transaction of their change. It gives each message
its Message-ID there and then, so every attempt sends the same id and a reply to any of them
threads back. The worker's ``outbox_deliver`` (a periodic job, each minute) claims unsent rows
one at a time with a conditional UPDATE and sends them through Django's mail backend. A claim
that is older than CLAIM_TIMEOUT (a worker died mid-send) is taken over; a failed send is
retried on later runs up to MAX_ATTEMPTS, with its error kept for admins.

Every message carries the loop-safety headers (``Auto-Submitted``, ``X-Auto-Response-Suppress``,
``Precedence: bulk``, ``X-Loop``): the desk's mail is automatic, and robots must not answer it.
"""

from datetime import timedelta
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from servicedesk.core import clock
from servicedesk.core.models import OutboxMessage

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5
AUTO_GENERATED = "auto-generated"  # RFC 3834: not a reply to anyone (SLA warnings, reminders)
AUTO_REPLIED = "auto-replied"  # RFC 3834: sent because a message came in (acknowledgements)


def desk_address() -> str:
    """The bare address the desk sends from (``DEFAULT_FROM_EMAIL`` may carry a name)."""
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or settings.DEFAULT_FROM_EMAIL


def new_message_id() -> str:
    """A fresh Message-ID on the desk's own domain, without the angle brackets."""
    domain = desk_address().rpartition("@")[2] or "localhost"
    return make_msgid(domain=domain).strip("<>")


def _one_line(text: str) -> str:
    # A line break in a header would end it (and Django refuses such a header outright).
    return " ".join(str(text).split())


def outbox_queue(
    *,
    key: str,
    to: str,
    subject: str,
    body: str,
    headers: dict[str, str] | None = None,
    message_id: str = "",
) -> OutboxMessage | None:
    """Queue one message; None when one with the same key was queued before (or no address).

    ``headers`` adds header lines (In-Reply-To, References, an ``Auto-Submitted`` other than
    auto-generated); ``message_id`` is made here unless the caller made it already.
    """
    if not to:
        return None
    lines = {name: _one_line(value) for name, value in (headers or {}).items() if value}
    try:
        with transaction.atomic():
            return OutboxMessage.objects.create(
                key=key[:200],
                to=to,
                subject=_one_line(subject)[:300],
                body=body,
                message_id=message_id or new_message_id(),
                headers=lines,
                created_at=clock.now(),
            )
    except IntegrityError:
        return None


def outbox_headers(message: OutboxMessage) -> dict[str, str]:
    """The header lines a message is sent with: loop safety first, then its own."""
    headers = {
        "Auto-Submitted": AUTO_GENERATED,
        "X-Auto-Response-Suppress": "All",
        # Older vacation programs read only Precedence, not Auto-Submitted.
        "Precedence": "bulk",
        "X-Loop": desk_address(),
        **message.headers,
    }
    if message.message_id:
        headers["Message-ID"] = f"<{message.message_id}>"
    return headers


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
                headers=outbox_headers(message),
            ).send()  # fmt: skip
        except Exception as error:  # any failure of the transport: keep it, retry later
            OutboxMessage.objects.filter(pk=pk).update(
                claimed_at=None, last_error=f"{error.__class__.__name__}: {error}"[:2000]
            )
            continue
        OutboxMessage.objects.filter(pk=pk).update(sent_at=clock.now(), last_error="")
        sent += 1
    return sent


def outbox_deliver_job() -> int:
    """The periodic job: deliver only when the desk is configured to send mail.

    Without a mail backend (``SERVICEDESK_EMAIL_BACKEND``) or an SMTP host, mail waits in the
    outbox, where the admin site shows it, and nothing leaves the machine.
    """
    if not settings.SERVICEDESK_MAIL_DELIVERY:
        return 0
    return outbox_deliver()
