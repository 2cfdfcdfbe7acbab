"""CSV and XLSX exports read back: values, types, and formula injection neutralised."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from servicedesk.reports.exports import Table, csv_bytes, csv_safe, export_bytes, xlsx_bytes

DANGEROUS = ['=HYPERLINK("http://x","y")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]


def table() -> Table:
    rows = [{"name": text, "n": i} for i, text in enumerate(DANGEROUS)]
    rows.append({"name": "Service Desk", "n": Decimal("62.5")})
    rows.append({"name": None, "n": -4})
    return Table(
        title="SLA: adherence [by group]",
        columns=[("name", "Group"), ("n", "Tickets")],
        rows=rows,
        about=[("Report", "sla"), ("From", "2026-03-01")],
    )


@pytest.mark.parametrize("text", DANGEROUS)
def test_csv_safe_quotes_formula_text(text):
    assert csv_safe(text) == "'" + text


def test_csv_safe_leaves_numbers_and_plain_text():
    assert csv_safe(-4) == -4
    assert csv_safe("Service Desk") == "Service Desk"


def test_csv_reads_back():
    data = csv_bytes(table())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Group", "Tickets"]
    assert [r[0] for r in rows[1:7]] == ["'" + t for t in DANGEROUS]
    assert rows[7] == ["Service Desk", "62.5"]
    assert rows[8] == ["", "-4"]


def test_xlsx_reads_back_with_formula_text_as_text():
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes(table())))
    assert book.sheetnames == ["SLA  adherence  by group", "About"]
    sheet = book.worksheets[0]
    rows = [[c for c in row] for row in sheet.iter_rows()]
    assert [c.value for c in rows[0]] == ["Group", "Tickets"]
    first = rows[1][0]
    # The cell holds the text exactly as typed, as a string: never a formula.
    assert first.value == DANGEROUS[0]
    assert first.data_type == "s"
    for row, text in zip(rows[1:7], DANGEROUS, strict=True):
        # XML reads a carriage return back as a line feed; the cell is text either way.
        assert row[0].value == text.replace("\r", "\n") and row[0].data_type == "s"
    assert rows[7][1].value == 62.5 and rows[7][1].data_type == "n"
    assert rows[8][1].value == -4
    about = [[c.value for c in row] for row in book["About"].iter_rows()]
    assert about == [["Report", "sla"], ["From", "2026-03-01"]]


def test_xlsx_formula_cell_is_not_a_formula_in_the_file():
    # Read the sheet's XML itself: no <f> element anywhere.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(table()))) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_unknown_format():
    with pytest.raises(ValueError, match="csv or xlsx"):
        export_bytes(table(), format="pdf")
