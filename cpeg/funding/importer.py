"""Bring in a past year's budgets by line and its awards from a spreadsheet.

The file (CSV or XLSX, first sheet) has a header row and these columns, in
any order (see docs/funding-import.md):

    Financial year | Borough code | Line type | Category | Description | Amount | Note

"Line type" is "Budget" (one row per budget line) or "Award" (one row per
group). The whole file is checked first; every problem is listed by row and
column, and nothing is saved unless every row is valid.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.fiscal import FinancialYear
from cpeg.core.spreadsheets import SpreadsheetTooLarge, SpreadsheetUnreadable, limit_rows, xlsx_rows
from cpeg.funding.choices import ApplicationStatus, BudgetCategory, RoundStatus
from cpeg.funding.models import Award, BudgetLine, FundingApplication, FundingRound
from cpeg.funding.money import MoneyError, format_money, parse_money
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup

COLUMNS = ["Financial year", "Borough code", "Line type", "Category", "Description", "Amount", "Note"]
REQUIRED_COLUMNS = ["Financial year", "Borough code", "Line type", "Amount"]
DEFAULT_CAP = Decimal("50000.00")
MAX_ROWS = 5000
MAX_NOTE_LENGTH = BudgetLine._meta.get_field("note").max_length


@dataclass(frozen=True)
class ImportIssue:
    row: int
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, {self.column}: {self.message}"


class HistoryImportError(ValidationError):  # noqa: N818 - a ValidationError, as the forms expect
    """The file has problems; ``issues`` lists them by row and column."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = issues
        super().__init__([str(i) for i in issues])


