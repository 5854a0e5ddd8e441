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


# The columns a parse gives, in the order the checks run (a row's first
# failing check is the one reported), and the Row attribute of each.
FIELDS = (
    "row_number",
    "occurred_at",
    "london_date",
    "search_type",
    "latitude",
    "longitude",
    "gender",
    "age_range",
    "self_defined_ethnicity",
    "self_defined_group",
    "self_defined_census_group",
    "officer_defined_group",
    "legislation",
    "object_of_search",
    "outcome",
    "outcome_linked_to_object",
    "more_than_outer_clothing_removed",
)


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
    """The good rows as columns (``columns[name][i]`` is row i's value of a
    ``FIELDS`` name), and every error by row (the first ``MAX_ERRORS``)."""

    columns: dict[str, list] = field(default_factory=lambda: {name: [] for name in FIELDS})
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def __len__(self) -> int:
        return len(self.columns["row_number"])

    @property
    def rows(self) -> list[Row]:
        """The good rows one by one (for tests and small files; the service
        reads ``columns``)."""
        return [Row(*values) for values in zip(*(self.columns[name] for name in FIELDS), strict=True)]

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


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _when_memo():
    """A function giving (the time in UTC, the date in London) of a published
    date and time. London's offset from UTC is looked up once per hour (the
    clocks change on the hour, at 01:00 UTC), not per value: ``astimezone``
    to London is most of the cost of a value."""
    offsets: dict = {}

    def when(value) -> tuple[dt.datetime, dt.date]:
        text = _text(value)
        try:
            occurred = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"Date {text!r} is not a date and time") from None
        if occurred.tzinfo is None:
            occurred = occurred.replace(tzinfo=dt.UTC)
        elif occurred.tzinfo is not dt.UTC:  # fromisoformat gives dt.UTC for "+00:00" and "Z"
            occurred = occurred.astimezone(dt.UTC)
        hour = (occurred.year, occurred.month, occurred.day, occurred.hour)
        london = offsets.get(hour)
        if london is None:
            london = offsets[hour] = occurred.astimezone(LONDON).utcoffset()
        return occurred, (occurred + london).date()

    return when


def _outcome(value) -> str:
    if value is False:
        return API_OUTCOME_FALSE
    outcome = OUTCOME_TEXT.get(_text(value).lower())
    if outcome is None:
        raise ValueError(f"Unknown outcome {_text(value)!r}")
    return outcome


def _officer(value) -> str:
    group = OFFICER_GROUPS.get(_text(value).lower())
    if group is None:
        raise ValueError(f"Unknown officer-defined ethnicity {_text(value)!r}")
    return group


def _limited(name: str, limit: int):
    label = name.replace("_", " ").capitalize()

    def check(value) -> str:
        text = _text(value)
        if len(text) > limit:
            raise ValueError(f"{label} is longer than {limit} characters")
        return text

    return check


