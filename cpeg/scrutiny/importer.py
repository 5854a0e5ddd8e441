"""Reading police.uk stop and search files: the monthly CSV and the API's JSON.

Pure parsing, no database: ``parse_file`` returns every row it could read
and every error by row. The service (``services.stop_search_import_run``)
saves nothing unless there are no errors at all. Quirks handled (see
/work/shared/data/NOTES.md and docs/scrutiny.md): both vocabularies, LF and
CRLF line endings, a byte-order mark, UTC timestamps reported by London
month, blank values, "Other ethnic group - Not stated" as not stated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from cpeg.scrutiny.choices import (
    API_OUTCOME_FALSE,
    LEGACY_CODE_GROUP,
    MIXED_BLACK_DETAILS,
    OFFICER_GROUPS,
    OUTCOME_TEXT,
    SELF_GROUP_PREFIX,
    EthnicGroup,
    Force,
)

LONDON = ZoneInfo("Europe/London")
COLUMNS = (
    "Type",
    "Date",
    "Part of a policing operation",
    "Policing operation",
    "Latitude",
    "Longitude",
    "Gender",
    "Age range",
    "Self-defined ethnicity",
    "Officer-defined ethnicity",
    "Legislation",
    "Object of search",
    "Outcome",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)
MAX_ERRORS = 100
FILE_NAME = re.compile(r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<force>[a-z-]+?)-stop-and-search\.csv$")
_LEGACY_CODE = re.compile(r"\(([A-Z]{1,2}\d?)\)\s*$")
_TEXT_LIMITS = {"search_type": 40, "gender": 20, "age_range": 20, "legislation": 150, "object_of_search": 150}


class ImportRefusedError(ValueError):
    """The file as a whole cannot be read (wrong columns, not JSON, ...)."""


@dataclass
class Row:
    row_number: int
    occurred_at: dt.datetime
    london_date: dt.date
    search_type: str
    latitude: float | None
    longitude: float | None
    gender: str
    age_range: str
    self_defined_ethnicity: str
    self_defined_group: str
    self_defined_census_group: str
    officer_defined_group: str
    legislation: str
    object_of_search: str
    outcome: str
    outcome_linked_to_object: bool | None
    more_than_outer_clothing_removed: bool | None


@dataclass
class Parsed:
    rows: list[Row] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def error(self, row: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "message": message})


def month_and_force_from_name(file_name: str) -> tuple[dt.date, str] | None:
    """(month, force) from a police.uk file name such as
    ``2018-10-metropolitan-stop-and-search.csv``, or None."""
    match = FILE_NAME.search(file_name or "")
    if not match or match["force"] not in Force.values:
        return None
    month = int(match["month"])
    if not 1 <= month <= 12:
        return None
    return dt.date(int(match["year"]), month, 1), match["force"]


def self_defined_groups(text: str) -> tuple[str, str]:
    """(group, census group) for a self-defined ethnicity in either vocabulary.

    Raises ValueError for a value in neither."""
    value = text.strip()
    lower = value.lower()
    if not value or lower in {"other ethnic group - not stated", "not stated (ns)"}:
        return EthnicGroup.NOT_STATED, EthnicGroup.NOT_STATED
    legacy = _LEGACY_CODE.search(value)
    if legacy:
        code = legacy.group(1)
        group = LEGACY_CODE_GROUP.get(code) or LEGACY_CODE_GROUP.get(code[0])
        if group is None:
            raise ValueError(f"Unknown self-defined ethnicity {value!r}")
    else:
        prefix = lower.split(" - ", 1)[0]
        group = SELF_GROUP_PREFIX.get(prefix)
        if group is None:
            raise ValueError(f"Unknown self-defined ethnicity {value!r}")
    census = group
    if group == EthnicGroup.MIXED and any(detail in lower for detail in MIXED_BLACK_DETAILS):
        census = EthnicGroup.BLACK
    return group, census


def _bool(value, column: str) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "false"}:
        return text == "true"
    raise ValueError(f"{column} must be True, False or blank, not {value!r}")


def _coordinate(value, low: float, high: float, column: str) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{column} {value!r} is not a number") from None
    if not low <= number <= high or number != number:
        raise ValueError(f"{column} {value!r} is out of range")
    return number


def _row(number: int, values: dict) -> Row:
    """One row from its values by CSV column name; raises ValueError."""
    text = {key: ("" if value is None else str(value).strip()) for key, value in values.items()}
    try:
        occurred = dt.datetime.fromisoformat(text["Date"])
    except ValueError:
        raise ValueError(f"Date {text['Date']!r} is not a date and time") from None
    if occurred.tzinfo is None:
        occurred = occurred.replace(tzinfo=dt.UTC)
    latitude = _coordinate(values.get("Latitude"), -90, 90, "Latitude")
    longitude = _coordinate(values.get("Longitude"), -180, 180, "Longitude")
    if (latitude is None) != (longitude is None):
        raise ValueError("Latitude and longitude must both be given or both be blank")
    outcome_value = values.get("Outcome")
    if outcome_value is False:
        outcome = API_OUTCOME_FALSE
    else:
        outcome = OUTCOME_TEXT.get(text["Outcome"].lower())
        if outcome is None:
            raise ValueError(f"Unknown outcome {text['Outcome']!r}")
    officer = OFFICER_GROUPS.get(text["Officer-defined ethnicity"].lower())
    if officer is None:
        raise ValueError(f"Unknown officer-defined ethnicity {text['Officer-defined ethnicity']!r}")
    group, census = self_defined_groups(text["Self-defined ethnicity"])
    row = Row(
        row_number=number,
        occurred_at=occurred.astimezone(dt.UTC),
        london_date=occurred.astimezone(LONDON).date(),
        search_type=text["Type"],
        latitude=latitude,
        longitude=longitude,
        gender=text["Gender"],
        age_range=text["Age range"],
        self_defined_ethnicity=text["Self-defined ethnicity"][:120],
        self_defined_group=group,
        self_defined_census_group=census,
        officer_defined_group=officer,
        legislation=text["Legislation"],
        object_of_search=text["Object of search"],
        outcome=outcome,
        outcome_linked_to_object=_bool(values.get("Outcome linked to object of search"), "Outcome linked"),
        more_than_outer_clothing_removed=_bool(
            values.get("Removal of more than just outer clothing"), "Removal of more than just outer clothing"
        ),
    )
    for name, limit in _TEXT_LIMITS.items():
        if len(getattr(row, name)) > limit:
            raise ValueError(f"{name.replace('_', ' ').capitalize()} is longer than {limit} characters")
    return row


def parse_csv(data: bytes) -> Parsed:
    """Every row of a police.uk stop and search CSV; refuses unknown columns."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRefusedError("The file is not UTF-8 text: save it as CSV (UTF-8) and try again") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ImportRefusedError("The file is empty")
    header = [name.strip() for name in header]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in header]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("unknown columns: " + ", ".join(unknown))
        if missing:
            parts.append("missing columns: " + ", ".join(missing))
        raise ImportRefusedError("This is not a police.uk stop and search file (" + "; ".join(parts) + ")")
    parsed = Parsed()
    width = len(header)
    for number, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != width:
            parsed.error(number, f"The row has {len(values)} values, not {width}")
            continue
        try:
            parsed.rows.append(_row(number, dict(zip(header, values, strict=True))))
        except ValueError as error:
            parsed.error(number, str(error))
    return parsed


