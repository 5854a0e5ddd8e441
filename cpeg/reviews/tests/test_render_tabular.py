"""Every table as CSV, and the workbook with a sheet per table."""

import csv
import io
from decimal import Decimal

from openpyxl import load_workbook

from cpeg.reviews.document import Cell, Document, Section, Table
from cpeg.reviews.render.tabular import document_xlsx, find_table, spreadsheet_value, table_csv
from cpeg.reviews.tests.fixtures import review_document

HOSTILE = '=HYPERLINK("http://example.com/steal","Camden")'


def _hostile_document() -> Document:
    document = review_document(groups=2)
    table = Table(
        "delivery.hostile",
        "=Groups named badly",
        ["Group", "@Meetings"],
        [[Cell(HOSTILE), Cell("-3", numeric=True)], [Cell("+44 20"), Cell("12", numeric=True)]],
    )
    document.sections[1].tables.append(table)
    return document


def test_a_table_as_csv_is_its_header_and_rows():
    table = find_table(review_document(), "funding.by_model")
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows == [
        ["Staffing model", "Groups", "Staffing share"],
        ["Directly employed", "12", "68%"],
        ["Council employed", "14", "57%"],
        ["Voluntary sector", "6", "'-3%"],
    ]
    assert table_csv(table).endswith("\r\n")


def test_no_csv_cell_starts_a_formula():
    table = find_table(_hostile_document(), "delivery.hostile")
    rows = list(csv.reader(io.StringIO(table_csv(table))))
    assert rows == [["Group", "'@Meetings"], ["'" + HOSTILE, "'-3"], ["'+44 20", "12"]]


def test_a_missing_table_is_none_and_a_charts_own_table_is_found():
    document = review_document(groups=0)
    assert find_table(document, "no.such.table") is None
    assert (
        find_table(document, "funding.staffing_by_group").caption
        == "Staffing as a share of each group's award, 2025/26"
    )


def test_the_workbook_has_the_figures_then_a_sheet_per_table_in_reading_order():
    book = load_workbook(io.BytesIO(document_xlsx(review_document())))
    assert book.sheetnames[:5] == [
        "Figures",
        "Meetings and events by group",
        "Staffing as a share of each",
        "Staffing share by staffing",
        "Barking and Dagenham quarterly",
    ]
    assert len(book.sheetnames) == 1 + 3 + 32
    assert all(len(name) <= 31 for name in book.sheetnames)
    sheet = book["Meetings and events by group"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Meetings and events by group, 2025/26"
    assert rows[1] == ("Group", "Meetings", "Events")
    assert rows[2] == ("Barking and Dagenham", 4, 2)
    assert len(rows) == 2 + 32


def test_the_figures_sheet_holds_each_figure_exactly_with_last_years():
    book = load_workbook(io.BytesIO(document_xlsx(review_document(groups=0))))
    rows = list(book["Figures"].iter_rows(values_only=True))
    assert rows[1] == ("Section", "Figure", "2025/26", "Exact value", "Last year", "Change")
    by_label = {row[1]: row for row in rows[2:]}
    assert by_label["Public meetings"] == ("Collective delivery", "Public meetings", "177", 177, "165", "up 12")
    assert by_label["Share of the budget on staffing"][3] == 0.6104
    assert by_label["Disabled members in Sutton"][2:4] == ("fewer than 5", None)


def test_numbers_are_numbers_in_the_workbook_with_their_format():
    assert spreadsheet_value(Cell("177", numeric=True)) == (Decimal(177), None)
    assert spreadsheet_value(Cell("1,234", numeric=True)) == (Decimal(1234), "#,##0")
    assert spreadsheet_value(Cell("£20,000.50", numeric=True)) == (Decimal("20000.50"), '"£"#,##0.00')
    assert spreadsheet_value(Cell("61.5%", numeric=True)) == (Decimal("0.615"), "0.0%")
    assert spreadsheet_value(Cell("-3", numeric=True)) == (Decimal(-3), None)
    assert spreadsheet_value(Cell("177", numeric=False)) == ("177", None)
    assert spreadsheet_value(Cell("12 of 32", numeric=True)) == ("12 of 32", None)


def test_no_workbook_cell_is_a_formula_or_starts_one():
    book = load_workbook(io.BytesIO(document_xlsx(_hostile_document())))
    texts = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type != "n" and cell.value is not None
    ]
    assert all(cell.data_type != "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
    assert not [t for t in texts if str(t).startswith(("=", "+", "-", "@"))]
    sheet = book["=Groups named badly"]
    assert [c.value for c in sheet[3]] == ["'" + HOSTILE, -3]


def test_sheet_names_are_unique_when_captions_clash():
    tables = [Table(f"t{i}", "Quarterly returns: a very long caption indeed", ["A"], [[Cell("x")]]) for i in range(3)]
    document = Document(2025, "2025/26", "Review", [Section("s", "S", tables=tables)])
    names = load_workbook(io.BytesIO(document_xlsx(document))).sheetnames
    assert names == [
        "Figures",
        "Quarterly returns a very long",
        "Quarterly returns a very long 2",
        "Quarterly returns a very long 3",
    ]
