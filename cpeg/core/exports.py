"""Cells for the spreadsheets and CSV files the product writes.

A spreadsheet program runs a cell that begins with ``=``, ``+``, ``-`` or
``@`` as a formula (and a tab or carriage return can hide such a start), so
a group named ``=HYPERLINK("http://…","Click")`` would become a live link,
or worse, in whoever opens the export. Every CSV and XLSX writer passes each
value through ``safe_cell`` (or a whole row through ``safe_row``): text that
begins with one of those characters gets a leading apostrophe, which the
program shows as text; numbers, dates and empty cells are left alone.
This is the neutralisation OWASP recommends for CSV injection.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Return ``value`` so that no spreadsheet reads it as a formula.

    >>> safe_cell('=HYPERLINK("http://example.com","Click")')
    '\\'=HYPERLINK("http://example.com","Click")'
    >>> safe_cell("-5 members"), safe_cell(-5), safe_cell("Camden")
    ("'-5 members", -5, 'Camden')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """Return a row of cells, each passed through ``safe_cell``."""
    return [safe_cell(value) for value in values]
