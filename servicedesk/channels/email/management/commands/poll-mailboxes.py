"""``servicedesk poll-mailboxes [ADDRESS ...]``: poll the IMAP mailboxes now.

The worker does this each minute; this is for a first check of a new mailbox, or cron. Prints
one line per mailbox; exit 1 when any poll failed (its reason on stderr and in the admin).
"""

from django.core.management.base import BaseCommand, CommandError

from servicedesk.channels.email.selectors import imap_mailboxes
from servicedesk.channels.email.transports.imap import ImapError, mailbox_poll
from servicedesk.core.commands import one_line_usage_errors


class Command(BaseCommand):
    help = "Fetch, store and process the mail waiting in the IMAP mailboxes (all, or those named)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        return one_line_usage_errors(super().create_parser(prog_name, subcommand, **kwargs))

    def add_arguments(self, parser):
        parser.add_argument("addresses", nargs="*", metavar="ADDRESS")

    def handle(self, *args, addresses: list[str], **options):
        mailboxes = imap_mailboxes()
        if addresses:
            mailboxes = mailboxes.filter(address__in=[a.strip().lower() for a in addresses])
            missing = set(a.strip().lower() for a in addresses) - {m.address for m in mailboxes}
            if missing:
                raise CommandError(
                    f"No active IMAP mailbox: {', '.join(sorted(missing))}.", returncode=2
                )
        failed = []
        for mailbox in mailboxes:
            try:
                result = mailbox_poll(mailbox=mailbox)
            except ImapError as error:
                failed.append(f"{mailbox.address}: {error}")
                continue
            line = f"{mailbox.address}: {result.fetched} fetched, {len(result.stored)} stored"
            if result.skipped:
                line += f", {len(result.skipped)} left on the server ({'; '.join(result.skipped)})"
            self.stdout.write(line)
        if failed:
            raise CommandError("; ".join(failed), returncode=1)
