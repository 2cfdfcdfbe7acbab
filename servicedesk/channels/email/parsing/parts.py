"""The MIME tree of a message walked into its body, its files, its inline images and its reports.

- ``multipart/alternative``: the plain-text alternative gives the text (the HTML's rendering
  when the plain one is empty), the HTML alternative gives the HTML; the other is not a file.
- ``multipart/related``: the root part is the body; the parts it references by ``cid:`` are
  inline images, the rest are files.
- ``multipart/mixed`` and unknown multiparts: inline text and HTML parts without a file name are
  the body, in order (Apple Mail interleaves them with images); everything else is a file.
- ``multipart/signed``: the signed part is the body, the signature is kept as a file.
- ``multipart/encrypted``: nothing is readable; the encrypted data is kept as a file.
- ``multipart/report``: the human-readable part is the body, the ``message/delivery-status``
  part is read into a DeliveryStatus, the returned message is a forwarded message.
- ``message/rfc822``: a forwarded message, kept as a ``.eml`` file and parsed in its turn.
- ``application/ms-tnef`` (winmail.dat): unpacked into its files (and its body, when the mail
  has no other).
- uuencoded files (``x-uuencode`` transfer encoding, or ``begin 644 name`` blocks in a text
  part): decoded into files.
- A multipart whose boundary never occurs: its content is read as a text part.
"""

from __future__ import annotations

import binascii
import bisect
import mimetypes
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy, utils
from email.message import Message
from urllib.parse import unquote

from tnefparse import TNEF

from servicedesk.channels.email.parsing import charsets, headers
from servicedesk.channels.email.parsing.message import ParsedAttachment

MAX_DEPTH = 40  # nested multiparts and forwards; deeper is hostile, its content is kept raw
BODY_TYPES = {"text/plain", "text/html", "text/enriched", "text/richtext"}
DEFAULT_NAMES = {
    "application/pgp-signature": "signature.asc",
    "application/pkcs7-signature": "smime.p7s",
    "application/x-pkcs7-signature": "smime.p7s",
    "application/pkcs7-mime": "smime.p7m",
    "application/x-pkcs7-mime": "smime.p7m",
    "application/pgp-encrypted": "encrypted.asc",
    "message/rfc822": "message.eml",
    "message/global": "message.eml",
    "text/rfc822-headers": "headers.txt",
    "application/ms-tnef": "winmail.dat",
}
HTML_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_:.+-]+)", re.IGNORECASE)
CID = re.compile(r"cid:([^\"'\s)>]+)", re.IGNORECASE)
UU_BEGIN = re.compile(r"^begin(?:-base64)? [0-7]{3,4} (.+)$")


class _AsReceived(policy.Compat32):
    """Headers written back as they came, folding and all: a forwarded message's .eml is
    what was received, and refolding every header (DKIM, ARC, Received) cost most of a
    bounce's parse."""

    def fold(self, name: str, value: str) -> str:
        return f"{name}: {value}{self.linesep}"

    def fold_binary(self, name: str, value: str) -> bytes:
        return self.fold(name, str(value)).encode("ascii", "surrogateescape")


AS_RECEIVED = _AsReceived()


@dataclass
class Walked:
    """What a part (and everything below it) contributes."""

    text: list[tuple[str, str]] = field(default_factory=list)  # ("plain" | "html", content)
    html: list[tuple[str, str]] = field(default_factory=list)  # the same, for the HTML view
    files: list[ParsedAttachment] = field(default_factory=list)
    with_cid: list[ParsedAttachment] = field(default_factory=list)  # inline if referenced
    forwarded: list[Message] = field(default_factory=list)
    delivery_status: list[Message] = field(default_factory=list)
    returned_headers: list[Message] = field(default_factory=list)
    fallback: list[tuple[str, str]] = field(default_factory=list)  # winmail.dat's own body
    defects: list[str] = field(default_factory=list)

    def add(self, other: Walked, *, body: bool = True) -> None:
        if body:
            self.text.extend(other.text)
            self.html.extend(other.html)
        self.files.extend(other.files)
        self.with_cid.extend(other.with_cid)
        self.forwarded.extend(other.forwarded)
        self.delivery_status.extend(other.delivery_status)
        self.returned_headers.extend(other.returned_headers)
        self.fallback.extend(other.fallback)
        self.defects.extend(other.defects)

    def has_content(self) -> bool:
        return any(content.strip() for _, content in self.text)


