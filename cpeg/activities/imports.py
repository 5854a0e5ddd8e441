"""Reading activity spreadsheets (CSV or XLSX) and writing the template.

``parse_activity_file`` checks a whole file and returns every row's values
or every problem, by row and column; it never writes. The service
``activities.services.activity_import`` matches the rows against what the
group has already recorded (``natural_key``, ``row_differences``) and
saves the new ones, all or nothing. The columns are documented in
docs/activity-import.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from cpeg.activities.choices import ActivityType, public_by_default
from cpeg.activities.outputs import OUTPUT_CHOICES, OUTPUT_CODES, OutputCatalogue
from cpeg.activities.services import (
    ATTENDANCE_MESSAGE,
    MAX_PUBLIC_ATTENDANCE,
    activity_date_bounds,
    activity_rule_errors,
    evidence_codes,
)
from cpeg.core.files import extension_of, size_limit_text
from cpeg.core.fiscal import FinancialYear
from cpeg.core.spreadsheets import SpreadsheetTooLarge, SpreadsheetUnreadable, limit_rows, xlsx_rows

MAX_ROWS = 5000
TOO_MANY_ROWS_MESSAGE = "The selected file has more than {limit:,} activities. Split it into smaller files"
CONFLICT_MESSAGE = (
    "An activity with this type, date and title is already recorded: change it on its page, or change the title"
)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: str = ""


COLUMNS = (
    Column(
        "type",
        "Type",
        True,
        ("activity type", "type of activity"),
        "The type of activity: its name or its code (see the list of types)",
        "Public meeting",
    ),
    Column("title", "Title", True, ("activity",), "A short title, up to 200 characters", "Spring public meeting"),
    Column(
        "date",
        "Date",
        True,
        ("held on", "date held"),
        "The date it was held (or is planned), as YYYY-MM-DD or DD/MM/YYYY; in XLSX, a date cell",
        "2025-05-14",
    ),
    Column("start_time", "Start time", False, ("time", "starts at"), "24-hour clock, like 19:00, or 7pm", "19:00"),
    Column(
        "venue",
        "Venue",
        False,
        (),
        "The name of one of the group's venues, or any other venue",
        "Camden Town Hall, Council Chamber",
    ),
    Column(
        "public_attendance",
        "Public attendance",
        False,
        ("members of the public attending", "attendance"),
        "Members of the public attending: a whole number from 0 to 100,000. Leave blank for planned activities",
        "65",
    ),
    Column(
        "borough_commander_present",
        "Borough commander present",
        False,
        ("borough commander or deputy present",),
        "Yes if the borough commander or their deputy was there; otherwise no or blank",
        "Yes",
    ),
    Column(
        "local_authority_present",
        "Local authority present",
        False,
        (),
        "Yes if the local authority was represented; otherwise no or blank",
        "Yes",
    ),
    Column(
        "other_partners_present",
        "Other partners present",
        False,
        ("other cdrp partners present",),
        "Other crime and disorder reduction partners there, e.g. Probation Service",
        "Probation Service; London Fire Brigade",
    ),
    Column("topics", "Topics", False, (), "What was discussed", "Safer Neighbourhoods tasking; stop and search"),
    Column(
        "outputs",
        "Outputs evidenced",
        False,
        ("outputs", "sla outputs"),
        "Further SLA output codes it evidences, separated by ; (its type's own output is added for you)",
        "policing-pledge; stop-and-search",
    ),
    Column("notes", "Notes", False, (), "Anything else", ""),
    Column(
        "is_public",
        "Show on public page",
        False,
        ("show on the public page", "show on the group's public page", "public page", "is public"),
        "Yes to list it on the group's public page while it is upcoming, no not to. Blank: yes for public "
        "meetings and Face the People events, no for everything else",
        "No",
    ),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED_COLUMNS = [c for c in COLUMNS if c.required]
# Which column an activity_rule_errors field is reported against.
FIELD_COLUMN = {
    "activity_type": "type",
    "title": "title",
    "held_on": "date",
    "starts_at": "start_time",
    "venue": "venue",
    "venue_text": "venue",
    "public_attendance": "public_attendance",
    "other_partners_present": "other_partners_present",
    "topics": "topics",
    "notes": "notes",
    "outputs": "outputs",
    "is_public": "is_public",
}
TEXT_LIMITS = {"title": 200, "venue": 200, "other_partners_present": 300, "topics": 2000, "notes": 4000}
_BINARY_MAGIC = (b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0", b"\x89PNG", b"\xff\xd8\xff", b"\x1f\x8b")


def _norm_header(text) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[_\-]", " ", str(text or ""))).strip().lower()


_HEADER_LOOKUP = {}
for _c in COLUMNS:
    for _name in (_c.key, _c.label, *_c.aliases):
        _HEADER_LOOKUP[_norm_header(_name)] = _c.key


def _type_aliases() -> dict[str, str]:
    aliases = {}
    for value, label in ActivityType.choices:
        names = {value, value.replace("_", " "), label, label.split(" (")[0], label.split(" or ")[0]}
        for name in names:
            aliases[_norm_header(name)] = value
    return aliases


TYPE_ALIASES = _type_aliases()


@dataclass
class RowError:
    """One problem in one cell: spreadsheet row number, column letter, field name."""

    row: int
    column: str
    field: str
    message: str
    value: str = ""


@dataclass
class ParsedRow:
    row: int
    values: dict
    outputs: list[str]
    import_key: str
    # False when "Show on public page" was blank (or not a column) and the
    # type's default was used.
    public_stated: bool = False


@dataclass
class ImportResult:
    """What a file holds: valid rows or every error; and what was imported."""

    file_name: str = ""
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_rows: list[ParsedRow] = field(default_factory=list)
    # Rows skipped because the group has them already: imported before,
    # or identical to an activity typed in.
    already_recorded: int = 0
    imported: int = 0
    dry_run: bool = False
    # The import batch a real import recorded (None for a check).
    batch: object = None
    # True when the same form was posted again: ``batch`` is the first
    # post's import, nothing new was read or saved.
    repeated: bool = False
    # Column key -> position (0-based) in the file.
    columns: dict[str, int] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def title_error(self, row: ParsedRow, message: str) -> RowError:
        """An error on ``row``'s Title cell."""
        return RowError(row.row, _letter(self.columns, "title"), "Title", message, row.values["title"][:60])

    @property
    def new_by_type(self) -> list[tuple[str, int]]:
        """(type label, number of new activities), in the order of the types."""
        counts = {}
        for row in self.new_rows:
            counts[row.values["activity_type"]] = counts.get(row.values["activity_type"], 0) + 1
        return [(label, counts[value]) for value, label in ActivityType.choices if value in counts]

    @property
    def new_date_range(self) -> tuple[dt.date, dt.date] | None:
        dates = [row.values["held_on"] for row in self.new_rows]
        return (min(dates), max(dates)) if dates else None


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": message})


