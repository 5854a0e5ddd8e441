"""The custody visiting summary as the national association's return, in
CSV and XLSX.

Built from the same ``selectors.custody_summary`` rows the page shows, so
the file's figures are the page's: one row per panel the person may read,
then the total row. Every cell passes through ``core.exports.safe_row``
(a panel is named in the admin, so its name is text someone typed).
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from cpeg.core.exports import safe_row

# The association's return columns, then what the summary page also shows.
RETURN_COLUMNS = [
    ("Panel", None),
    ("Period", None),
    ("Visits attempted", "attempted"),
    ("Access not gained", "access_not_gained"),
    ("Valid visits", "valid"),
    ("Persons in custody", "in_custody"),
    ("Not available", "not_available"),
    ("Not offered", "not_offered"),
    ("Offered", "offered"),
    ("Accepted/seen", "accepted"),
    ("Declined", "declined"),
    ("Observed only", "observed_only"),
    ("Issues outstanding", "outstanding"),
]
COLUMNS = [heading for heading, _ in RETURN_COLUMNS]


def _figure(row, key: str) -> int:
    return row.counts[key] if key in row.counts else getattr(row, key)


def return_rows(rows, total, *, period_label: str, total_label: str) -> list[list]:
    """The return as rows under ``COLUMNS``: each panel, then the total."""
    lines = []
    for row, name in [(row, row.panel.name) for row in rows] + [(total, total_label)]:
        lines.append([name, period_label, *(_figure(row, key) for _, key in RETURN_COLUMNS[2:])])
    return lines


def return_csv(lines: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for line in lines:
        writer.writerow(safe_row(line))
    # A byte order mark, so a spreadsheet program reads the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def return_xlsx(lines: list[list], *, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    workbook.properties.title = title
    sheet.title = "Custody visiting return"
    # The heading row first, as in the CSV, so either loads as a table.
    sheet.append(COLUMNS)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append(safe_row(line))
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 24
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
