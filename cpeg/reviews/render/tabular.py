"""The review's tables as CSV (one file per table) and as one XLSX workbook.

Like every export in the product, each cell goes through
``core.exports.safe_cell``, so a group or person named ``=HYPERLINK(…)``
reaches a spreadsheet program as text, never as a formula. CSV is UTF-8
without a byte-order mark, rows ending CRLF, as the product's other CSV
files are.

The workbook has a "Figures" sheet first (every figure with last year's and
the change, and the exact value beside the rounded one), then a sheet per
table in reading order, each with its caption above the header row. A
numeric cell whose text is a plain number ("177", "£1,600,000", "61%") is
written as a number with a matching format, so it can be summed; any other
text stays text.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Font

from cpeg.core.exports import safe_cell, safe_row
from cpeg.reviews.document import Cell, Document, Table
from cpeg.reviews.render.layout import layout

NUMBER = re.compile(r"^(?P<sign>-?)(?P<pound>£?)(?P<digits>\d{1,3}(,\d{3})+|\d+)(?P<fraction>\.\d+)?(?P<percent>%?)$")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def table_csv(table: Table) -> str:
    """One table as CSV text: the header row, then its rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(table.columns))
    for row in table.rows:
        writer.writerow(safe_row(cell.text for cell in row))
    return out.getvalue()


def find_table(document: Document, key: str) -> Table | None:
    """The table ``key`` (or a chart's data table) in ``document``."""
    return next((t for t in layout(document).tables() if t.key == key), None)


def spreadsheet_value(cell: Cell):
    """The value to write for ``cell``, and its number format (or None).

    >>> spreadsheet_value(Cell("£1,600,000", numeric=True))
    (Decimal('1600000'), '"£"#,##0')
    >>> spreadsheet_value(Cell("61%", numeric=True))
    (Decimal('0.61'), '0%')
    >>> spreadsheet_value(Cell("fewer than 5", numeric=True))
    ('fewer than 5', None)
    """
    match = NUMBER.match(cell.text.strip()) if cell.numeric else None
    if match is None:
        return safe_cell(cell.text), None
    try:
        value = Decimal(f"{match['sign']}{match['digits'].replace(',', '')}{match['fraction'] or ''}")
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return safe_cell(cell.text), None
    places = len(match["fraction"]) - 1 if match["fraction"] else 0
    decimals = "." + "0" * places if places else ""
    if match["percent"]:
        return value / 100, f"0{decimals}%"
    if match["pound"]:
        return value, f'"£"#,##0{decimals}'
    return value, f"#,##0{decimals}" if "," in match["digits"] else None


def _sheet_name(caption: str, used: set[str]) -> str:
    """A sheet name from a caption: at most 31 characters, none of the
    characters Excel refuses, unique in the workbook (case ignored)."""
    base = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", caption).split()).strip("'")
    if len(base) > 31:  # cut at a word
        base = base[:31]
        base = base[: base.rindex(" ")] if " " in base else base
    base = base.rstrip(" ,;.-") or "Table"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" {n}"
        name, n = base[: 31 - len(suffix)].rstrip() + suffix, n + 1
    used.add(name.lower())
    return name


def _append_table(sheet, table: Table) -> None:
    sheet.append(safe_row([table.caption]))
    sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
    sheet.append(safe_row(table.columns))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        values = [spreadsheet_value(cell) for cell in row]
        sheet.append([value for value, _format in values])
        for column, (_value, number_format) in enumerate(values, start=1):
            if number_format:
                sheet.cell(row=sheet.max_row, column=column).number_format = number_format


def document_xlsx(document: Document) -> bytes:
    """Every table of ``document`` in one workbook, after its figures."""
    workbook = Workbook()
    figures = workbook.active
    figures.title = "Figures"
    used = {"figures"}
    figures.append(safe_row([document.title]))
    figures.cell(row=1, column=1).font = Font(bold=True)
    year = document.year_label + (" to date" if document.to_date else "")
    figures.append(["Section", "Figure", year, "Exact value", "Last year", "Change"])
    for cell in figures[2]:
        cell.font = Font(bold=True)
    for section in document.sections:
        for fig in section.figures.values():
            exact = None if fig.suppressed or not isinstance(fig.value, int | Decimal) else fig.value
            figures.append(
                safe_row([section.title, fig.label, fig.display, exact, fig.previous_display, fig.change_display])
            )
    for table in layout(document).tables():
        sheet = workbook.create_sheet(_sheet_name(table.caption, used))
        _append_table(sheet, table)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