# --- Reading the cells ----------------------------------------------------


def _numbered_rows(rows) -> list[tuple[int, list]]:
    """The rows that hold something, each with its row number as the
    spreadsheet shows it (from 1).

    Blank rows (spacers between blocks of activities) are skipped without
    counting towards the limit; a file with more than ``MAX_ROWS`` rows of
    activities under its column names is refused as a whole, never cut
    short.
    """
    found = []
    for number, row in enumerate(rows, start=1):
        if any(not _blank(cell) for cell in row):
            found.append((number, list(row)))
            if len(found) > MAX_ROWS + 1:
                raise _file_error(TOO_MANY_ROWS_MESSAGE.format(limit=MAX_ROWS))
    return found


def _rows_read_limit() -> int:
    """Rows read from a file, blank ones included, before it is refused:
    the column names, ``MAX_ROWS`` activities and as many blank spacers."""
    return 2 * MAX_ROWS + 1


def _read_csv(data: bytes) -> list[tuple[int, list]]:
    if b"\x00" in data[:4096] or data.startswith(_BINARY_MAGIC):
        raise _file_error("The selected file is not a real CSV file. Save the spreadsheet as CSV, or upload the XLSX")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise _file_error("The selected file is not a real CSV file. Save it as CSV UTF-8") from error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return _numbered_rows(limit_rows(reader, max_rows=_rows_read_limit()))
    except SpreadsheetTooLarge as error:
        raise _file_error(error.message) from error
    except csv.Error as error:
        raise _file_error("The selected file is not a real CSV file. Save the spreadsheet as CSV") from error


