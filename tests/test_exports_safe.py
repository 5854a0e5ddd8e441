"""No export hands a spreadsheet program a formula.

Every URL in the access matrix is fetched by a role allowed to use it, with
the Camden group (whose records the matrix's objects belong to) renamed to
text a spreadsheet would run. Each CSV and XLSX response is then read cell
by cell: none may begin with = + - @ (``cpeg.core.exports.safe_cell``
prefixes such text with an apostrophe), and no XLSX cell may be a formula.
A new export is covered as soon as its URL has an access case.
"""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.core.exports import FORMULA_STARTS, safe_cell, safe_row
from tests.access import World
from tests.test_access_matrix import CASES
from tests.test_error_summary_links import PREFERRED_ROLES

HOSTILE_NAME = '=HYPERLINK("http://example.com/steal","Camden")'
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Funding's writers are being restructured by another engineer; the change
# each needs is listed in issue 9's report. strict: once they are safe,
# this mark must go.
NOT_YET_SAFE: set[str] = set()


def _csv_cells(content: bytes):
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
        yield from row


def _xlsx_cells(content: bytes):
    book = load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    yield "=" + str(cell.value).removeprefix("=")
                else:
                    yield cell.value


def _case_param(case):
    marks = []
    if case.name in NOT_YET_SAFE:
        marks.append(pytest.mark.xfail(reason="funding writer not yet passed through safe_cell", strict=True))
    return pytest.param(case, id=case.name, marks=marks)


@pytest.mark.django_db
@pytest.mark.parametrize("case", [_case_param(case) for case in CASES if not case.post_only])
def test_no_export_cell_starts_a_formula(case, client):
    world = World()
    world.camden.name = HOSTILE_NAME
    world.camden.save()
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else {})
    url += f"?{case.query}" if case.query else ""
    role = next((role for role in PREFERRED_ROLES if role in case.allowed), None)
    if role is not None:
        client.force_login(world.users[role])
    response = client.get(url)
    content_type = response.get("Content-Type", "")
    if response.status_code != 200 or not ("text/csv" in content_type or XLSX in content_type):
        if case.name in NOT_YET_SAFE:
            pytest.fail(f"{url} is expected to be an export (HTTP {response.status_code}, {content_type})")
        pytest.skip("not a CSV or XLSX export")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = _csv_cells(content) if "text/csv" in content_type else _xlsx_cells(content)
    unsafe = [cell for cell in cells if isinstance(cell, str) and cell.startswith(FORMULA_STARTS)]
    assert not unsafe, f"{url}: cells a spreadsheet would run: {unsafe[:5]}"


def test_safe_cell_neutralises_formula_starts_and_leaves_everything_else():
    assert safe_cell(HOSTILE_NAME) == "'" + HOSTILE_NAME
    assert [safe_cell(text)[0] for text in ("=1+1", "+44", "-5", "@SUM(A1)", "\tx", "\rx")] == ["'"] * 6
    assert safe_row(["Camden", 12, None, -3.5, "", "O'Brien"]) == ["Camden", 12, None, -3.5, "", "O'Brien"]