_API_KEYS = {
    "Type": "type",
    "Date": "datetime",
    "Gender": "gender",
    "Age range": "age_range",
    "Self-defined ethnicity": "self_defined_ethnicity",
    "Officer-defined ethnicity": "officer_defined_ethnicity",
    "Legislation": "legislation",
    "Object of search": "object_of_search",
    "Outcome": "outcome",
    "Outcome linked to object of search": "outcome_linked_to_object_of_search",
    "Removal of more than just outer clothing": "removal_of_more_than_outer_clothing",
}


def parse_api_json(data: bytes) -> Parsed:
    """Every record of a police.uk ``stops-force`` (or ``stops-street``) answer."""
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportRefusedError("The file is not police.uk API JSON") from None
    if not isinstance(records, list):
        raise ImportRefusedError("The file is not police.uk API JSON (a list of searches)")
    parsed = Parsed()
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or "datetime" not in record:
            parsed.error(number, "The record is not a stop and search")
            continue
        values = {column: record.get(key) for column, key in _API_KEYS.items()}
        location = record.get("location")
        if isinstance(location, dict):
            values["Latitude"], values["Longitude"] = location.get("latitude"), location.get("longitude")
        try:
            parsed.rows.append(_row(number, values))
        except ValueError as error:
            parsed.error(number, str(error))
    return parsed


def parse_file(file_name: str, data: bytes) -> Parsed:
    """A CSV or the API's JSON, by content (JSON starts with "[")."""
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"[":
        return parse_api_json(data)
    return parse_csv(data)
