"""Raw bytes made parseable: line endings, mbox separators and header blocks that break the rules.

The email package reads a message's header block up to the first line that is neither a header
nor a continuation, and takes everything from there as the body. Real mail breaks that in a few
ways this repairs before parsing: an mbox ``From `` line or blank lines before the headers, a
stray line of text above them (``---- Original email message ----``), and continuation lines that
a broken mailer forgot to indent. Each repair is named in the returned list.
"""

from __future__ import annotations

import re

HEADER = re.compile(rb"^[!-9;-~]+[ \t]*:")
MBOX_FROM = re.compile(rb"^>?From \S+")
# Fields that show a header block goes on: a line above one of these is part of the headers.
KNOWN = re.compile(
    rb"^(from|to|cc|subject|date|message-id|mime-version|content-type|"
    rb"content-transfer-encoding|received|return-path|reply-to|in-reply-to|references|sender|"
    rb"delivered-to|x-[!-9;-~]+)[ \t]*:",
    re.IGNORECASE,
)
LOOK_AHEAD = 12  # lines: how far a header block may resume after a stray line


def repair(raw: bytes) -> tuple[bytes, list[str]]:
    defects: list[str] = []
    head_end = _head_end(raw)
    if b"\r" in raw[:head_end] and b"\n" not in raw[:head_end]:
        raw = raw.replace(b"\r", b"\n")
        defects.append("bare CR line endings")
    lines = raw.split(b"\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    if start:
        defects.append("blank lines before the headers")
    if start < len(lines) and MBOX_FROM.match(lines[start]) and not HEADER.match(lines[start]):
        start += 1
        defects.append("mbox From line")
    # Text above the headers: skipped when real headers follow right below it.
    skipped = start
    while skipped < min(len(lines), start + 3) and not HEADER.match(lines[skipped]):
        skipped += 1
    if skipped > start and skipped < len(lines) and _headers_follow(lines, skipped - 1):
        defects.append("text above the headers")
        start = skipped
    lines = lines[start:]
    for index, line in enumerate(lines):
        stripped = line.rstrip(b"\r")
        if not stripped:
            break
        if HEADER.match(stripped) or stripped[:1] in (b" ", b"\t"):
            continue
        if index and _headers_follow(lines, index):
            lines[index] = b" " + line
            if "header line without indentation" not in defects:
                defects.append("header line without indentation")
        else:
            break  # the body starts here without a blank line: the email package knows that
    return b"\n".join(lines), defects


def _head_end(raw: bytes) -> int:
    for separator in (b"\r\n\r\n", b"\n\n", b"\r\r"):
        found = raw.find(separator)
        if found != -1:
            return found
    return min(len(raw), 64 * 1024)


def _headers_follow(lines: list[bytes], index: int) -> bool:
    """Whether a known header field comes within a few lines below ``index``, before a blank."""
    for line in lines[index + 1 : index + 1 + LOOK_AHEAD]:
        line = line.rstrip(b"\r")
        if not line:
            return False
        if KNOWN.match(line):
            return True
    return False
