"""Importing a past year: checked whole, errors by row and column, all or nothing."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from cpeg.funding import importer
from cpeg.funding.choices import RoundStatus
from cpeg.funding.models import Award, BudgetLine, FundingRound
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db
HEADER = "Financial year,Borough code,Line type,Category,Description,Amount,Note"


@pytest.fixture
def groups():
    return {s: EngagementGroupFactory(borough=borough(s)) for s in ("camden", "hackney")}


def _csv(*rows):
    return SimpleUploadedFile("history.csv", ("\n".join([HEADER, *rows]) + "\n").encode())


GOOD = [
    "2008/09,E09000007,Budget,Staffing,Administrator,30000,Full time",
    "2008/09,E09000007,Budget,Staff office costs,Office,3000.50,",
    "2008/09,E09000007,Award,,,33000.50,",
    "2008/09,E09000012,Budget,venue,Hall hire,10000,",
    "2008/09,E09000012,Budget,Staffing,Part-time administrator,15000,",
    "2008/09,E09000012,Award,,,25000,",
]


def test_a_valid_file_becomes_an_imported_round(groups, manager):
    """The cost analysis covering it: ``reporting/tests/test_funding_cost_analysis.py``."""
    rows = importer.read_table(_csv(*GOOD))
    funding_round = importer.history_import(actor=manager, rows=rows)
    assert funding_round.status == RoundStatus.IMPORTED
    assert funding_round.pot_amount == Decimal("58000.50")
    award = Award.objects.get(group=groups["camden"])
    assert award.amount == Decimal("33000.50")
    assert award.recipient_name == groups["camden"].name
    assert BudgetLine.objects.count() == 4


def test_every_problem_is_listed_by_row_and_column_and_nothing_is_saved(groups, manager):
    rows = importer.read_table(
        _csv(
            "2008/09,E09000007,Budget,Staffing,Administrator,-30000,",
            "2008/09,E09000007,Budget,,Office,3000,",
            "2008/09,E09000007,Budget,Snacks,Biscuits,12.345,",
            "2008/09,E09000007,Award,,,abc,",
            "2008/09,E09000099,Budget,Venue,Hall,100,",
            "2008/09,E09000012,Award,,,25000,",
            "2009/10,E09000012,Grant,,,1,",
        )
    )
    with pytest.raises(importer.HistoryImportError) as info:
        importer.history_import(actor=manager, rows=rows)
    found = {(i.row, i.column) for i in info.value.issues}
    assert (2, "Amount") in found  # negative
    assert (3, "Category") in found  # missing
    assert (4, "Category") in found  # unknown
    assert (4, "Amount") in found  # pence beyond two places
    assert (5, "Amount") in found  # not a number
    assert (6, "Borough code") in found  # no such borough
    assert (8, "Line type") in found
    messages = [str(i) for i in info.value.issues]
    assert "Row 2, Amount: The amount must be 0 or more" in messages
    assert any("Every row must be for the same financial year" in m for m in messages)
    assert any("has an award but no budget lines" in m for m in messages)
    assert not FundingRound.objects.exists()
    assert not BudgetLine.objects.exists()


def test_a_year_that_already_has_a_round_is_refused(groups, manager):
    importer.history_import(actor=manager, rows=importer.read_table(_csv(*GOOD)))
    with pytest.raises(importer.HistoryImportError, match="already a funding round for 2008/09"):
        importer.history_import(actor=manager, rows=importer.read_table(_csv(*GOOD)))


def test_a_file_without_the_required_columns_is_refused():
    upload = SimpleUploadedFile("x.csv", b"Year,Borough\n2008,E09000007\n")
    with pytest.raises(importer.HistoryImportError, match="no 'Financial year' column"):
        importer.read_table(upload)


def test_an_xlsx_file_is_read_with_exact_amounts(groups, manager):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for row in GOOD:
        cells = row.split(",")
        cells[5] = float(cells[5]) if "." in cells[5] else int(cells[5])
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    rows = importer.read_table(SimpleUploadedFile("history.xlsx", out.getvalue()))
    funding_round = importer.history_import(actor=manager, rows=rows)
    assert funding_round.awards.get(group=groups["camden"]).amount == Decimal("33000.50")


def test_only_a_manager_imports(groups, officer):
    with pytest.raises(PermissionDenied):
        importer.history_import(actor=officer, rows=importer.read_table(_csv(*GOOD)))


# --- Past years only; notes never cut short (fix 18) ----------------------------------


@pytest.mark.parametrize("label", ["2026/27", "2027/28"])
def test_the_current_or_a_future_year_is_refused_on_every_row(groups, manager, label):
    rows = importer.read_table(_csv(*[row.replace("2008/09", label) for row in GOOD]))
    with pytest.raises(importer.HistoryImportError) as info:
        importer.history_import(actor=manager, rows=rows, today=dt.date(2026, 11, 24))
    issues = [i for i in info.value.issues if i.column == "Financial year"]
    assert [i.row for i in issues] == [2, 3, 4, 5, 6, 7]
    assert str(issues[0]) == f"Row 2, Financial year: {label} is not a past year; import only years before 2026/27"
    assert not FundingRound.objects.exists()


def test_last_year_may_be_imported(groups, manager):
    rows = importer.read_table(_csv(*[row.replace("2008/09", "2025/26") for row in GOOD]))
    funding_round = importer.history_import(actor=manager, rows=rows, today=dt.date(2026, 11, 24))
    assert funding_round.financial_year == 2025


def test_an_over_long_note_is_reported_on_its_row_not_cut_short(groups, manager):
    long_note = "x" * 1001
    rows = importer.read_table(_csv(GOOD[0].replace("Full time", long_note), *GOOD[1:]))
    with pytest.raises(importer.HistoryImportError) as info:
        importer.history_import(actor=manager, rows=rows)
    assert [str(i) for i in info.value.issues] == [
        "Row 2, Note: The note must be 1,000 characters or fewer; it has 1,001"
    ]
    assert not BudgetLine.objects.exists()


def test_a_note_of_exactly_1000_characters_is_kept_whole(groups, manager):
    note = "y" * 1000
    rows = importer.read_table(_csv(GOOD[0].replace("Full time", note), *GOOD[1:]))
    importer.history_import(actor=manager, rows=rows)
    assert BudgetLine.objects.get(description="Administrator").note == note
