"""Hostile spreadsheets are refused quickly by every reader (issue 14, finding 1).

The reported file: a 287 KB XLSX whose sheet held 2,000,000 blank rows
(98 MB of XML) ran past gunicorn's 30-second timeout. These build the same
kind of file, smaller, and expect a plain refusal within a second or two.
"""

import io
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cpeg.activities.imports import parse_activity_file
from cpeg.core.spreadsheets import SpreadsheetTooLarge, limit_rows, xlsx_rows
from cpeg.funding.importer import HistoryImportError, read_table

_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="xl/workbook.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    b"</Relationships>"
)
_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="Activities" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b'<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    b"</Relationships>"
)


def _row(number: int, *values: str) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>' for i, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _xlsx(body: bytes) -> bytes:
    """A minimal workbook, written by hand as an attacker would, whose one
    sheet ("Activities") holds ``body`` inside <sheetData>."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


HEADER = _row(1, "Type", "Title", "Date")
ACTIVITY = _row(2, "Newsletter", "Spring newsletter", "2025-05-14")


def _blank_rows(count: int) -> bytes:
    """Blank rows without numbers (each follows the one before), as small
    zipped as the reported file's."""
    return b"<row/>" * count


@pytest.fixture
def huge_sheet():
    """The reported file, scaled down: a few KB of zip, a sheet of over
    16MB of blank rows (the configured cap)."""
    data = _xlsx(HEADER + ACTIVITY + _blank_rows(3_000_000))
    assert len(data) < 100_000
    return data


@pytest.fixture
def sparse_sheet():
    """A tiny sheet whose last row is numbered 2,000,000: openpyxl hands out
    every row in between as a blank one, with no XML to read at all."""
    return _xlsx(HEADER + ACTIVITY + _row(2_000_000, "Newsletter", "Last", "2025-05-14"))


def _quickly(call):
    started = time.monotonic()
    with pytest.raises((ValidationError, SpreadsheetTooLarge)) as caught:
        call()
    assert time.monotonic() - started < 5
    return caught.value


def test_an_activity_import_refuses_a_sheet_that_unpacks_past_the_cap(huge_sheet):
    upload = SimpleUploadedFile("activities.xlsx", huge_sheet)
    error = _quickly(lambda: parse_activity_file(group=None, file=upload))
    assert "holds too much data to read" in error.message_dict["file"][0]


def test_an_activity_import_counts_blank_rows_toward_the_limit(sparse_sheet):
    upload = SimpleUploadedFile("activities.xlsx", sparse_sheet)
    error = _quickly(lambda: parse_activity_file(group=None, file=upload))
    assert error.message_dict["file"] == [
        "The selected file has too many rows: at most 10,001, counting empty ones. "
        "Delete any empty rows at the end of the sheet, or split it into smaller files"
    ]


def test_an_activity_csv_of_blank_lines_is_refused():
    upload = SimpleUploadedFile("activities.csv", b"Type,Title,Date\n" + b"\n" * 20_000 + b"Newsletter,A,2025-05-14\n")
    error = _quickly(lambda: parse_activity_file(group=None, file=upload))
    assert "too many rows" in error.message_dict["file"][0]


@pytest.mark.parametrize("fixture", ["huge_sheet", "sparse_sheet"])
def test_the_funding_history_import_refuses_the_same_files(fixture, request):
    upload = SimpleUploadedFile("history.xlsx", request.getfixturevalue(fixture))
    error = _quickly(lambda: read_table(upload))
    assert isinstance(error, HistoryImportError)
    assert error.issues[0].row == 1
    assert "too much data" in error.issues[0].message or "too many rows" in error.issues[0].message


def test_the_cap_applies_to_each_part_of_the_zip(settings):
    settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES = 1000
    data = _xlsx(HEADER + _blank_rows(200))
    with pytest.raises(SpreadsheetTooLarge, match="too much data"):
        next(xlsx_rows(data, max_rows=1000))


def test_a_sheet_within_the_bounds_is_read_row_by_row():
    rows = list(xlsx_rows(_xlsx(HEADER + ACTIVITY), max_rows=2))
    assert rows == [["Type", "Title", "Date"], ["Newsletter", "Spring newsletter", "2025-05-14"]]


def test_every_row_read_counts_blank_or_not():
    assert list(limit_rows([[1], [], [2]], max_rows=3)) == [[1], [], [2]]
    with pytest.raises(SpreadsheetTooLarge, match="at most 3, counting empty ones"):
        list(limit_rows([[1], [], [], [2]], max_rows=3))


def test_a_sheet_of_very_wide_rows_is_refused_by_its_cells():
    wide = [[None] * 1000 for _ in range(100)]
    with pytest.raises(SpreadsheetTooLarge):
        list(limit_rows(wide, max_rows=1000))
