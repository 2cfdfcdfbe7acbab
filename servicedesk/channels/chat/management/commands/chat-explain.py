"""``servicedesk chat-explain TEXT --as USER``: what the chatbot makes of a first message.

Nothing is written: no conversation, no ticket, no deflection. For an admin tuning triage
rules or articles to see what the bot would say, and why.
"""

import json as jsonlib

from django.core.management.base import BaseCommand, CommandError

from servicedesk.accounts.models import User
from servicedesk.channels.chat.engine import reading
from servicedesk.core.commands import one_line_usage_errors
from servicedesk.tickets.choices import Impact, Kind


class Command(BaseCommand):
    help = (
        "Show what the chatbot understands from TEXT as USER's first message: kind, category "
        "and the triage rules or model behind them, the details the words already give, and "
        "the articles it would offer. Writes nothing."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        return one_line_usage_errors(super().create_parser(prog_name, subcommand, **kwargs))

    def add_arguments(self, parser):
        parser.add_argument("text", help="the message, as a user would type it")
        parser.add_argument("--as", dest="username", required=True, help="the user who writes")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, text: str, username: str, json: bool = False, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}", returncode=2)
        if not text.strip():
            raise CommandError("the text is empty", returncode=2)
        read = reading(user, text)
        if json:
            self.stdout.write(jsonlib.dumps(read, ensure_ascii=False))
            return
        understood = read["understood"]
        self.stdout.write(f"kind:     {Kind(understood['kind']).label}")
        self.stdout.write(f"category: {understood.get('category_label') or '(none)'}")
        for why in understood["understood_by"] or ["no triage rule or model decided anything"]:
            self.stdout.write(f"  because {why}")
        if not understood["kind_by_triage"]:
            self.stdout.write("  kind from the bot's own request words" if understood["kind"] ==
                              Kind.REQUEST else "  kind: the default")  # fmt: skip
        prefilled = read["prefilled"]
        for name in ("since", "people", "impact", "urgency"):
            if name in prefilled:
                value = prefilled[name]
                shown = Impact(value).label if name in ("impact", "urgency") else value
                self.stdout.write(f"{name + ':':9} {shown} (not asked again)")
        for article in read["articles"]:
            self.stdout.write(f"article:  {article['id']}\t{article['title']}\t{article['url']}")
        if not read["articles"]:
            self.stdout.write("article:  (none: the bot goes straight to the details)")
