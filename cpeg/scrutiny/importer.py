"""Reading police.uk stop and search files: the monthly CSV and the API's JSON.

Pure parsing, no database. A file in the published form with every value
good is read column by column (``published.read_published``); anything
else is read here: ``read_file`` reads the file into records, and an ``Encoder`` checks and converts them, in parts,
into a ``Parsed``: every good row and every error by row (``parse_file``
does both at once). The service (``services.imports``, ``services.storing``)
stores the parts as they are made and keeps nothing unless no row has an
error. Quirks handled (see
/work/shared/data/NOTES.md and docs/scrutiny.md): both vocabularies, LF and
CRLF line endings, a byte-order mark, UTC timestamps reported by London
month, blank values, "Other ethnic group - Not stated" as not stated.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
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


# A search's time: (in UTC, its date in London, and both as the text the
# databases take: "2018-10-01 12:30:00" in UTC, "2018-10-01"). A plain
# tuple: a month has some 8,000 distinct times, and a named tuple's
# constructor doubles the cost of making one.
When = tuple[dt.datetime, dt.date, str, str]


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
    i's time (a ``When``), ``points[point_codes[i]]`` its (latitude,
    longitude), and ``profiles[profile_codes[i]]`` its ``PROFILE_FIELDS``
    values, as stored (plain text, not choice members: a profile's key is
    the digest of these). A value that failed its checks is None.
    """

    numbers: list[int] = field(default_factory=list)
    when_codes: list[int] = field(default_factory=list)
    whens: list[When] = field(default_factory=list)
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
            occurred_at, london_date, _, _ = self.whens[when]
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


# Each column has a few dozen distinct values at most: each is checked once
# per process (``typed``: the API's False is not the CSV's "0").
_per_value = functools.lru_cache(maxsize=1024, typed=True)


@_per_value
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
    """A function giving a published date and time as a ``When``.

    Since 1972 London is UTC or one hour ahead, so only a time in the last
    hour of a UTC day can fall on the next London day; for those, whether
    London is ahead is looked up once per day (the clocks change at 01:00
    UTC, so 23:00 has that day's offset). An earlier time (double summer
    time, local mean time) is converted in full. ``astimezone`` to London for every value was
    most of the cost of a value. The texts of a time in the published form
    ("2018-10-01T12:30:00+00:00") are cut from it, not formatted again."""
    late: dict = {}

    def when(value) -> When:
        text = value.strip() if value.__class__ is str else _text(value)
        try:
            occurred = dt.datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"Date {text!r} is not a date and time") from None
        if occurred.tzinfo is not dt.UTC:  # fromisoformat gives dt.UTC for "+00:00" and "Z"
            occurred = occurred.replace(tzinfo=dt.UTC) if occurred.tzinfo is None else occurred.astimezone(dt.UTC)
        day = occurred.date()
        if occurred.year < 1972:
            try:
                london = occurred.astimezone(LONDON).date()
            except OverflowError:
                raise ValueError(f"Date {text!r} is not a date and time") from None
            return occurred, london, occurred.isoformat(" ")[:-6], london.isoformat()
        if occurred.hour == 23:
            london = late.get(day)
            if london is None:
                london = late[day] = (occurred + occurred.astimezone(LONDON).utcoffset()).date()
            if london != day:
                return occurred, london, occurred.isoformat(" ")[:-6], london.isoformat()
        if len(text) == 25 and text[10] == "T" and text.endswith("+00:00"):
            return occurred, day, f"{text[:10]} {text[11:19]}", text[:10]
        return occurred, day, occurred.isoformat(" ")[:-6], day.isoformat()

    return when


@_per_value
def _outcome(value) -> str:
    if value is False:
        return API_OUTCOME_FALSE.value
    outcome = OUTCOME_TEXT.get(_text(value).lower())
    if outcome is None:
        raise ValueError(f"Unknown outcome {_text(value)!r}")
    return outcome.value


@_per_value
def _officer(value) -> str:
    group = OFFICER_GROUPS.get(_text(value).lower())
    if group is None:
        raise ValueError(f"Unknown officer-defined ethnicity {_text(value)!r}")
    return group.value


