"""``servicedesk smtp-listen [--host 127.0.0.1] [--port 2525]``: the SMTP listener.

Runs until SIGINT or SIGTERM. Accepts mail for the addresses of the active mailboxes, stores
it and queues its processing for the worker (``servicedesk worker`` must run too).
"""

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from servicedesk.channels.email.transports.smtp import SmtpListener
from servicedesk.core.commands import one_line_usage_errors


class Command(BaseCommand):
    help = (
        "Listen for SMTP deliveries to the desk's mailboxes (aiosmtpd); stored mail is "
        "processed by the worker. Ctrl-C or SIGTERM stops it."
    )
    requires_system_checks: list[str] = []

    def create_parser(self, prog_name, subcommand, **kwargs):
        return one_line_usage_errors(super().create_parser(prog_name, subcommand, **kwargs))

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=2525, help="Port to listen on.")
        parser.add_argument("--hostname", default=None, help="Name in the SMTP greeting.")

    def handle(self, *args, host: str, port: int, hostname: str | None, **options):
        if not 0 <= port < 65536:
            raise CommandError(f"--port must be between 0 and 65535, got {port}.")
        try:
            listener = SmtpListener(host=host, port=port, hostname=hostname)
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {host}:{port}: {error.strerror or error}."
            ) from None
        stopping = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopping.set())
        listener.start()
        self.stdout.write(f"SMTP listener on {listener.host}:{listener.port}; Ctrl-C stops it.")
        self.stdout.flush()
        stopping.wait()
        listener.stop()
