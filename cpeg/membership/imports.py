"""Reading a group's existing membership list (CSV or XLSX).

``parse_member_file`` checks the whole file and returns every row's values
or every problem, by row and column; it never writes. The service
``membership.services.member_import`` saves the rows all or nothing.

Columns (names in any order, any case; others are ignored): Type
("Organisation" or "Individual"), Name, Kind of organisation, People they
speak for, Representative, Deputy, Email, Date joined, Date left.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from cpeg.core.files import extension_of, size_limit_text
from cpeg.core.spreadsheets import SpreadsheetTooLarge, SpreadsheetUnreadable, limit_rows, xlsx_rows
from cpeg.membership.choices import MemberType, OrganisationKind

MAX_ROWS = 2000

# key, label, required, other names accepted
COLUMNS = (
    ("member_type", "Type", True, ("type of member", "member type")),
    ("name", "Name", True, ("member", "organisation", "member name")),
    ("organisation_kind", "Kind of organisation", False, ("kind", "organisation kind")),
    ("people_represented", "People they speak for", False, ("people represented", "number of people")),
    ("representative", "Representative", False, ()),
    ("deputy", "Deputy", False, ("deputy representative",)),
    ("email", "Email", False, ("contact email", "email address")),
    ("joined_on", "Date joined", True, ("joined", "joined on")),
    ("left_on", "Date left", False, ("left", "left on")),
)
LABELS = {key: label for key, label, _r, _a in COLUMNS}
TYPES = {"organisation": MemberType.ORGANISATION, "individual": MemberType.INDIVIDUAL} | {
    label.casefold(): value for value, label in MemberType.choices
}
KINDS = {" ".join(label.replace("'", "").split()).casefold(): value for value, label in OrganisationKind.choices} | {
    value: value for value in OrganisationKind.values
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    file_name: str
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class MemberImportError(ValidationError):
    """A membership list with problems: ``result.errors`` lists them all."""

    def __init__(self, result: ImportResult):
        super().__init__({"file": "The selected file has problems: nothing was imported. Fix them and upload it again"})
        self.result = result


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


def _norm(text) -> str:
    return " ".join(str(text or "").replace("'", "").split()).casefold()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read(file) -> tuple[str, list[tuple[int, list]]]:
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    ext = extension_of(name)
    if ext not in (".csv", ".xlsx"):
        raise _file_error("The selected file must be a CSV or XLSX file")
    limit = settings.UPLOAD_MAX_BYTES
    file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _file_error(f"The selected file must be smaller than {size_limit_text(limit)}")
    if not data.strip():
        raise _file_error("The selected file is empty")
    try:
        if ext == ".csv":
            if b"\x00" in data[:4096]:
                raise _file_error("The selected file is not a real CSV file. Save the spreadsheet as CSV")
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = data.decode("cp1252", errors="replace")
            rows = limit_rows(csv.reader(io.StringIO(text, newline="")), max_rows=2 * MAX_ROWS + 1)
        else:
            if not data.startswith(b"PK\x03\x04"):
                raise _file_error("The selected file is not a real XLSX file. Open it and save it as an Excel workbook")
            rows = xlsx_rows(data, max_rows=2 * MAX_ROWS + 1)
        numbered = [(n, list(r)) for n, r in enumerate(rows, start=1) if any(not _blank(c) for c in r)]
    except SpreadsheetTooLarge as error:
        raise _file_error(error.message) from error
    except (SpreadsheetUnreadable, csv.Error) as error:
        raise _file_error("The selected file could not be read. Save it again as CSV or XLSX") from error
    return name, numbered


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("must be a real date, like 27/03/2024")


def _parse_row(number: int, row: list, positions: dict[str, int], today: dt.date):
    cell = {key: (row[i] if i < len(row) else None) for key, i in positions.items()}
    errors, values = [], {}

    def error(key, message):
        errors.append(RowError(number, LABELS[key], message))

    kind_of_member = TYPES.get(_norm(cell.get("member_type")))
    if kind_of_member is None:
        error("member_type", 'Enter "Organisation" or "Individual"')
    values["member_type"] = kind_of_member
    name = " ".join(str(cell.get("name") or "").split())
    if not name:
        error("name", "Enter the member's name")
    elif len(name) > 150:
        error("name", "Name must be 150 characters or fewer")
    values["name"] = name
    kind = cell.get("organisation_kind")
    values["organisation_kind"] = ""
    if kind_of_member == MemberType.ORGANISATION:
        values["organisation_kind"] = KINDS.get(_norm(kind).replace("safer neighbourhood ", ""), "") or KINDS.get(
            _norm(kind), ""
        )
        if not values["organisation_kind"]:
            choices = ", ".join(label for _v, label in OrganisationKind.choices)
            error("organisation_kind", f"Enter a kind of organisation: one of {choices}")
    people = cell.get("people_represented")
    values["people_represented"] = None
    if not _blank(people):
        try:
            number_of_people = int(str(people).replace(",", "").strip().removesuffix(".0"))
            if number_of_people < 0:
                raise ValueError
            values["people_represented"] = number_of_people
        except ValueError:
            error("people_represented", "People they speak for must be a whole number, 0 or more")
    for key in ("representative", "deputy", "email"):
        values[key] = " ".join(str(cell.get(key) or "").split())[: 150 if key != "email" else 254]
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            error("email", "Enter an email address like name@example.com")
    for key in ("joined_on", "left_on"):
        raw = cell.get(key)
        values[key] = None
        if _blank(raw):
            if key == "joined_on":
                error(key, "Enter the date the member joined")
            continue
        try:
            values[key] = _date(raw)
        except ValueError:
            error(key, f"{LABELS[key]} must be a real date, like 27/03/2024")
            continue
        if values[key] > today:
            error(key, f"{LABELS[key]} must be today or in the past")
    if values.get("joined_on") and values.get("left_on") and values["left_on"] < values["joined_on"]:
        error("left_on", "Date left must be on or after the date joined")
    values["leaving_reason"] = ""
    return errors, values


def parse_member_file(*, group, file, today: dt.date) -> ImportResult:
    """Check every row of a membership list; never writes."""
    name, rows = _read(file)
    if not rows:
        raise _file_error("The selected file is empty")
    (_n, header), data_rows = rows[0], rows[1:]
    names = {_norm(h): i for i, h in enumerate(header) if not _blank(h)}
    positions = {}
    for key, label, required, aliases in COLUMNS:
        for option in (label, *aliases):
            if _norm(option) in names:
                positions[key] = names[_norm(option)]
                break
        else:
            if required:
                raise _file_error(
                    f'The selected file has no "{label}" column. Check the first row has the column names'
                )
    if not data_rows:
        raise _file_error("The selected file has no members in it, only the column names")
    if len(data_rows) > MAX_ROWS:
        raise _file_error(f"The selected file has more than {MAX_ROWS:,} members. Split it into smaller files")
    current = {_norm(m) for m in group.members.filter(left_on__isnull=True).values_list("name", flat=True)}
    result = ImportResult(file_name=name)
    seen: dict[str, int] = {}
    for number, row in data_rows:
        errors, values = _parse_row(number, row, positions, today)
        key = _norm(values["name"])
        if values["name"] and key in seen:
            errors.append(RowError(number, "Name", f"This member is also on row {seen[key]}. Remove one"))
        elif values["name"] and key in current and not values.get("left_on"):
            errors.append(RowError(number, "Name", f"{values['name']} is already a current member of the group"))
        seen.setdefault(key, number)
        result.errors.extend(errors)
        if not errors:
            result.rows.append((number, values))
    if result.errors:
        result.rows = []
    return result
