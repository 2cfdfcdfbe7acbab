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
# The email package reads a header's parameters in time quadratic in their number: one
# Content-Type of 100,000 RFC 2231 continuations (2.6 MB) took 4 s a read, and it is read
# several times per part (the feed parser itself reads a multipart's boundary). Real ones,
# long encoded file names included, stay under a few KiB: longer ones are cut at a parameter.
PARAMETER_HEADER = re.compile(
    rb"^content-(?:type|disposition)[ \t]*:", re.IGNORECASE | re.MULTILINE
)
PARAMETER_HEADER_MAX = 8 * 1024


def repair(raw: bytes) -> tuple[bytes, list[str]]:
    defects: list[str] = []
    raw = _cut_parameter_headers(raw, defects)
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


def _field_end(raw: bytes, start: int) -> int:
    """Where the header field starting at ``start`` ends: its last line, continuations included
    (the position of the line break, or the end of ``raw``)."""
    end = start
    while True:
        line_break = raw.find(b"\n", end)
        if line_break == -1:
            return len(raw)
        if raw[line_break + 1 : line_break + 2] not in (b" ", b"\t"):
            return line_break
        end = line_break + 1


def _cut_parameter_headers(raw: bytes, defects: list[str]) -> bytes:
    if len(raw) <= PARAMETER_HEADER_MAX:
        return raw
    pieces: list[bytes] = []
    position = 0
    for match in PARAMETER_HEADER.finditer(raw):
        start = match.start()
        if start < position:
            continue  # inside the field cut just before
        end = _field_end(raw, start)
        if end - start <= PARAMETER_HEADER_MAX:
            continue
        field = raw[start:end]
        cut = field.rfind(b";", 0, PARAMETER_HEADER_MAX)
        kept = field[: cut if cut > match.end() - start else PARAMETER_HEADER_MAX].rstrip()
        pieces += [raw[position:start], kept, b"\r" if field.endswith(b"\r") else b""]
        position = end
    if not pieces:
        return raw
    defects.append(f"a Content-Type or Content-Disposition over {PARAMETER_HEADER_MAX:,} bytes cut")
    pieces.append(raw[position:])
    return b"".join(pieces)
