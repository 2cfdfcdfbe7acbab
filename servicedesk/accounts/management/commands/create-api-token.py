"""``servicedesk create-api-token USERNAME``: print a new API token for a user, once."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from servicedesk.accounts.models import ApiToken, User
from servicedesk.accounts.services import api_token_create
from servicedesk.core import clock
from servicedesk.core.commands import one_line_usage_errors

EXPIRES_DAYS_MAX = 3650


def _usage_error(message: str) -> CommandError:
    # Exit 2 like other usage errors; the message is the one line on stderr.
    return CommandError(message, returncode=2)


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it (it cannot be shown again)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        return one_line_usage_errors(parser)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="command line", help="To tell tokens apart.")
        # Read as text and checked in handle(), so a bad value is one line, not argparse usage.
        parser.add_argument("--expires-days", default=None, metavar="N", help="Days it is valid.")

    def handle(self, *args, username: str, name: str, expires_days: str | None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise _usage_error(f"No user named {username!r}.")
        if not user.is_active:
            raise _usage_error(f"{username} is not active; a token for them would not work.")
        name = name.strip()
        name_max = ApiToken._meta.get_field("name").max_length
        if not name or len(name) > name_max:
            raise _usage_error(f"--name must be 1 to {name_max} characters.")
        expires_at = None
        if expires_days is not None:
            days = expires_days.strip()
            if not (days.isascii() and days.isdigit()) or not 1 <= int(days) <= EXPIRES_DAYS_MAX:
                raise _usage_error(
                    f"--expires-days must be a whole number from 1 to {EXPIRES_DAYS_MAX}."
                )
            expires_at = clock.now() + timedelta(days=int(days))
        _, key = api_token_create(user=user, name=name, expires_at=expires_at)
        self.stdout.write(key)
