"""``servicedesk kb-search TEXT``: what the knowledge base answers, as an end user or agent."""

import json as jsonlib

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from servicedesk.accounts.models import User
from servicedesk.core.commands import one_line_usage_errors
from servicedesk.knowledge.selectors import article_search_result


class Command(BaseCommand):
    help = (
        "Search the published articles as USER would (--as; default: an end user who sees "
        "public articles only) and print the best matches, one a line, or --json."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        return one_line_usage_errors(super().create_parser(prog_name, subcommand, **kwargs))

    def add_arguments(self, parser):
        parser.add_argument("text", help="what to search for")
        parser.add_argument("--as", dest="username", default="", help="search as this user")
        parser.add_argument("--limit", type=int, default=5, choices=range(1, 51), metavar="1-50")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, text: str, username: str, limit: int, json: bool = False, **options):
        user = AnonymousUser()
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {username!r}", returncode=2)
        hits, corrected = article_search_result(user=user, query=text, limit=limit)
        if json:
            self.stdout.write(
                _json({"results": [h.__dict__ for h in hits], "corrected": corrected})
            )
            return
        if corrected:
            self.stdout.write(f"(no article holds those words; showing {corrected})")
        for hit in hits:
            self.stdout.write(f"{hit.id}\t{hit.score:.3f}\t{hit.title}\t{hit.url}")
        if not hits:
            self.stdout.write("no article matches")


def _json(data) -> str:
    return jsonlib.dumps(data, ensure_ascii=False)
