"""Open a ServiceNow event log (a CSV, bare or zipped) and split it into rows, one per line.

The log's fields hold no line breaks, so each physical line is one row. Reading line by line
instead of handing the whole stream to the csv module keeps one bad line from taking others
with it: an unclosed quote ends at its own line, a line that is not UTF-8 or is absurdly long
is reported and skipped, and the next line is read as a row again. Such lines are skipped,
not repaired: a Latin-1 byte is not decoded by guess, since a wrong guess would import a
misspelt name as another person. For an unreadable line the text before its first comma is
passed on as well: in the log that is the incident number, which tells the parser whose row
was lost.
"""

import csv
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Protocol

LOG_NAME = "incident_event_log.csv"
LINE_MAX_BYTES = 1 << 20
LEAD_MAX_BYTES = 64  # an incident number is 13 characters; more is not a number
SHOWN_MAX = 40  # characters of a bad value quoted in a message
_BOM = b"\xef\xbb\xbf"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_MEMBERS_SHOWN = 10
# What reading a damaged member raises: zlib, bz2 (OSError) and lzma errors, a bad CRC or
# header (BadZipFile), a member cut short (EOFError), an unsupported compression method.
_DAMAGED = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, NotImplementedError)


class LogUnreadable(Exception):
    """The file is missing or is not a ServiceNow incident event log."""


class LineSource(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def shown(value: str) -> str:
    """A value quoted for a one-line message: escaped, and cut short when long."""
    if len(value) <= SHOWN_MAX:
        return repr(value)
    return f"{value[:SHOWN_MAX]!r}... ({len(value):,} characters)"


@contextmanager
def open_log(path: Path) -> Iterator[LineSource]:
    """Open the log for reading in bytes: the bare CSV, or the log's CSV inside a zip.

    LogUnreadable's messages, here and from reading the stream, leave the path to the caller.
    """
    if not path.is_file():
        raise LogUnreadable("no such file")
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise LogUnreadable(exc.strerror or "cannot be opened") from exc
    with stream:
        # By its first bytes, not zipfile.is_zipfile: a truncated zip has lost the directory
        # at its end that is_zipfile looks for, and would be read as a (garbled) CSV.
        if stream.read(4) in _ZIP_MAGIC or path.suffix.lower() == ".zip":
            stream.seek(0)
            with _open_member(stream) as member:
                yield member
        else:
            stream.seek(0)
            yield _Guarded(stream, "cannot be read")


@contextmanager
def _open_member(stream: BinaryIO) -> Iterator[LineSource]:
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LogUnreadable(
            f"not a readable zip file, it may be truncated or damaged ({_reason(exc)})"
        ) from exc
    with archive:
        info = _pick_member(archive)
        where = f"{shown(info.filename)} in the zip"
        if info.flag_bits & 0x1:
            raise LogUnreadable(f"{where} is password-protected; extract it and import the CSV")
        try:
            raw = archive.open(info)
        except (*_DAMAGED, RuntimeError) as exc:
            raise LogUnreadable(f"{where} cannot be opened ({_reason(exc)})") from exc
        with raw:
            yield _Guarded(io.BufferedReader(raw, buffer_size=1 << 16), f"{where} is damaged")


def _pick_member(archive: zipfile.ZipFile) -> zipfile.ZipInfo:
    """The member named like the log, else the only CSV; a clear error otherwise."""
    files = [info for info in archive.infolist() if not info.is_dir()]
    csvs = [
        info
        for info in files
        if info.filename.lower().endswith(".csv") and not info.filename.startswith("__MACOSX/")
    ]
    named = [info for info in csvs if PurePosixPath(info.filename).name.lower() == LOG_NAME]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise LogUnreadable(f"the zip holds {LOG_NAME} more than once: {_names(named)}")
    if len(csvs) == 1:
        return csvs[0]
    if csvs:
        raise LogUnreadable(
            f"the zip holds several .csv files and none is named {LOG_NAME}: {_names(csvs)}"
        )
    holds = f" (it holds {_names(files)})" if files else " (it is empty)"
    raise LogUnreadable(f"the zip holds no .csv file{holds}")


def _names(members: list[zipfile.ZipInfo]) -> str:
    names = ", ".join(shown(info.filename) for info in members[:_MEMBERS_SHOWN])
    more = len(members) - _MEMBERS_SHOWN
    return names + (f" and {more} more" if more > 0 else "")


def _reason(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


class _Guarded:
    """A byte stream whose read errors become one LogUnreadable saying what was being read."""

    __slots__ = ("_stream", "_where")

    def __init__(self, stream: BinaryIO, where: str) -> None:
        self._stream = stream
        self._where = where

    def readline(self, size: int = -1, /) -> bytes:
        try:
            return self._stream.readline(size)
        except _DAMAGED as exc:
            raise LogUnreadable(f"{self._where} ({_reason(exc)})") from exc


# ---- lines to rows -------------------------------------------------------------------------


# (line number, fields, None, None) for a readable line; (line number, None, reason, lead) for
# an unreadable one, where lead is the text before its first comma if that can be read.
CsvLine = tuple[int, list[str] | None, str | None, str | None]


def csv_lines(source: LineSource) -> Iterator[CsvLine]:
    """Each line as fields, or as the reason it cannot be read and the text it starts with.

    Blank lines are passed over; the first line is the header like any other.
    """
    number = 0
    while True:
        raw = source.readline(LINE_MAX_BYTES + 1)
        if not raw:
            return
        number += 1
        if not raw.endswith(b"\n") and len(raw) > LINE_MAX_BYTES:
            _skip_rest_of_line(source)
            yield number, None, f"the line is longer than {LINE_MAX_BYTES:,} bytes", _lead(raw)
            continue
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        raw = raw.rstrip(b"\n")
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield number, None, _not_utf8(raw, exc), _lead(raw)
            continue
        if "\r" in text:
            yield (
                number,
                None,
                "a carriage return inside the row (the log's fields hold no line breaks)",
                _lead(raw),
            )
            continue
        if '"' not in text:
            # Without quotes the csv module would split exactly here, only slower.
            yield number, text.split(","), None, None
            continue
        try:
            fields = next(csv.reader((text,), strict=True))
        except csv.Error as exc:
            yield number, None, _bad_quoting(exc), _lead(raw)
            continue
        yield number, fields, None, None


def _lead(raw: bytes) -> str | None:
    """The text before the line's first comma, unquoted, when it is short and UTF-8."""
    end = raw.find(b",", 0, LEAD_MAX_BYTES)
    if end < 0:
        return None
    try:
        return raw[:end].decode("utf-8").strip().strip('"')
    except UnicodeDecodeError:
        return None


def _skip_rest_of_line(source: LineSource) -> None:
    while True:
        chunk = source.readline(1 << 16)
        if not chunk or chunk.endswith(b"\n"):
            return


def _not_utf8(raw: bytes, exc: UnicodeDecodeError) -> str:
    return f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of the line)"


def _bad_quoting(exc: csv.Error) -> str:
    message = str(exc)
    if message == "unexpected end of data":
        return (
            "unbalanced quote: a quoted field does not end on its line "
            "(the log's fields hold no line breaks)"
        )
    if message.startswith("field larger than field limit"):
        return f"a quoted field is longer than {csv.field_size_limit():,} characters"
    return f"quotes out of place ({message})"
