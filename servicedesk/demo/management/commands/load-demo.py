"""``servicedesk load-demo``: a working desk to look at, loaded through the real services."""

from django.core.management.base import BaseCommand, CommandError

from servicedesk.core.errors import ServiceError
from servicedesk.demo.selectors import DemoLogin, database_has_data, demo_logins
from servicedesk.demo.services import demo_load


def logins_table(logins: list[DemoLogin]) -> str:
    rows = [("username", "role", "password", "who")]
    rows += [(login.username, login.role, login.password, login.note) for login in logins]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    rows.insert(1, tuple("-" * width for width in widths))
    return "\n".join(
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )


class Command(BaseCommand):
    help = (
        "Load demo organisations, people, groups, categories, SLA policies and a few dozen "
        "tickets in every state into an empty database, then print the demo logins."
    )

    def add_arguments(self, parser):
        when = parser.add_mutually_exclusive_group()
        when.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (and succeed) when the database already has tickets or accounts.",
        )
        when.add_argument(
            "--force",
            action="store_true",
            help="Load even into a database that has data (adds the tickets again).",
        )
        when.add_argument(
            "--logins",
            action="store_true",
            help="Only print the demo logins that exist in this database; change nothing.",
        )

    def handle(self, *args, if_empty: bool, force: bool, logins: bool, **options):
        if logins:
            self._print_logins()
            return
        if if_empty and database_has_data():
            if options["verbosity"] > 0:
                self.stdout.write(
                    "The database already has tickets or accounts: no demo data added."
                )
            return
        try:
            summary = demo_load(force=force)
        except ServiceError as error:
            raise CommandError(error.message) from None
        self.stdout.write(
            f"Demo data loaded: {summary.tickets} tickets, {summary.accounts} accounts."
        )
        self._print_logins()

    def _print_logins(self) -> None:
        logins = demo_logins()
        if logins:
            self.stdout.write(
                "Demo logins (every account of a role shares that role's password):\n"
                + logins_table(logins)
            )
