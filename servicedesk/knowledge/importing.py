"""Reading one Markdown file for ``servicedesk kb-import``: a pure function, no database.

A file may start with YAML front matter between two ``---`` lines:

    ---
    title: Reset your password
    category: Access > Password        # a category, or "category > subcategory"
    keywords: [password, login]        # a list or "password, login"
    audience: public                   # public (default) or internal
    state: published                   # published (default) or draft
    owner: mo                          # an agent's user name (optional)
    review_date: 2027-06-30            # optional
    ---
    The body, in Markdown.

Without a title the first ``# heading`` is the title (and leaves the body); without either,
the file's name is.
"""

import re
from dataclasses import dataclass, field
from datetime import date

import yaml

MAX_FILE_BYTES = 1_000_000
KNOWN_KEYS = {"title", "category", "keywords", "audience", "state", "owner", "review_date"}
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_HEADING = re.compile(r"\A\s*#[ \t]+(.+?)[ \t#]*(?:\r?\n|\Z)")


class BadFile(ValueError):
    """Why a file cannot be imported, in one line."""


@dataclass
class ParsedFile:
    title: str
    body: str
    keywords: str = ""
    category: list[str] = field(default_factory=list)
    audience: str = "public"
    state: str = "published"
    owner: str = ""
    review_date: date | None = None


def parse_file(raw: bytes, *, name: str) -> ParsedFile:
    if len(raw) > MAX_FILE_BYTES:
        raise BadFile(f"larger than {MAX_FILE_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadFile(f"not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise BadFile("holds NUL characters: not a text file")
    meta: dict = {}
    front = _FRONT.match(text)
    if front:
        try:
            loaded = yaml.safe_load(front.group(1))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 2}" if mark is not None else ""
            raise BadFile(f"front matter is not valid YAML{where}") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise BadFile("front matter must be key: value lines")
        meta = loaded or {}
        text = text[front.end() :]
    unknown = set(map(str, meta)) - KNOWN_KEYS
    if unknown:
        raise BadFile(f"unknown front matter key(s): {', '.join(sorted(unknown))}")
    for key in ("audience", "state", "owner", "review_date"):
        # Written out with str(), a list nested through YAML aliases grows to gigabytes.
        if isinstance(meta.get(key), list | dict):
            raise BadFile(f"{key} must be one value, not a list")
    title = meta.get("title")
    if title is None:
        heading = _HEADING.match(text)
        if heading:
            title, text = heading.group(1), text[heading.end() :]
        else:
            title = name.rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    if not isinstance(title, str | int | float) or not str(title).strip():
        raise BadFile("title is empty")
    keywords = meta.get("keywords", "")
    if isinstance(keywords, list):
        # Words only: a nested list written out through YAML aliases ("billion laughs") grew
        # to gigabytes of text from a small file.
        if not all(isinstance(k, str | int | float) for k in keywords):
            raise BadFile("keywords must be a list of words or a comma-separated text")
        keywords = ", ".join(str(k) for k in keywords)
    elif not isinstance(keywords, str):
        raise BadFile("keywords must be a list or a comma-separated text")
    category = meta.get("category") or ""
    if not isinstance(category, str):
        raise BadFile("category must be a name, or 'category > subcategory'")
    parts = [p.strip() for p in re.split(r">|/", category) if p.strip()]
    if len(parts) > 2:
        raise BadFile("category has at most two levels: 'category > subcategory'")
    audience = str(meta.get("audience", "public")).strip().lower()
    if audience not in {"public", "internal"}:
        raise BadFile(f"audience must be public or internal, not {audience!r}")
    state = str(meta.get("state", "published")).strip().lower()
    if state not in {"published", "draft"}:
        raise BadFile(f"state must be published or draft, not {state!r}")
    review = meta.get("review_date")
    if review is not None and not isinstance(review, date):
        try:
            review = date.fromisoformat(str(review))
        except ValueError:
            raise BadFile(
                f"review_date must be a date such as 2027-06-30, not {review!r}"
            ) from None
    if not text.strip():
        raise BadFile("the body is empty")
    return ParsedFile(
        title=str(title).strip(),
        body=text.strip() + "\n",
        keywords=keywords,
        category=parts,
        audience=audience,
        state=state,
        owner=str(meta.get("owner") or "").strip(),
        review_date=review,
    )