def read_table(upload) -> list[dict]:
    """Rows of a CSV or XLSX upload as dicts keyed by column title, each with
    its spreadsheet row number under ``"_row"``."""
    name = (getattr(upload, "name", "") or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise HistoryImportError([ImportIssue(1, "File", "The selected file must be a CSV or XLSX file")])


def _header_map(header) -> dict[int, str]:
    wanted = {c.lower(): c for c in COLUMNS}
    mapping = {}
    for index, title in enumerate(header):
        key = str(title or "").strip().lower()
        if key in wanted:
            mapping[index] = wanted[key]
    missing = [c for c in REQUIRED_COLUMNS if c not in mapping.values()]
    if missing:
        raise HistoryImportError([ImportIssue(1, c, f"The header row has no '{c}' column") for c in missing])
    return mapping


def _read_csv(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise HistoryImportError([ImportIssue(1, "File", "The file must be saved as UTF-8 CSV")]) from exc
    reader = csv.reader(io.StringIO(text))
    try:
        rows = list(limit_rows(reader, max_rows=2 * MAX_ROWS + 1))
    except SpreadsheetTooLarge as exc:
        raise HistoryImportError([ImportIssue(1, "File", exc.message)]) from exc
    if not rows:
        raise HistoryImportError([ImportIssue(1, "File", "The file is empty")])
    mapping = _header_map(rows[0])
    return _rows(mapping, rows[1:])


def _read_xlsx(data: bytes) -> list[dict]:
    try:
        rows = list(xlsx_rows(data, max_rows=2 * MAX_ROWS + 1))
    except SpreadsheetTooLarge as exc:
        raise HistoryImportError([ImportIssue(1, "File", exc.message)]) from exc
    except SpreadsheetUnreadable as exc:
        raise HistoryImportError([ImportIssue(1, "File", "The file is not a readable XLSX workbook")]) from exc
    if not rows:
        raise HistoryImportError([ImportIssue(1, "File", "The file is empty")])
    mapping = _header_map(rows[0])
    return _rows(mapping, rows[1:])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        # A spreadsheet stores numbers as binary floating point; its shortest
        # repr is the number as typed (1234.56), read here as exact Decimal text.
        return repr(value)
    return str(value).strip()


def _rows(mapping, body) -> list[dict]:
    out = []
    for offset, raw in enumerate(body, start=2):
        if all(_cell_text(v) == "" for v in raw):
            continue
        row = {"_row": offset}
        for index, column in mapping.items():
            row[column] = _cell_text(raw[index]) if index < len(raw) else ""
        out.append(row)
    if len(out) > MAX_ROWS:
        raise HistoryImportError([ImportIssue(1, "File", f"The file has more than {MAX_ROWS} rows")])
    return out


def _category(text: str) -> str | None:
    key = text.strip().lower()
    for value, label in BudgetCategory.choices:
        if key in (value, label.lower()):
            return value
    return None


def _groups_by_code() -> dict[str, EngagementGroup]:
    groups = {}
    for group in EngagementGroup.objects.select_related("borough").order_by("status", "-pk"):
        code = group.borough.ons_code.upper()
        # Prefer the borough's current group over a disbanded one.
        if code not in groups or groups[code].status == GroupStatus.DISBANDED:
            groups[code] = group
    return groups


@dataclass
class CheckedImport:
    year: FinancialYear
    budgets: dict  # group -> list of line dicts
    awards: dict  # group -> Decimal


def check_rows(rows: list[dict], *, today=None) -> CheckedImport:
    """Check every row; raise HistoryImportError listing every problem.

    Only past years may be imported: a row for the current financial year
    (or a later one) is refused, since that year's round runs in CPEG
    Manager itself.
    """
    issues: list[ImportIssue] = []
    current = FinancialYear.current(today)
    if not rows:
        raise HistoryImportError([ImportIssue(2, "File", "The file has no rows under the header")])
    groups = _groups_by_code()
    years = set()
    budgets = defaultdict(list)
    awards = {}
    award_rows = {}
    for row in rows:
        n = row["_row"]
        year = None
        try:
            year = FinancialYear.parse(row.get("Financial year", ""))
            years.add(year)
        except ValueError:
            issues.append(ImportIssue(n, "Financial year", "Enter a financial year, like 2008/09"))
        else:
            if year.start_year >= current.start_year:
                issues.append(
                    ImportIssue(
                        n,
                        "Financial year",
                        f"{year.label} is not a past year; import only years before {current.label}",
                    )
                )
        code = row.get("Borough code", "").upper()
        group = groups.get(code)
        if not code:
            issues.append(ImportIssue(n, "Borough code", "Enter the borough's ONS code, like E09000007"))
        elif group is None:
            issues.append(ImportIssue(n, "Borough code", f"{code} is not the ONS code of a borough with a group"))
        line_type = row.get("Line type", "").strip().lower()
        try:
            amount = parse_money(row.get("Amount", ""), label="The amount")
        except MoneyError as error:
            issues.append(ImportIssue(n, "Amount", str(error)))
            amount = None
        if line_type == "budget":
            category_text = row.get("Category", "")
            category = _category(category_text)
            if not category_text.strip():
                issues.append(ImportIssue(n, "Category", "Enter the budget category of this line"))
            elif category is None:
                issues.append(
                    ImportIssue(
                        n,
                        "Category",
                        f"'{category_text}' is not a budget category; use one of: "
                        + ", ".join(label for _, label in BudgetCategory.choices),
                    )
                )
            description = row.get("Description", "").strip()
            if not description:
                issues.append(ImportIssue(n, "Description", "Enter a description of the budget line"))
            elif len(description) > 200:
                issues.append(ImportIssue(n, "Description", "The description must be 200 characters or fewer"))
            note = row.get("Note", "")
            if len(note) > MAX_NOTE_LENGTH:
                issues.append(
                    ImportIssue(
                        n, "Note", f"The note must be {MAX_NOTE_LENGTH:,} characters or fewer; it has {len(note):,}"
                    )
                )
            if group and category and amount is not None and description:
                budgets[group].append(
                    {"category": category, "description": description, "amount": amount, "note": note}
                )
        elif line_type == "award":
            if row.get("Category", "").strip():
                issues.append(ImportIssue(n, "Category", "Leave the category blank on an award row"))
            if amount is not None and amount == 0:
                issues.append(ImportIssue(n, "Amount", "An award must be more than 0"))
            if group is not None:
                if group in award_rows:
                    issues.append(
                        ImportIssue(n, "Borough code", f"{group} already has an award on row {award_rows[group]}")
                    )
                else:
                    award_rows[group] = n
                    if amount is not None:
                        awards[group] = amount
        else:
            issues.append(ImportIssue(n, "Line type", "Enter 'Budget' or 'Award'"))
    if len(years) > 1:
        issues.append(
            ImportIssue(
                rows[0]["_row"],
                "Financial year",
                "Every row must be for the same financial year; this file has "
                + ", ".join(y.label for y in sorted(years)),
            )
        )
    year = next(iter(years)) if len(years) == 1 else None
    if year is not None and FundingRound.objects.filter(financial_year=year.start_year).exists():
        issues.append(
            ImportIssue(rows[0]["_row"], "Financial year", f"There is already a funding round for {year.label}")
        )
    first_row = defaultdict(lambda: None)
    for row in rows:
        group = groups.get(row.get("Borough code", "").upper())
        if group is not None and first_row[group] is None:
            first_row[group] = row["_row"]
    for group, n in first_row.items():
        if group not in award_rows:
            issues.append(ImportIssue(n, "Line type", f"{group} has budget lines but no award row"))
        if not any(
            r
            for r in rows
            if groups.get(r.get("Borough code", "").upper()) == group
            and r.get("Line type", "").strip().lower() == "budget"
        ):
            issues.append(ImportIssue(n, "Line type", f"{group} has an award but no budget lines"))
    if issues:
        raise HistoryImportError(
            sorted(
                set(issues), key=lambda i: (i.row, COLUMNS.index(i.column) if i.column in COLUMNS else -1, i.message)
            )
        )
    return CheckedImport(year=year, budgets=dict(budgets), awards=awards)


@transaction.atomic
def history_import(*, actor, rows: list[dict], today=None) -> FundingRound:
    """Import a past year's budgets and awards as a decided round; all or nothing."""
    require_perm(actor, "funding.import_history")
    checked = check_rows(rows, today=today)
    year = checked.year
    total = sum(checked.awards.values(), Decimal("0.00"))
    day = year.starts_on
    funding_round = FundingRound(
        financial_year=year.start_year,
        title=f"CPEG funding {year.label} (imported)",
        pot_amount=total,
        cap_amount=max([DEFAULT_CAP, *checked.awards.values()]) if total >= DEFAULT_CAP else total,
        opens_on=day,
        closes_on=day,
        assessment_ends_on=day,
        decisions_on=day,
        status=RoundStatus.IMPORTED,
        created_by=actor,
        updated_by=actor,
    )
    funding_round.full_clean()
    funding_round.save()
    for group, amount in checked.awards.items():
        application = FundingApplication.objects.create(
            funding_round=funding_round,
            group=group,
            status=ApplicationStatus.DECIDED,
            award_amount=amount,
            work_programme_summary="Imported from the authority's records.",
            created_by=actor,
            updated_by=actor,
        )
        bulk_create_with_history(
            [
                BudgetLine(application=application, created_by=actor, updated_by=actor, **line)
                for line in checked.budgets.get(group, [])
            ],
            BudgetLine,
            default_user=actor,
        )
        Award.objects.create(
            application=application,
            funding_round=funding_round,
            group=group,
            recipient_name=group.name,
            amount=amount,
            awarded_on=day,
            created_by=actor,
            updated_by=actor,
        )
    lines = sum(len(v) for v in checked.budgets.values())
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_HISTORY_IMPORTED,
        target=funding_round,
        summary=f"Imported {year.label}: {len(checked.awards)} awards totalling {format_money(total)}, "
        f"{lines} budget lines",
    )
    return funding_round
