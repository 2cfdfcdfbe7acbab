"""Article bodies: Markdown in, sanitised HTML and plain words out. Pure functions."""

import html
import re

import markdown
import nh3

# Python-Markdown passes raw HTML through; nh3 then keeps only what an article needs. No
# script, style, iframe, form or event attribute survives, and links get rel="noopener".
_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre",
    "s", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "code": {"class"},
    "abbr": {"title"},
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|li|ul|ol|h[1-6]|pre|blockquote|div|table|thead|tbody|tfoot|tr|td|th|dl|dd|dt|hr)"
    r"\b[^>]*>",
    re.IGNORECASE,
)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"[ \t\r\f\v]+")
_BLANK = re.compile(r"\n\s*\n+")


def render_markdown(body: str) -> str:
    """The body as HTML that is safe to show as it is."""
    raw = markdown.markdown(
        _CONTROL.sub("", body), extensions=["extra", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def plain_text(body_html: str) -> str:
    """The words of sanitised HTML, for the search index and snippets (no markup left)."""
    # Block tags end a line; inline ones (em, code, a) join their words to the text around.
    text = _TAG.sub("", _BLOCK_TAG.sub("\n", body_html))
    text = _CONTROL.sub("", html.unescape(text))
    text = _SPACE.sub(" ", text)
    return _BLANK.sub("\n\n", "\n".join(line.strip() for line in text.split("\n"))).strip()


MARK_START, MARK_END = "\x02", "\x03"


def highlight(snippet: str) -> str:
    """A snippet from the index, its matches between the markers, as safe HTML with <mark>."""
    escaped = html.escape(snippet, quote=True)
    if escaped.count(MARK_START) != escaped.count(MARK_END):  # a cut snippet: no marks at all
        return escaped.replace(MARK_START, "").replace(MARK_END, "")
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