class Walker:
    def __init__(self, *, hints: tuple[str, ...], linesep: str = "\n") -> None:
        self.hints = hints
        # A forwarded message is written back with the line endings the mail came with.
        self.as_received = AS_RECEIVED if linesep == "\n" else AS_RECEIVED.clone(linesep=linesep)

    def walk(self, part: Message, depth: int = 0) -> Walked:
        out = Walked()
        if depth > MAX_DEPTH:
            out.defects.append("MIME nested too deeply; the rest kept as one file")
            out.files.append(self._file(part, payload=_raw_payload(part)))
            return out
        ctype = part.get_content_type()
        maintype = part.get_content_maintype()
        if maintype == "multipart":
            if not part.is_multipart():
                out.defects.append(f"{ctype} without its boundary; read as text")
                self._text(part, "text/plain", out)
                return out
            return self._multipart(part, ctype, depth)
        if ctype in ("message/rfc822", "message/global"):
            self._message(part, out)
            return out
        if ctype == "message/delivery-status":
            self._delivery_status(part, out)
            return out
        if ctype == "text/rfc822-headers":
            inner = _headers_only(_payload(part))
            if inner is not None:
                out.returned_headers.append(inner)
            out.files.append(self._file(part))
            return out
        if _is_tnef(part):
            self._tnef(part, out)
            return out
        if ctype in BODY_TYPES and not _is_file(part):
            self._text(part, ctype, out)
            return out
        attachment = self._file(part)
        if attachment.content_id:
            out.with_cid.append(attachment)
        else:
            out.files.append(attachment)
        return out

    # Multiparts.
    def _multipart(self, part: Message, ctype: str, depth: int) -> Walked:
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        out = Walked()
        if not children:
            return out
        if ctype == "multipart/alternative":
            walked = [self.walk(child, depth + 1) for child in children]
            plain = [w for w in walked if w.has_content() and all(k == "plain" for k, _ in w.text)]
            rich = [w for w in walked if any(k == "html" for k, _ in w.html)]
            readable = [w for w in walked if w.has_content()]
            text_from = plain[0] if plain else (readable[-1] if readable else walked[0])
            html_from = rich[-1] if rich else text_from
            out.text.extend(text_from.text)
            out.html.extend(html_from.html)
            for one in walked:
                out.add(one, body=False)
            return out
        if ctype == "multipart/related":
            start = param(part, "start").strip("<>")
            root_index = 0
            if start:
                for index, child in enumerate(children):
                    if str(child.get("Content-ID", "")).strip().strip("<>") == start:
                        root_index = index
            out.add(self.walk(children[root_index], depth + 1))
            for index, child in enumerate(children):
                if index != root_index:
                    other = self.walk(child, depth + 1)
                    # A related part is shown by reference, never as body text of its own.
                    for _kind, content in other.text:
                        if content.strip():
                            out.files.append(self._file(child))
                            break
                    out.add(other, body=False)
            return out
        if ctype == "multipart/signed":
            out.add(self.walk(children[0], depth + 1))
            for child in children[1:]:
                out.files.append(self._file(child))
            return out
        if ctype == "multipart/encrypted":
            for child in children:
                if child.get_content_type() == "application/pgp-encrypted" and len(children) > 1:
                    continue  # the "Version: 1" control part
                out.files.append(self._file(child))
            return out
        for child in children:
            out.add(self.walk(child, depth + 1))
        return out

    # Leaves.
    def _text(self, part: Message, ctype: str, out: Walked) -> None:
        data = _payload(part)
        declared = param(part, "charset") or None
        if declared is None and ctype == "text/html":
            found = HTML_CHARSET.search(data[:4096])
            if found:
                declared = found.group(1).decode("ascii", "replace")
        text, how = charsets.decode(data, declared, hints=self.hints)
        if how:
            out.defects.append(
                f"charset of {ctype}: declared {declared or 'nothing'}, read as {how}"
            )
        kind = "html" if ctype == "text/html" else "plain"
        if kind == "plain" and "begin " in text:
            text = self._uuencoded(text, out)
        if param(part, "format").lower() == "flowed" and kind == "plain":
            text = _unflow(text, delsp=param(part, "delsp").lower() == "yes")
        out.text.append((kind, text))
        out.html.append((kind, text))

    def _uuencoded(self, text: str, out: Walked) -> str:
        """Files uuencoded into a text body (old Outlook Express), taken out of the text."""
        lines = text.splitlines()
        ends = [number for number, line in enumerate(lines) if line.strip() == "end"]
        kept: list[str] = []
        index = 0
        while index < len(lines):
            begin = UU_BEGIN.match(lines[index].rstrip())
            end = _uu_end(ends, index + 1) if begin else None
            if begin is None or end is None:
                kept.append(lines[index])
                index += 1
                continue
            data = bytearray()
            for line in lines[index + 1 : end]:
                if not line.strip() or line.strip() == "`":
                    continue
                try:
                    data += binascii.a2b_uu(line)
                except binascii.Error:
                    # Some encoders pad short lines wrongly; decode what the length byte says.
                    count = (ord(line[0]) - 32) & 63
                    data += binascii.a2b_uu(line[: ((count + 2) // 3) * 4 + 1])
            name = _clean_name(begin.group(1))
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            out.files.append(
                ParsedAttachment(filename=name, content_type=ctype, content=bytes(data))
            )
            index = end + 1
        return "\n".join(kept) + ("\n" if text.endswith("\n") else "")

    def _message(self, part: Message, out: Walked) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if isinstance(inner, Message):
            out.forwarded.append(inner)
            try:
                content = inner.as_bytes(policy=self.as_received)
            except Exception:  # a broken inner message still goes with the mail, as it came
                content = _raw_payload(part)
            name = self._filename(part)
            if not name:
                subject = headers.decode_words(str(inner.get("Subject", "")), hints=self.hints)
                name = _clean_name(subject)[:80] + ".eml" if subject.strip() else "message.eml"
            out.files.append(
                ParsedAttachment(
                    filename=name, content_type=part.get_content_type(), content=content
                )
            )
        else:
            out.files.append(self._file(part))

    def _delivery_status(self, part: Message, out: Walked) -> None:
        payload = part.get_payload()
        if isinstance(payload, list):
            out.delivery_status.extend(block for block in payload if isinstance(block, Message))
        else:
            block = _headers_only(_payload(part).replace(b"\n\n", b"\n"))
            if block is not None:
                out.delivery_status.append(block)

    def _tnef(self, part: Message, out: Walked) -> None:
        data = _payload(part)
        try:
            tnef = TNEF(data)
        except Exception:  # a damaged winmail.dat stays a file: nothing is lost
            out.defects.append("winmail.dat could not be unpacked; kept as it came")
            out.files.append(self._file(part))
            return
        for item in tnef.attachments:
            try:
                name = item.long_filename() or item.name or "attachment"
            except Exception:
                name = getattr(item, "name", "") or "attachment"
            if isinstance(name, bytes):
                name = charsets.decode(name, None, hints=self.hints)[0]
            name = _clean_name(str(name).rstrip("\x00"))
            ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            content = item.data if isinstance(item.data, bytes) else bytes(item.data or b"")
            out.files.append(ParsedAttachment(filename=name, content_type=ctype, content=content))
        body = getattr(tnef, "htmlbody", None) or getattr(tnef, "body", None)
        if body:
            text = body if isinstance(body, str) else charsets.decode(body, None)[0]
            kind = "html" if getattr(tnef, "htmlbody", None) else "plain"
            # Outlook sends the same body as the mail's own text: used only when there is none.
            out.fallback.append((kind, text))

    # Files.
    def _filename(self, part: Message) -> str:
        try:
            name = part.get_filename()
        except Exception:
            name = None
        if not name:
            return ""
        name = str(name)
        if "=?" in name or not name.isascii():
            name = headers.decode_words(name, hints=self.hints)
        return _clean_name(name)

    def _file(self, part: Message, *, payload: bytes | None = None) -> ParsedAttachment:
        ctype = part.get_content_type()
        name = self._filename(part)
        if not name:
            name = DEFAULT_NAMES.get(ctype) or "attachment" + (
                mimetypes.guess_extension(ctype) or ".bin"
            )
        content_id = str(part.get("Content-ID", "") or "").strip().strip("<>")
        return ParsedAttachment(
            filename=name,
            content_type=ctype,
            content=_payload(part) if payload is None else payload,
            content_id=content_id,
        )


def param(part: Message, name: str) -> str:
    """A Content-Type parameter as text ("" when absent), RFC 2231 values collapsed."""
    try:
        value = part.get_param(name)
    except Exception:
        return ""
    if value is None:
        return ""
    return str(utils.collapse_rfc2231_value(value)).strip()


def referenced_cids(html_parts: list[str]) -> set[str]:
    found: set[str] = set()
    for html in html_parts:
        found.update(unquote(match).strip("<>") for match in CID.findall(html))
    return found


def _payload(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # a transfer encoding that cannot be undone: the bytes as they came
        data = None
    if isinstance(data, bytes):
        return data
    return _raw_payload(part)


def _raw_payload(part: Message) -> bytes:
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("ascii", "surrogateescape")
    try:
        return part.as_bytes()
    except Exception:
        return b""


def _is_file(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment":
        return True
    try:
        return bool(part.get_filename())
    except Exception:
        return False


def _is_tnef(part: Message) -> bool:
    if part.get_content_type() in ("application/ms-tnef", "application/vnd.ms-tnef"):
        return True
    try:
        name = (part.get_filename() or "").lower()
    except Exception:
        return False
    return name == "winmail.dat"


def _headers_only(data: bytes) -> Message | None:
    try:
        return message_from_bytes(data.strip() + b"\n\n", policy=policy.compat32)
    except Exception:
        return None


def _uu_end(ends: list[int], start: int) -> int | None:
    """The first "end" line at or after ``start`` (``ends``: the numbers of all of them)."""
    found = bisect.bisect_left(ends, start)
    return ends[found] if found < len(ends) else None


def _unflow(text: str, *, delsp: bool) -> str:
    """format=flowed (RFC 3676): soft line breaks joined, space-stuffing undone."""
    out: list[str] = []
    carry = ""
    for line in text.split("\n"):
        line = line.rstrip("\r")
        if line.startswith(" "):
            line = line[1:]
        if line.endswith(" ") and line.rstrip() != "--" and not line.startswith(">"):
            carry += line[:-1] if delsp else line
            continue
        out.append(carry + line)
        carry = ""
    if carry:
        out.append(carry)
    return "\n".join(out)


def _clean_name(name: str) -> str:
    """A file name without directories and control characters (``C:\\x\\a.pdf`` is ``a.pdf``)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if c >= " " and c != "\x7f").strip().strip(".")
    return name[:255] or "attachment"
