"""``servicedesk send-test-mail ADDRESS``: check the mail settings by sending one mail now.

It goes straight through the configured transport, not the outbox, so a wrong host, port,
login or TLS setting shows at once: one line on stderr and exit 1 (exit 2 for bad input or no
transport configured).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email

from servicedesk.core.models import OutboxMessage
from servicedesk.core.outbox import new_message_id, outbox_headers


class Command(BaseCommand):
    help = "Send one test mail to ADDRESS through the configured SMTP server or mail backend."

    def add_arguments(self, parser):
        parser.add_argument("address")

    def handle(self, *args, address: str, **options):
        try:
            validate_email(address)
        except ValidationError:
            raise CommandError(f"{address!r} is not an email address.", returncode=2) from None
        if not settings.SERVICEDESK_MAIL_DELIVERY:
            raise CommandError(
                "No mail transport is configured: set SERVICEDESK_SMTP_HOST or "
                "SERVICEDESK_EMAIL_BACKEND.",
                returncode=2,
            )
        probe = OutboxMessage(message_id=new_message_id(), headers={})
        message = EmailMessage(
            subject="servicedesk test mail",
            body="This mail tests the desk's mail settings. Nothing needs doing.\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers=outbox_headers(probe),
        )
        try:
            message.send()
        except Exception as error:  # the transport's own error is what the admin needs to see
            text = " ".join(f"{error.__class__.__name__}: {error}".split())
            raise CommandError(f"Sending failed: {text}", returncode=1) from None
        self.stdout.write(f"Sent to {address} through {settings.EMAIL_BACKEND}.")
