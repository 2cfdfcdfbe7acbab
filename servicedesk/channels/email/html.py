"""HTML mail: sanitised for display (nh3), and rendered as readable text for the comment.

The text rendering keeps what a reader sees: paragraphs and line breaks, list items as "- ",
table cells side by side, and quoted blocks (``<blockquote>``) as "> " lines, so that the reply
parser finds the quoted history of an HTML mail as it does in a plain one. Scripts, styles and
the head are dropped. The standard library's tolerant HTMLParser reads it: mail HTML is often
broken, and a missing end tag must not lose the text after it.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import nh3

# Everything nh3 allows by default, with cid: for inline images, and the few presentational
# attributes mail is written with (no style: it can hide text or pull in remote content).
URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
EXTRA_ATTRIBUTES = {
    "td": {"colspan", "rowspan", "align", "valign"},
    "th": {"colspan", "rowspan", "align", "valign"},
    "table": {"border", "cellpadding", "cellspacing"},
    "img": {"width", "height"},
    "font": {"color"},
}

BLOCK = {
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "tr",
    "ul",
}  # fmt: skip
PARAGRAPH = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "blockquote", "pre"}
HIDDEN = {"head", "script", "style", "title", "template", "noscript", "xml"}
VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr", "source"}
IMPLIED_END = {"p", "li", "dt", "dd", "tr", "td", "th", "option", "thead", "tbody", "tfoot"}
TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)[^>]*?(/?)>")
MAX_NESTING = 512
SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u200b]+")


def nesting_depth(html: str) -> int:
    """How deep elements nest at most: a linear scan of the tags, erring on the deep side.

    Elements that close themselves implicitly (p, li, td, ...) are not counted.
    """
    depth = deepest = 0
    for match in TAG.finditer(html):
        closing, name, self_closing = match.groups()
        name = name.lower()
        if name in VOID or name in IMPLIED_END or self_closing:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        deepest = max(deepest, depth)
    return deepest


def sanitise(html: str) -> str:
    """HTML safe to show inside the desk: no script, no event handlers, no remote styles.

    HTML nested deeper than any mail client writes is shown as its text rendering instead:
    the sanitiser's tree building slows down with the square of the depth, and a hostile mail
    must not hold a worker for minutes.
    """
    if nesting_depth(html) > MAX_NESTING:
        return f"<pre>{escape(to_text(html))}</pre>"
    attributes = {tag: set(values) for tag, values in nh3.ALLOWED_ATTRIBUTES.items()}
    for tag, values in EXTRA_ATTRIBUTES.items():
        attributes.setdefault(tag, set()).update(values)
    return nh3.clean(
        html,
        tags=set(nh3.ALLOWED_TAGS) | {"font", "center"},
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    ).strip()


def to_text(html: str) -> str:
    """A readable plain-text rendering of ``html``."""
    renderer = _Renderer()
    try:
        renderer.feed(html)
        renderer.close()
    except (AssertionError, ValueError):  # HTMLParser gives up on some broken markup
        pass
    return renderer.text()


class _Renderer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []  # (quote depth, text)
        self.current = ""
        self.prefix = ""  # of a list item's line
        self.depth = 0
        self.hidden = 0
        self.pre = 0
        self.list_depth = 0

    # Lines and paragraphs.
    def _break(self) -> None:
        if self.pre:
            self.lines.append((self.depth, self.current.rstrip()))
        elif self.current.strip():
            self.lines.append((self.depth, self.prefix + self.current.strip()))
        self.current = ""
        self.prefix = ""

    def _paragraph(self) -> None:
        self._break()
        if self.lines and self.lines[-1][1] != "":
            self.lines.append((self.depth, ""))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
            return
        if tag == "br":
            self._break()
            return
        if tag in PARAGRAPH:
            self._paragraph()
        elif tag in BLOCK:
            self._break()
        if tag == "blockquote":
            self.depth += 1
        elif tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            self.list_depth += 1
        elif tag == "li":
            self.prefix = "  " * max(self.list_depth - 1, 0) + "- "
        elif tag in ("td", "th") and self.current.strip():
            self.current += "  "
        elif tag == "hr":
            self.lines.append((self.depth, "---"))
        elif tag == "img":
            alt = dict(attrs).get("alt") or ""
            if alt.strip():
                self.handle_data(f"[{alt.strip()}]")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
            return
        if tag in PARAGRAPH:
            self._paragraph()
        elif tag in BLOCK:
            self._break()
        if tag == "blockquote":
            self.depth = max(self.depth - 1, 0)
        elif tag == "pre":
            self.pre = max(self.pre - 1, 0)
        elif tag in ("ul", "ol"):
            self.list_depth = max(self.list_depth - 1, 0)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:
            first, *rest = data.split("\n")
            self.current += first
            for line in rest:
                self._break()
                self.current = line
            return
        text = SPACES.sub(" ", data)
        if not self.current.strip():
            text = text.lstrip()
        self.current += text

    def text(self) -> str:
        self._break()
        out: list[str] = []
        for depth, line in self.lines:
            line = line.rstrip()
            if not line and out and not out[-1].rstrip("> "):
                continue  # one blank line at most
            out.append(("> " * depth + line).rstrip() if depth else line)
        return "\n".join(out).strip("\n")
