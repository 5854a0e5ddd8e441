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
from operator import itemgetter
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


# The parts of a search every row repeats: stored once as a search profile
# (``models.StopSearchProfile``) that the rows point to.
PROFILE_FIELDS = (
    "search_type",
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
    """The good rows, dictionary-encoded, and every error by row (the first
    ``MAX_ERRORS``).

    A month repeats a few thousand search profiles, times and points over
    some 15,000 rows, so each distinct one is checked and converted once and
    a row holds its number and three codes: ``whens[when_codes[i]]`` is row
    i's (time in UTC, date in London), ``points[point_codes[i]]`` its
    (latitude, longitude), and ``profiles[profile_codes[i]]`` its
    ``PROFILE_FIELDS`` values.
    """

    numbers: list[int] = field(default_factory=list)
    when_codes: list[int] = field(default_factory=list)
    whens: list[tuple[dt.datetime, dt.date]] = field(default_factory=list)
    point_codes: list[int] = field(default_factory=list)
    points: list[tuple[float | None, float | None]] = field(default_factory=list)
    profile_codes: list[int] = field(default_factory=list)
    profiles: list[tuple] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0

    def __len__(self) -> int:
        return len(self.numbers)

    @property
    def rows(self) -> list[Row]:
        """The good rows one by one (for tests and small files; the service
        reads the codes)."""
        rows = []
        for number, when, point, profile in zip(
            self.numbers, self.when_codes, self.point_codes, self.profile_codes, strict=True
        ):
            values = dict(zip(PROFILE_FIELDS, self.profiles[profile], strict=True))
            occurred_at, london_date = self.whens[when]
            latitude, longitude = self.points[point]
            rows.append(
                Row(
                    row_number=number,
                    occurred_at=occurred_at,
                    london_date=london_date,
                    latitude=latitude,
                    longitude=longitude,
                    **values,
                )
            )
        return rows

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


_SEARCH_TYPE, _GENDER, _AGE_RANGE, _LEGISLATION, _OBJECT = (
    _limited(name, _TEXT_LIMITS[name])
    for name in ("search_type", "gender", "age_range", "legislation", "object_of_search")
)


# The source columns a profile is made from, in the order they are checked
# (a row's first failing check is the one reported).
PROFILE_COLUMNS = (
    "Outcome",
    "Officer-defined ethnicity",
    "Self-defined ethnicity",
    "Outcome linked to object of search",
    "Removal of more than just outer clothing",
    "Type",
    "Gender",
    "Age range",
    "Legislation",
    "Object of search",
)


def _profile(raw: tuple) -> tuple:
    """A search profile (``PROFILE_FIELDS``) from its source values
    (``PROFILE_COLUMNS``), checked in that order."""
    outcome, officer, self_defined, linked, removal, search_type, gender, age_range, legislation, object_ = raw
    outcome = _outcome(outcome)
    officer = _officer(officer)
    self_defined = _text(self_defined)
    group, census = self_defined_groups(self_defined)
    linked = _bool(linked, "Outcome linked")
    removal = _bool(removal, "Removal of more than just outer clothing")
    return (
        _SEARCH_TYPE(search_type),
        _GENDER(gender),
        _AGE_RANGE(age_range),
        self_defined[:120],
        group,
        census,
        officer,
        _LEGISLATION(legislation),
        _OBJECT(object_),
        outcome,
        linked,
        removal,
    )


def _point(raw: tuple) -> tuple[float | None, float | None]:
    latitude = _coordinate(raw[0], -90, 90, "Latitude")
    longitude = _coordinate(raw[1], -180, 180, "Longitude")
    if (latitude is None) != (longitude is None):
        raise ValueError("Latitude and longitude must both be given or both be blank")
    return latitude, longitude


def _encode(values: list, convert, row_errors: dict[int, str]) -> tuple[list[int], list]:
    """Dictionary-encode a column (or a tuple of columns): (a code per row,
    each distinct value converted once, in the order first seen). A value
    that fails marks its rows in ``row_errors`` (a row keeps the message of
    its first failure)."""
    converted, bad = [], {}
    index = dict.fromkeys(values)
    for code, value in enumerate(index):
        index[value] = code
        try:
            converted.append(convert(value))
        except ValueError as error:
            converted.append(None)
            bad[code] = str(error)
    codes = list(map(index.__getitem__, values))
    if bad:
        for row, code in enumerate(codes):
            if code in bad:
                row_errors.setdefault(row, bad[code])
    return codes, converted


def _parse_records(parsed: Parsed, numbers: list[int], records: list, position: dict[str, int]) -> Parsed:
    """Check and convert the records (sequences of values, ``position``
    giving each column's place): each distinct time, point and profile is
    converted once, then looked up, so the work per row is three look-ups."""
    row_errors: dict[int, str] = {}
    when_codes, whens = _encode(list(map(itemgetter(position["Date"]), records)), _when_memo(), row_errors)
    point_codes, points = _encode(
        list(map(itemgetter(position["Latitude"], position["Longitude"]), records)), _point, row_errors
    )
    profile_codes, profiles = _encode(
        list(map(itemgetter(*(position[name] for name in PROFILE_COLUMNS)), records)), _profile, row_errors
    )
    if row_errors:
        for index in sorted(row_errors):
            parsed.error(numbers[index], row_errors[index])
        keep = [i for i in range(len(numbers)) if i not in row_errors]
        numbers, when_codes, point_codes, profile_codes = (
            [values[i] for i in keep] for values in (numbers, when_codes, point_codes, profile_codes)
        )
    parsed.numbers, parsed.when_codes, parsed.whens = numbers, when_codes, whens
    parsed.point_codes, parsed.points = point_codes, points
    parsed.profile_codes, parsed.profiles = profile_codes, profiles
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
    numbers = list(range(2, len(records) + 2))
    if set(map(len, records)) - {width}:
        numbers = [number for number, values in enumerate(records, start=2) if len(values) == width]
        for number, values in enumerate(records, start=2):
            if values and len(values) != width:
                parsed.error(number, f"The row has {len(values)} values, not {width}")
        records = [records[number - 2] for number in numbers]
    if not records:
        return parsed
    return _parse_records(parsed, numbers, records, {name: index for index, name in enumerate(header)})


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
    numbers, rows = [], []
    keys = tuple(_API_KEYS.items())
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict) or "datetime" not in record:
            parsed.error(number, "The record is not a stop and search")
            continue
        numbers.append(number)
        location = record.get("location")
        if not isinstance(location, dict):
            location = {}
        rows.append(
            [_hashable(record.get(key)) for _, key in keys]
            + [_hashable(location.get("latitude")), _hashable(location.get("longitude"))]
        )
    if not numbers:
        return parsed
    position = {column: index for index, (column, _) in enumerate(keys)}
    position.update({"Latitude": len(keys), "Longitude": len(keys) + 1})
    return _parse_records(parsed, numbers, rows, position)


def parse_file(file_name: str, data: bytes) -> Parsed:
    """A CSV or the API's JSON, by content (JSON starts with "[")."""
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"[":
        return parse_api_json(data)
    return parse_csv(data)
