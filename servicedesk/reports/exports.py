"""A report's table as CSV or XLSX, with spreadsheet formula injection neutralised.

A cell a spreadsheet would read as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return: a ticket title, a group name, an organisation someone typed) must stay
text, or opening the export could run it (OWASP "CSV injection"). In CSV such text gets a
leading apostrophe, which spreadsheets read as "this is text" and hide; in XLSX it is written as
a string cell, which is never evaluated, so the text stays exactly as typed. Numbers are written
as numbers in both.
"""

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}
SHEET_TITLE_MAX = 31  # Excel's limit


@dataclass(frozen=True)
class Table:
    """What an export writes: column (key, header) pairs, rows as dicts, and a few lines about
    where the figures come from (report, range, filters, when)."""

    title: str
    columns: Sequence[tuple[str, str]]
    rows: Sequence[Mapping[str, object]]
    about: Sequence[tuple[str, str]] = ()


def csv_safe(value: object) -> object:
    """``value`` as a CSV cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def csv_rows(table: Table) -> Iterable[list[object]]:
    yield [csv_safe(header) for _, header in table.columns]
    for row in table.rows:
        yield [csv_safe(_plain(row.get(key))) for key, _ in table.columns]


def csv_bytes(table: Table) -> bytes:
    """The table as UTF-8 CSV with a byte-order mark, which Excel needs to read UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(csv_rows(table))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(table: Table) -> bytes:
    """The table as an XLSX workbook: the figures on the first sheet, what they are on the
    second ("About")."""
    # openpyxl imports numpy whenever it is installed (scikit-learn brings it): imported at
    # module level, every web worker would carry numpy for the few requests that ask for an
    # XLSX (servicedesk/triage/tests/test_import_cost.py keeps the workers free of it).
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    def _cell(sheet, value: object, *, bold: bool = False) -> WriteOnlyCell:
        value = _plain(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            # openpyxl reads "=..." as a formula when the value is set; a string cell is text.
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        return cell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_sheet_title(table.title))
    sheet.append([_cell(sheet, header, bold=True) for _, header in table.columns])
    for row in table.rows:
        sheet.append([_cell(sheet, row.get(key)) for key, _ in table.columns])
    about = book.create_sheet(title="About")
    for name, value in table.about:
        about.append([_cell(about, name, bold=True), _cell(about, value)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    # Sheet names may not hold []:*?/\ and are at most 31 characters.
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip() or "Report"
    return cleaned[:SHEET_TITLE_MAX]


def export_bytes(table: Table, *, format: str) -> bytes:
    """The table in ``format`` ("csv" or "xlsx")."""
    if format == "csv":
        return csv_bytes(table)
    if format == "xlsx":
        return xlsx_bytes(table)
    raise ValueError(f"Unknown export format {format!r}: use csv or xlsx.")