class _Columns:
    """Checks and converts a file column by column.

    Each column's distinct values are converted once (a month of searches
    has a few dozen outcomes, legislations and ethnicities, and repeats
    points and times), then looked up for every row, so the work per row is
    a dictionary look-up, not a call. A value that fails marks its rows with
    the message; a row keeps the message of the first check it fails.
    """

    def __init__(self, numbers: list[int], raw: dict[str, list]):
        self.numbers = numbers
        self.raw = raw
        self.row_errors: dict[int, str] = {}  # index -> first message

    def _memo(self, column: str, fn) -> tuple[dict, bool]:
        """Each distinct value of a column converted once: (value -> result,
        whether any value failed, marking its rows)."""
        values = self.raw[column]
        memo, bad = {}, {}
        for value in set(values):
            try:
                memo[value] = fn(value)
            except ValueError as error:
                bad[value] = str(error)
        if bad:
            for index, value in enumerate(values):
                if value in bad:
                    self.row_errors.setdefault(index, bad[value])
        return memo, bool(bad)

    def convert(self, column: str, fn) -> list | tuple:
        values = self.raw[column]
        memo, failed = self._memo(column, fn)
        if failed:
            return [memo.get(value) for value in values]
        if all(type(result) is type(value) and result == value for value, result in memo.items()):
            return values  # every value is already as stored (most text columns)
        return list(map(memo.__getitem__, values))

    def convert_many(self, column: str, fn, count: int) -> list[list]:
        """``count`` columns from one: ``fn`` gives a tuple of ``count``."""
        values = self.raw[column]
        memo, failed = self._memo(column, fn)
        out = []
        for part in range(count):
            lookup = {value: result[part] for value, result in memo.items()}
            out.append([lookup.get(value) for value in values] if failed else list(map(lookup.__getitem__, values)))
        return out

    def parse(self, parsed: Parsed) -> Parsed:
        occurred_at, london_date = self.convert_many("Date", _when_memo(), 2)
        latitudes = self.convert("Latitude", lambda v: _coordinate(v, -90, 90, "Latitude"))
        longitudes = self.convert("Longitude", lambda v: _coordinate(v, -180, 180, "Longitude"))
        for index, (lat, lon) in enumerate(zip(latitudes, longitudes, strict=True)):
            if (lat is None) != (lon is None):
                self.row_errors.setdefault(index, "Latitude and longitude must both be given or both be blank")
        outcomes = self.convert("Outcome", _outcome)
        officer = self.convert("Officer-defined ethnicity", _officer)
        self_defined, self_group, self_census = self.convert_many(
            "Self-defined ethnicity", lambda v: (_text(v)[:120], *self_defined_groups(_text(v))), 3
        )
        linked = self.convert("Outcome linked to object of search", lambda v: _bool(v, "Outcome linked"))
        removal = self.convert(
            "Removal of more than just outer clothing",
            lambda v: _bool(v, "Removal of more than just outer clothing"),
        )
        texts = {
            name: self.convert(column, _limited(name, _TEXT_LIMITS[name]))
            for name, column in (
                ("search_type", "Type"),
                ("gender", "Gender"),
                ("age_range", "Age range"),
                ("legislation", "Legislation"),
                ("object_of_search", "Object of search"),
            )
        }
        columns = {
            "row_number": self.numbers,
            "occurred_at": occurred_at,
            "london_date": london_date,
            "latitude": latitudes,
            "longitude": longitudes,
            "self_defined_ethnicity": self_defined,
            "self_defined_group": self_group,
            "self_defined_census_group": self_census,
            "officer_defined_group": officer,
            "outcome": outcomes,
            "outcome_linked_to_object": linked,
            "more_than_outer_clothing_removed": removal,
            **texts,
        }
        if self.row_errors:
            for index in sorted(self.row_errors):
                parsed.error(self.numbers[index], self.row_errors[index])
            keep = [i for i in range(len(self.numbers)) if i not in self.row_errors]
            columns = {name: [values[i] for i in keep] for name, values in columns.items()}
        parsed.columns = {name: columns[name] for name in FIELDS}
        return parsed


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
    records = list(reader)
    numbers = [number for number, values in enumerate(records, start=2) if len(values) == width]
    if len(numbers) != len(records):
        for number, values in enumerate(records, start=2):
            if values and len(values) != width:
                parsed.error(number, f"The row has {len(values)} values, not {width}")
        records = [records[number - 2] for number in numbers]
    if not records:
        return parsed
    raw = dict(zip(header, zip(*records, strict=True), strict=True))
    return _Columns(numbers, raw).parse(parsed)


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


def _hashable(value):
    """A JSON value as a dictionary key (an unexpected list or object becomes
    its text, which then fails its column's check)."""
    return json.dumps(value) if isinstance(value, list | dict) else value


def parse_api_json(data: bytes) -> Parsed:
    """Every record of a police.uk ``stops-force`` (or ``stops-street``) answer."""
    try:
        records = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ImportRefusedError("The file is not police.uk API JSON") from None
    if not isinstance(records, list):
        raise ImportRefusedError("The file is not police.uk API JSON (a list of searches)")
    parsed = Parsed()
    numbers = []
    raw = {column: [] for column in COLUMNS}
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or "datetime" not in record:
            parsed.error(number, "The record is not a stop and search")
            continue
        numbers.append(number)
        for column, key in _API_KEYS.items():
            raw[column].append(_hashable(record.get(key)))
        location = record.get("location")
        if not isinstance(location, dict):
            location = {}
        raw["Latitude"].append(_hashable(location.get("latitude")))
        raw["Longitude"].append(_hashable(location.get("longitude")))
    if not numbers:
        return parsed
    return _Columns(numbers, raw).parse(parsed)


def parse_file(file_name: str, data: bytes) -> Parsed:
    """A CSV or the API's JSON, by content (JSON starts with "[")."""
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"[":
        return parse_api_json(data)
    return parse_csv(data)
