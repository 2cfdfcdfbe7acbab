"""Bytes to text under the charset a message declares, and a good guess when it lies or is silent.

The order: the declared charset (through the aliases mail clients really write), UTF-8, the
charsets of the same script family as those the message declares elsewhere (a Japanese mail
labelled ISO-2022-JP that holds Shift_JIS bytes), charset-normalizer's detection, and last
windows-1252 with replacement characters, which never fails.
"""

from __future__ import annotations

import codecs
import functools
import re
from collections.abc import Iterable

from charset_normalizer import from_bytes

# Labels as mail clients write them, to the codec that reads what they mean in practice (the
# WHATWG encoding standard's reading: "iso-8859-1" and "us-ascii" are windows-1252 in the wild).
ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ksc5601": "cp949",
    "euc-kr": "cp949",
    "x-sjis": "cp932",
    "sjis": "cp932",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "windows-31j": "cp932",
    "x-euc-jp": "euc_jp",
    "iso-2022-jp": "iso2022_jp_ext",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso_8859-1": "cp1252",
    "iso-8859-8-i": "iso8859_8",
    "iso-8859-6-i": "iso8859_6",
    "iso-8859-11": "cp874",
    "windows-874": "cp874",
    "tis-620": "cp874",
    "x-mac-roman": "mac_roman",
    "x-mac-cyrillic": "mac_cyrillic",
    "iso-10646-ucs-2": "utf-16-be",
    "unicode-1-1-utf-7": "utf-7",
    "utf8": "utf-8",
    "utf-8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
}
CODE_PAGE = re.compile(r"^(?:cp|ibm|windows|x-cp)[-_ ]?(\d{3,5})$")
# Labels that carry no information: read as if nothing was declared.
MEANINGLESS = {"", "unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default", "none"}
# Charsets that are confused with each other: a mail that declares one often holds another.
FAMILIES = (
    ("cp932", "euc_jp", "iso2022_jp_ext", "iso2022_jp_2"),
    ("gb18030", "big5hkscs", "cp950"),
    ("cp949", "iso2022_kr", "johab"),
    ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "mac_cyrillic"),
    ("cp1250", "iso8859_2"),
    ("cp1253", "iso8859_7"),
    ("cp1254", "iso8859_9"),
    ("cp1255", "iso8859_8"),
    ("cp1256", "iso8859_6"),
    ("cp1257", "iso8859_13", "iso8859_4"),
)
# Detection on a few bytes is a coin toss; below this, fall back without asking.
DETECTION_MIN_BYTES = 16


@functools.lru_cache(maxsize=512)
def codec_for(label: str | None) -> str | None:
    """The Python codec for a declared charset label, or None when it names nothing we know."""
    if label is None:
        return None
    name = label.strip().strip("\"'").lower()
    name = name.split("*", 1)[0]  # RFC 2231 language suffix: utf-8*de
    if name in MEANINGLESS:
        return None
    name = ALIASES.get(name, name)
    page = CODE_PAGE.match(name)
    if page:  # "cp-850", "ibm-437", "windows_1252", "x-cp1250"
        name = f"cp{page.group(1)}"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


@functools.lru_cache(maxsize=128)
def _family(codec: str) -> tuple[str, ...]:
    for family in FAMILIES:
        names = [codecs.lookup(name).name for name in family]
        if codec in names:
            return tuple(names)
    return ()


def candidates(declared: Iterable[str | None]) -> list[str]:
    """The codecs worth trying for text in a message that declares ``declared`` somewhere."""
    found: list[str] = []
    for label in dict.fromkeys(declared):
        codec = codec_for(label)
        if codec is None:
            continue
        for name in (codec, *_family(codec)):
            if name not in found:
                found.append(name)
    return found


def decode(
    data: bytes, declared: str | None = None, *, hints: Iterable[str] = ()
) -> tuple[str, str]:
    """``data`` as text, and how it was read: "" when as declared, else the codec guessed.

    ``hints`` are codecs to try after UTF-8 (the other charsets the message declares, with
    their families); nothing here raises.
    """
    if not data:
        return "", ""
    codec = codec_for(declared)
    if codec is not None:
        try:
            return data.decode(codec), ""
        except (UnicodeDecodeError, LookupError):
            pass
    if data.isascii():
        return data.decode("ascii"), "" if codec is None else "ascii"
    tried = [codec] if codec else []
    for name in ("utf-8", *hints, *candidates([declared])):
        if name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    # UTF-8 with a stray broken byte (a truncated line, a pasted fragment) stays UTF-8; a lone
    # 8-bit byte in text that holds no UTF-8 sequence at all ("R\xe9union") is a single-byte
    # charset, not broken UTF-8.
    lenient = data.decode("utf-8", errors="replace")
    has_utf8 = any(ch > "\x7f" and ch != "\ufffd" for ch in lenient)
    if has_utf8 and lenient.count("\ufffd") <= max(1, len(lenient) // 200):
        return lenient, "utf-8 (with replacements)"
    if len(data) >= DETECTION_MIN_BYTES:
        best = from_bytes(data).best()
        if best is not None and best.encoding:
            return str(best), best.encoding
    # A Western label that lied is most often windows-1252; any other keeps its own codec.
    fallback = codec if codec and codec not in ("utf-8", "ascii") else "cp1252"
    return data.decode(fallback, errors="replace"), fallback + " (with replacements)"
