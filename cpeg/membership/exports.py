"""The representation report as CSV and XLSX.

Built from the same ``RepresentationReport`` the pages show, cell for
cell: a suppressed figure is "Not shown" here as there, and nothing the
page hides (a count, its share, its interval) is written. Every cell
passes through ``core.exports.safe_cell``.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from cpeg.core.exports import safe_row

NOT_SHOWN = "Not shown"
COLUMNS = [
    "People",
    "Table",
    "Category",
    "Number",
    "Share (%)",
    "95% range from (%)",
    "95% range to (%)",
    "Borough share (%)",
    "Ratio to borough",
    "Ratio from",
    "Ratio to",
    "Note",
]


def _number(value):
    return "" if value is None else value


def report_rows(report) -> list[list]:
    """The report as rows under ``COLUMNS``, exactly as the page shows it."""
    rows = []
    for people in report.sets:
        if people.note:
            rows.append([people.label, "", "", "", "", "", "", "", "", "", "", people.note])
        if people.total is None:
            few = (
                "Fewer than 5 people are counted"
                if people.kind == "organisations"
                else "Fewer than 5 people have answered"
            )
            rows.append([people.label, "", "", "", "", "", "", "", "", "", "", few])
            continue
        for table in people.tables:
            compared = table.compared
            for row in table.rows:
                hidden = row.count is None
                rows.append(
                    [
                        people.label,
                        table.title,
                        row.label,
                        NOT_SHOWN if hidden else row.count,
                        _number(row.share),
                        _number(row.low),
                        _number(row.high),
                        _number(row.population_share) if compared else "",
                        _number(row.ratio) if compared else "",
                        _number(row.ratio_low) if compared else "",
                        _number(row.ratio_high) if compared else "",
                        ("Under-represented" if row.under_represented else "Over-represented")
                        if compared and (row.under_represented or row.over_represented)
                        else "",
                    ]
                )
            total = table.table.total if table.table.total_shown else NOT_SHOWN
            if compared and table.name != "comparison":
                note = f"Borough figures: {table.population_source}"
            else:
                note = table.note
            rows.append([people.label, table.title, "Total", total, "", "", "", "", "", "", "", note])
    return rows


def _heading(report, title: str) -> list[list]:
    lines = [[title], ["Numbers from 1 to 4, and any number that would reveal one, are not shown."]]
    lines.append(["Ranges are 95% Wilson score intervals, rounded outward to 1 decimal place."])
    if report.population:
        lines.append([f"Borough population: {report.population_source}"])
    return lines


def report_csv(report, title: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in _heading(report, title):
        writer.writerow(safe_row(line))
    writer.writerow([])
    writer.writerow(COLUMNS)
    for row in report_rows(report):
        writer.writerow(safe_row(str(v) if v is not None else "" for v in row))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_xlsx(report, title: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Representation"
    for line in _heading(report, title):
        sheet.append(safe_row(line))
    sheet.append([])
    sheet.append(COLUMNS)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in report_rows(report):
        sheet.append(safe_row(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