def _delimiter(text: str) -> str:
    """The column separator, read from the row of column names.

    Excel saves "CSV" with semicolons where the computer's settings use a
    comma for decimals; a tab-separated export is read too. Column names
    hold none of these, so whichever the first row holds most is the one.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: first.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    if not data.startswith(b"PK\x03\x04"):
        raise _file_error("The selected file is not a real XLSX file. Open it and save it as an Excel workbook")
    try:
        return _numbered_rows(xlsx_rows(data, max_rows=_rows_read_limit(), sheet_name="Activities"))
    except SpreadsheetTooLarge as error:
        raise _file_error(error.message) from error
    except SpreadsheetUnreadable as error:
        raise _file_error(
            "The selected file is not a real XLSX file. Open it and save it as an Excel workbook"
        ) from error


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return re.sub(r"[ \t]+", " ", str(value)).strip()


def _parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("Enter the date as YYYY-MM-DD or DD/MM/YYYY, like 2025-05-14 or 14/05/2025")


def _parse_time(value):
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    text = _text(value).lower().replace(" ", "")
    for fmt in ("%H:%M", "%H.%M", "%H:%M:%S", "%I%p", "%I:%M%p", "%I.%M%p"):
        try:
            return dt.datetime.strptime(text, fmt).time()
        except ValueError:
            continue
    raise ValueError("Enter the start time on the 24-hour clock, like 19:00, or like 7pm")


def _parse_attendance(value):
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(ATTENDANCE_MESSAGE)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(ATTENDANCE_MESSAGE)
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = _text(value).replace(",", "")
        if not re.fullmatch(r"\d+", text):
            raise ValueError(ATTENDANCE_MESSAGE)
        number = int(text)
    if number < 0 or number > MAX_PUBLIC_ATTENDANCE:
        raise ValueError(ATTENDANCE_MESSAGE)
    return number


_YES = {"yes", "y", "true", "1", "x", "present"}
_NO = {"no", "n", "false", "0", ""}


def _parse_yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError("Enter yes or no")


def _parse_type(value) -> str:
    found = TYPE_ALIASES.get(_norm_header(value))
    if found is None:
        if _blank(value):
            raise ValueError("Enter the type of activity")
        raise ValueError("Enter a type from the list of types, like Public meeting or Newsletter")
    return found


def _parse_outputs(value, allowed: frozenset[str] = OUTPUT_CODES, year_label: str = "") -> list[str]:
    """The output codes in a cell; each must be in ``allowed`` (the group's
    outputs for the row's financial year, ``year_label``)."""
    codes = [c.strip().lower() for c in re.split(r"[;,\n]", _text(value)) if c.strip()]
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        whose = f" of the group for {year_label}" if year_label else ""
        raise ValueError(
            f"{', '.join(unknown)} "
            f"{'is not an SLA output code' if len(unknown) == 1 else 'are not SLA output codes'}{whose}."
            " Use codes from the list of outputs, like public-meetings, separated by ;"
        )
    return sorted(set(codes))


def _norm_text(value) -> str:
    return re.sub(r"\s+", " ", str(value or "")).strip().casefold()


def fingerprint(*, group, values: dict, outputs: list[str], public_stated: bool = False) -> str:
    """sha256 of the group and the row's values, normalised: the same
    activity in a CSV or an XLSX, in any letter case, gives the same key.

    "Show on public page" counts only when the file says yes or no, so a
    file without that column keeps the keys it had before the column
    existed.
    """

    def norm(value) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if hasattr(value, "isoformat"):
            return value.isoformat()
        if hasattr(value, "pk"):
            return f"venue:{value.name.casefold()}"
        return re.sub(r"\s+", " ", str(value)).strip().casefold()

    venue = values.get("venue")
    parts = [
        str(group.pk),
        norm(values.get("activity_type")),
        norm(values.get("title")),
        norm(values.get("held_on")),
        norm(values.get("starts_at")),
        norm(venue.name if venue is not None else values.get("venue_text")),
        norm(values.get("public_attendance")),
        norm(values.get("borough_commander_present")),
        norm(values.get("local_authority_present")),
        norm(values.get("other_partners_present")),
        norm(values.get("topics")),
        ";".join(sorted(outputs)),
        norm(values.get("notes")),
    ]
    if public_stated:
        parts.append(f"public:{norm(values.get('is_public'))}")
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _time_key(value) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def natural_key(values: dict) -> tuple:
    """What makes a row the same activity as one already recorded: its type,
    date, title (spaces collapsed, case ignored) and start time."""
    return (values["activity_type"], values["held_on"], _norm_text(values["title"]), _time_key(values["starts_at"]))


def activity_natural_key(activity) -> tuple:
    """``natural_key`` of a recorded activity."""
    return (activity.activity_type, activity.held_on, _norm_text(activity.title), _time_key(activity.starts_at))


def row_differences(row: ParsedRow, activity, codes: set[str], columns) -> list[str]:
    """The labels of the file's columns in which ``row`` says something other
    than the recorded ``activity`` (whose evidence codes are ``codes``).

    Only columns the file has are compared; a blank "Show on public page"
    says nothing, so it matches either way.
    """
    values = row.values
    venue = values["venue"]
    same = {
        "venue": _norm_text(venue.name if venue is not None else values["venue_text"])
        == _norm_text(activity.venue.name if activity.venue_id else activity.venue_text),
        "public_attendance": values["public_attendance"] == activity.public_attendance,
        "borough_commander_present": values["borough_commander_present"] == activity.borough_commander_present,
        "local_authority_present": values["local_authority_present"] == activity.local_authority_present,
        "other_partners_present": _norm_text(values["other_partners_present"])
        == _norm_text(activity.other_partners_present),
        "topics": _norm_text(values["topics"]) == _norm_text(activity.topics),
        "notes": _norm_text(values["notes"]) == _norm_text(activity.notes),
        "outputs": set(evidence_codes(values["activity_type"], row.outputs)) == set(codes),
        "is_public": not row.public_stated or values["is_public"] == activity.is_public,
    }
    return [COLUMN_BY_KEY[key].label for key, equal in same.items() if key in columns and not equal]


def _letter(columns: dict[str, int], key: str) -> str:
    index = columns.get(key)
    return get_column_letter(index + 1) if index is not None else ""


# --- The whole file -------------------------------------------------------


def _header_map(header: list) -> tuple[dict[str, int], list[str]]:
    positions, ignored = {}, []
    for index, cell in enumerate(header):
        if _blank(cell):
            continue
        key = _HEADER_LOOKUP.get(_norm_header(cell))
        if key is None:
            ignored.append(_text(cell))
            continue
        if key in positions:
            raise _file_error(f"The file has the column {COLUMN_BY_KEY[key].label} more than once. Keep one")
        positions[key] = index
    missing = [c.label for c in REQUIRED_COLUMNS if c.key not in positions]
    if missing:
        raise _file_error(
            f"The file is missing the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
            "The first row must hold the column names: download the template to see them"
        )
    return positions, ignored


def _read_rows(file) -> tuple[str, list[tuple[int, list]]]:
    name = (getattr(file, "name", "") or "").rsplit("/", 1)[-1]
    ext = extension_of(name)
    if ext not in (".csv", ".xlsx"):
        hint = " (save an XLS file as XLSX first)" if ext == ".xls" else ""
        raise _file_error(f"The selected file must be a CSV or XLSX file{hint}")
    limit = settings.UPLOAD_MAX_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise _file_error(f"The selected file must be smaller than {size_limit_text(limit)}")
    file.seek(0)
    data = file.read(limit + 1)
    file.seek(0)
    if len(data) > limit:
        raise _file_error(f"The selected file must be smaller than {size_limit_text(limit)}")
    if not data.strip():
        raise _file_error("The selected file is empty")
    rows = _read_csv(data) if ext == ".csv" else _read_xlsx(data)
    return name, rows


def parse_activity_file(*, group, file, today: dt.date | None = None) -> ImportResult:
    """Check every row of a CSV or XLSX file of ``group``'s activities.

    Raises ValidationError on ``file`` for a problem with the file as a
    whole; returns an ImportResult holding either every row's values or
    every error (never some of each). The first row that holds anything
    is the column names; blank rows anywhere are skipped.
    """
    name, rows = _read_rows(file)
    if not rows:
        raise _file_error("The selected file is empty")
    (_header_number, header), data_rows = rows[0], rows[1:]
    positions, ignored = _header_map(header)
    if not data_rows:
        raise _file_error("The selected file has no activities in it, only the column names")
    if len(data_rows) > MAX_ROWS:
        raise _file_error(TOO_MANY_ROWS_MESSAGE.format(limit=MAX_ROWS))

    venues = {v.name.casefold(): v for v in group.venues.all()}
    bounds = activity_date_bounds(group=group, today=today)
    catalogue = OutputCatalogue(group)
    result = ImportResult(file_name=name, ignored_columns=ignored, columns=positions)
    seen: dict[str, int] = {}
    seen_natural: dict[tuple, int] = {}
    for number, row in data_rows:
        row_errors = _parse_row(
            group=group,
            number=number,
            row=row,
            positions=positions,
            venues=venues,
            today=today,
            bounds=bounds,
            catalogue=catalogue,
        )
        if isinstance(row_errors, list):
            result.errors.extend(row_errors)
            continue
        parsed = row_errors
        if parsed.import_key in seen:
            result.errors.append(
                RowError(number, "", "Whole row", f"This row is the same as row {seen[parsed.import_key]}. Remove one")
            )
            continue
        key = natural_key(parsed.values)
        if key in seen_natural:
            result.errors.append(
                result.title_error(
                    parsed,
                    f"This row has the same type, date, title and start time as row {seen_natural[key]}. "
                    "Change the title, or remove one",
                )
            )
            continue
        seen[parsed.import_key] = number
        seen_natural[key] = number
        result.rows.append(parsed)
    if result.errors:
        result.rows = []
    return result


def _parse_row(*, group, number, row, positions, venues, today, bounds, catalogue):
    errors: list[RowError] = []

    def cell(key):
        index = positions.get(key)
        return row[index] if index is not None and index < len(row) else None

    def report(key, message):
        column = COLUMN_BY_KEY[key]
        errors.append(RowError(number, _letter(positions, key), column.label, message, _text(cell(key))[:60]))

    parsers = {
        "type": ("activity_type", _parse_type),
        "date": ("held_on", _parse_date),
        "start_time": ("starts_at", _parse_time),
        "public_attendance": ("public_attendance", _parse_attendance),
        "borough_commander_present": ("borough_commander_present", _parse_yes_no),
        "local_authority_present": ("local_authority_present", _parse_yes_no),
    }
    values: dict = {}
    for key, (name, parse) in parsers.items():
        try:
            values[name] = parse(cell(key))
        except ValueError as error:
            report(key, str(error))
    public_stated = not _blank(cell("is_public"))
    try:
        values["is_public"] = (
            _parse_yes_no(cell("is_public")) if public_stated else public_by_default(values.get("activity_type"))
        )
    except ValueError as error:
        report("is_public", str(error))
    for key in ("title", "other_partners_present", "topics", "notes"):
        text = _text(cell(key))
        if len(text) > TEXT_LIMITS[key]:
            report(key, f"{COLUMN_BY_KEY[key].label} must be {TEXT_LIMITS[key]:,} characters or fewer")
        values[key] = text
    venue_text = _text(cell("venue"))
    if len(venue_text) > TEXT_LIMITS["venue"]:
        report("venue", f"Venue must be {TEXT_LIMITS['venue']} characters or fewer")
    venue = venues.get(venue_text.casefold()) if venue_text else None
    values["venue"] = venue
    values["venue_text"] = "" if venue is not None else venue_text
    held_on = values.get("held_on")
    try:
        if isinstance(held_on, dt.date):
            year = FinancialYear.containing(held_on)
            outputs = _parse_outputs(cell("outputs"), catalogue.codes_for(held_on), year.label)
        else:
            outputs = _parse_outputs(cell("outputs"))
    except ValueError as error:
        report("outputs", str(error))
        outputs = []
    reported = {e.field for e in errors}
    rule_errors = activity_rule_errors(
        group=group, values=values, outputs=outputs, today=today, bounds=bounds, catalogue=catalogue
    )
    for name, message in rule_errors.items():
        key = FIELD_COLUMN.get(name, name)
        if COLUMN_BY_KEY[key].label not in reported:
            report(key, message)
    if errors:
        return errors
    key = fingerprint(group=group, values=values, outputs=outputs, public_stated=public_stated)
    return ParsedRow(number, values, outputs, key, public_stated)


# --- The template -----------------------------------------------------------


def template_csv() -> str:
    """The import template as CSV: the row of column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.label for c in COLUMNS])
    return buffer.getvalue()


def template_xlsx(outputs: list[tuple[str, str]] | None = None, outputs_heading: str = "SLA output") -> bytes:
    """The import template as an Excel workbook: an Activities sheet with
    the column names and drop-downs, and a Guide sheet of types and codes.

    ``outputs`` lists the output codes to offer (a group's own for a year,
    from ``OutputCatalogue``); the standard ones by default.
    """
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Activities"
    sheet.append([c.label for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(column.label) + 4)
    sheet.freeze_panes = "A2"
    types = DataValidation(
        type="list", formula1='"' + ",".join(label for _, label in ActivityType.choices) + '"', allow_blank=False
    )
    yes_no = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
    sheet.add_data_validation(types)
    sheet.add_data_validation(yes_no)
    keys = [c.key for c in COLUMNS]
    types.add(f"A2:A{MAX_ROWS + 1}")
    for key in ("borough_commander_present", "local_authority_present", "is_public"):
        letter = get_column_letter(keys.index(key) + 1)
        yes_no.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    date_letter = get_column_letter(keys.index("date") + 1)
    for row in range(2, 202):
        sheet[f"{date_letter}{row}"].number_format = "yyyy-mm-dd"

    guide = workbook.create_sheet("Guide")
    guide.append(["Column", "Required", "What to enter", "Example"])
    for column in COLUMNS:
        guide.append([column.label, "Yes" if column.required else "No", column.help, column.example])
    guide.append([])
    guide.append(["Type", "Code"])
    for value, label in ActivityType.choices:
        guide.append([label, value])
    guide.append([])
    guide.append([outputs_heading, "Code"])
    for code, text in outputs or OUTPUT_CHOICES:
        guide.append([text, code])
    for row in guide.iter_rows():
        if row[0].value in {"Column", "Type", outputs_heading}:
            for c in row:
                c.font = Font(bold=True)
    guide.column_dimensions["A"].width = 45
    guide.column_dimensions["C"].width = 80
    guide.column_dimensions["D"].width = 35
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
