"""Reading uploaded spreadsheets (CSV and XLSX) within fixed bounds.

An XLSX file is a zip of XML: a 300 KB upload can hold a sheet of 100 MB
of XML, or claim two million rows in its ``<dimension>`` that openpyxl
then hands out as blank rows, and either keeps a web worker busy past its
timeout. So every spreadsheet the product reads goes through here:

- each zip member's uncompressed size is checked against
  ``SPREADSHEET_MAX_UNCOMPRESSED_BYTES`` before anything is parsed (the
  declared size is enough: ``zipfile`` stops at it and fails the CRC check
  of a member that holds more);
- every row read counts toward the caller's row limit, blank ones too, and
  every cell read toward a cell limit, so a sheet padded out with empty
  rows or thousands of empty columns is refused within a second.

The readers (``activities.imports``, ``funding.importer``) turn
``SpreadsheetTooLarge`` into their own messages.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator

from django.conf import settings

# Columns a sheet may spread its cells over, on average, before it is
# refused: the product's templates have at most 13.
MAX_CELLS_PER_ROW = 64


class SpreadsheetTooLarge(ValueError):  # noqa: N818 - reads as the reason
    """The file would take too long to read; ``message`` says why, plainly."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SpreadsheetUnreadable(ValueError):  # noqa: N818 - reads as the reason
    """openpyxl could not open the file as a workbook."""


def check_xlsx_size(data: bytes) -> None:
    """Refuse an XLSX whose parts unpack to more than the configured size.

    A file that is not a zip at all passes: openpyxl then refuses it with
    the reader's usual "not a real XLSX file" message.
    """
    limit = settings.SPREADSHEET_MAX_UNCOMPRESSED_BYTES
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size > limit or total > 2 * limit:
            raise SpreadsheetTooLarge(
                "The selected file holds too much data to read. "
                "Delete any empty rows and columns at the end of the sheet, or split it into smaller files"
            )


def limit_rows(rows: Iterable, *, max_rows: int) -> Iterator[list]:
    """Yield each row as a list; raise once more than ``max_rows`` rows, or
    more than ``max_rows * MAX_CELLS_PER_ROW`` cells, have been read.

    Blank rows count: a file of a few real rows and a million blank ones is
    refused, not read to the end.
    """
    max_cells = max_rows * MAX_CELLS_PER_ROW
    cells = 0
    for count, row in enumerate(rows, start=1):
        cells += len(row)
        if count > max_rows or cells > max_cells:
            raise SpreadsheetTooLarge(
                f"The selected file has too many rows: at most {max_rows:,}, counting empty ones. "
                "Delete any empty rows at the end of the sheet, or split it into smaller files"
            )
        yield list(row)


def xlsx_rows(data: bytes, *, max_rows: int, sheet_name: str | None = None) -> Iterator[list]:
    """Yield every row of one sheet of an XLSX file (``sheet_name`` if the
    workbook has it, else the first), within the bounds above.

    Raises ``SpreadsheetTooLarge`` for a file over the bounds and
    ``SpreadsheetUnreadable`` for one openpyxl cannot open or read.
    """
    from openpyxl import load_workbook

    check_xlsx_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
        raise SpreadsheetUnreadable(str(error)) from error
    try:
        if sheet_name is not None and sheet_name in workbook.sheetnames:
            sheet = workbook[sheet_name]
        else:
            sheet = workbook.worksheets[0]
        yield from limit_rows(sheet.iter_rows(values_only=True), max_rows=max_rows)
    except SpreadsheetTooLarge:
        raise
    except Exception as error:  # noqa: BLE001 - a broken part (bad XML, bad CRC)
        raise SpreadsheetUnreadable(str(error)) from error
    finally:
        workbook.close()
