"""``servicedesk kb-import DIR``: import Markdown files as knowledge articles."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from servicedesk.accounts.models import User
from servicedesk.core.commands import one_line_usage_errors
from servicedesk.core.errors import ServiceError
from servicedesk.knowledge.importing import BadFile, ParsedFile, parse_file
from servicedesk.knowledge.services import article_import
from servicedesk.tickets.models import Category

SUFFIXES = {".md", ".markdown"}


class Command(BaseCommand):
    help = (
        "Import every Markdown file (.md, .markdown) under DIR as a knowledge article, with "
        "optional YAML front matter for title, category, keywords, audience, state, owner and "
        "review_date. A file imported before (same path under DIR) is updated, as a new "
        "version only when it changed. A file that cannot be imported is named on stderr with "
        "the reason and the rest are imported. Exits with 0 when every file was imported, 1 "
        "when some were not, 2 when DIR is not a readable directory."
    )

    def create_parser(self, prog_name, subcommand, **kwargs):
        return one_line_usage_errors(super().create_parser(prog_name, subcommand, **kwargs))

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path, help="a folder of Markdown files")

    def handle(self, *args, directory: Path, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory}: not a directory", returncode=2)
        try:
            files = sorted(p for p in directory.rglob("*") if p.suffix.lower() in SUFFIXES)
        except OSError as exc:
            raise CommandError(
                f"{directory}: cannot be read ({exc.strerror})", returncode=2
            ) from exc
        counts = {"created": 0, "updated": 0, "unchanged": 0, "bad": 0}
        for path in files:
            key = path.relative_to(directory).as_posix()
            try:
                if not _is_utf8(key):
                    # The key is stored: a name with undecodable bytes crashed the whole import.
                    key = key.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                    raise BadFile("the file name is not UTF-8 (rename the file)")
                parsed = parse_file(path.read_bytes(), name=path.name)
                outcome = article_import(key=key, values=_values(parsed), state=parsed.state)
            except (BadFile, ServiceError, OSError) as exc:
                counts["bad"] += 1
                reason = getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc)
                self.stderr.write(f"{key}: {reason}; not imported")
                continue
            except DatabaseError as exc:
                raise CommandError(f"{key}: the database failed: {exc}", returncode=1) from exc
            counts[outcome] += 1
        self.stdout.write(
            f"{len(files)} files: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['bad']} not imported"
        )
        if counts["bad"]:
            raise CommandError(
                f"{counts['bad']} of {len(files)} files not imported; fix them and run again",
                returncode=1,
            )


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _values(parsed: ParsedFile) -> dict:
    return {
        "title": parsed.title,
        "body": parsed.body,
        "keywords": parsed.keywords,
        "category": _category(parsed.category),
        "audience": parsed.audience,
        "owner": _owner(parsed.owner),
        "review_date": parsed.review_date,
    }


def _category(parts: list[str]) -> Category | None:
    if not parts:
        return None
    parent = Category.objects.filter(parent=None, name__iexact=parts[0]).first()
    if parent is None:
        raise BadFile(f"no category {parts[0]!r} (create it in the admin site first)")
    if len(parts) == 1:
        return parent
    child = Category.objects.filter(parent=parent, name__iexact=parts[1]).first()
    if child is None:
        raise BadFile(f"no subcategory {parts[1]!r} under {parent.name!r}")
    return child


def _owner(username: str) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None or not user.is_agent:
        raise BadFile(f"owner {username!r} is not an active agent")
    return user