def _limited(name: str, limit: int):
    label = name.replace("_", " ").capitalize()

    @_per_value
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


@_per_value
def _self_defined(value) -> tuple[str, str, str]:
    text = _text(value)
    group, census = self_defined_groups(text)
    return text[:120], group.value, census.value


def _profile(raw: tuple) -> tuple:
    """A search profile (``PROFILE_FIELDS``) from its source values
    (``PROFILE_COLUMNS``), checked in that order."""
    outcome, officer, self_defined, linked, removal, search_type, gender, age_range, legislation, object_ = raw
    outcome = _outcome(outcome)
    officer = _officer(officer)
    self_defined, group, census = _self_defined(self_defined)
    linked = _bool(linked, "Outcome linked")
    removal = _bool(removal, "Removal of more than just outer clothing")
    return (
        _SEARCH_TYPE(search_type),
        _GENDER(gender),
        _AGE_RANGE(age_range),
        self_defined,
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


def _encode(values: list, index: dict, converted: list, bad: dict, convert) -> list[int]:
    """Dictionary-encode a column (or a tuple of columns) part by part: a
    code per value. Each value not seen in an earlier part is given the next
    code (``index`` maps values to codes) and converted once, by
    ``convert(new values, converted, bad)``, which appends each one's
    converted value to ``converted``, or None and its error to ``bad``
    (code: message)."""
    new = [value for value in dict.fromkeys(values) if value not in index]
    if new:
        index.update(zip(new, range(len(converted), len(converted) + len(new)), strict=True))
        convert(new, converted, bad)
    return list(map(index.__getitem__, values))


def _each(convert):
    """A converter of many values from one of one value."""

    def convert_all(values: list, converted: list, bad: dict) -> None:
        for value in values:
            try:
                converted.append(convert(value))
            except ValueError as error:
                bad[len(converted)] = str(error)
                converted.append(None)

    return convert_all


def _points(values: list, converted: list, bad: dict) -> None:
    """``_each(_point)``, with a point given as two numbers in range taken
    at once (nearly every point; ``_point`` checks the rest and says what
    is wrong)."""
    append = converted.append
    for raw in values:
        try:
            latitude, longitude = float(raw[0]), float(raw[1])
        except (TypeError, ValueError):
            pass
        else:
            if -90 <= latitude <= 90 and -180 <= longitude <= 180:
                append((latitude, longitude))
                continue
        try:
            append(_point(raw))
        except ValueError as error:
            bad[len(converted)] = str(error)
            append(None)


@dataclass
class Source:
    """A file read into records, not yet checked: each record a sequence of
    values, ``position`` giving where its date, latitude and longitude are.
    ``profile_of`` takes a record's search profile values out (in
    ``PROFILE_COLUMNS`` order) and ``convert_profile`` checks and converts
    them (``_profile``). ``parsed``
    holds the errors found reading (a row with the wrong number of values)."""

    numbers: list[int]
    records: list
    position: dict[str, int]
    profile_of: object
    convert_profile: object
    parsed: Parsed

    def __len__(self) -> int:
        return len(self.records)


class Encoder:
    """Checks and converts a file's records into its ``Parsed``, in parts
    (``encode(start, stop)``), so the service can store one part while the
    next is read. Each distinct time, point and profile is converted once
    and looked up after, so the work per row is three look-ups.

    The profiles are all converted first (``parsed.profiles``): the service
    needs their ids before it stores a row. A row's error is its first
    failure in the order time, point, profile; errors are in row order."""

    def __init__(self, source: Source):
        self.source = source
        self.parsed = parsed = source.parsed
        self._profile_bad: dict[int, str] = {}
        self._profile_codes = _encode(
            list(map(source.profile_of, source.records)),
            {},
            parsed.profiles,
            self._profile_bad,
            _each(source.convert_profile),
        )
        self._date, self._point = (
            itemgetter(source.position["Date"]),
            itemgetter(source.position["Latitude"], source.position["Longitude"]),
        )
        self.profile_errors = bool(self._profile_bad)
        self.encoded = 0  # rows encoded so far (parts are encoded in order)
        self._whens, self._when_bad, self._when = {}, {}, _each(_when_memo())
        self._points, self._point_bad = {}, {}

    def encode(self, start: int, stop: int) -> tuple[list[int], list[int], list[int], list[int]]:
        """Rows ``start`` to ``stop`` (indexes into the records): the good
        ones' (numbers, time codes, point codes, profile codes), also added
        to ``parsed``; the bad ones' errors added to ``parsed``."""
        self.encoded = min(stop, len(self.source))
        records, parsed = self.source.records[start:stop], self.parsed
        numbers = self.source.numbers[start:stop]
        when_codes = _encode(list(map(self._date, records)), self._whens, parsed.whens, self._when_bad, self._when)
        point_codes = _encode(list(map(self._point, records)), self._points, parsed.points, self._point_bad, _points)
        profile_codes = self._profile_codes[start:stop]
        failures = (
            (self._when_bad, when_codes),
            (self._point_bad, point_codes),
            (self._profile_bad, profile_codes),
        )
        row_errors: dict[int, str] = {}
        for bad, codes in failures:
            if bad:
                for row, code in enumerate(codes):
                    if code in bad:
                        row_errors.setdefault(row, bad[code])
        if row_errors:
            for row in sorted(row_errors):
                parsed.error(numbers[row], row_errors[row])
            keep = [row for row in range(len(numbers)) if row not in row_errors]
            numbers, when_codes, point_codes, profile_codes = (
                [values[row] for row in keep] for values in (numbers, when_codes, point_codes, profile_codes)
            )
        parsed.numbers += numbers
        parsed.when_codes += when_codes
        parsed.point_codes += point_codes
        parsed.profile_codes += profile_codes
        return numbers, when_codes, point_codes, profile_codes


def _source(parsed: Parsed, numbers: list[int], records: list, position: dict[str, int]) -> Source:
    profile_of = itemgetter(*(position[name] for name in PROFILE_COLUMNS))
    return Source(numbers, records, position, profile_of, _profile, parsed)


def read_csv(data: bytes) -> Source:
    """The records of a police.uk stop and search CSV; refuses unknown columns."""
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
    try:
        records = list(reader)
    except csv.Error as error:  # a value over the csv module's limit of 131,072 characters, say
        raise ImportRefusedError(f"The file could not be read as CSV ({error})") from None
    numbers = list(range(2, len(records) + 2))
    if set(map(len, records)) - {width}:
        numbers = [number for number, values in enumerate(records, start=2) if len(values) == width]
        for number, values in enumerate(records, start=2):
            if values and len(values) != width:
                parsed.error(number, f"The row has {len(values)} values, not {width}")
        records = [records[number - 2] for number in numbers]
    return _source(parsed, numbers, records, {name: index for index, name in enumerate(header)})


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


def read_api_json(data: bytes) -> Source:
    """The records of a police.uk ``stops-force`` (or ``stops-street``) answer."""
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
    position = {column: index for index, (column, _) in enumerate(keys)}
    position.update({"Latitude": len(keys), "Longitude": len(keys) + 1})
    return _source(parsed, numbers, rows, position)


def read_file(file_name: str, data: bytes) -> Source:
    """A CSV or the API's JSON, by content (JSON starts with "[")."""
    if data.lstrip(b"\xef\xbb\xbf \r\n\t")[:1] == b"[":
        return read_api_json(data)
    return read_csv(data)


def _parse(source: Source) -> Parsed:
    if len(source):
        Encoder(source).encode(0, len(source))
    return source.parsed


def parse_csv(data: bytes) -> Parsed:
    """Every row of a police.uk stop and search CSV, checked (all at once)."""
    return _parse(read_csv(data))


def parse_api_json(data: bytes) -> Parsed:
    """Every record of a police.uk API answer, checked (all at once)."""
    return _parse(read_api_json(data))


def parse_file(file_name: str, data: bytes) -> Parsed:
    """A CSV or the API's JSON, checked (all at once)."""
    return _parse(read_file(file_name, data))
