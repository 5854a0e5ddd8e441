"""Storing a stop and search month: the rows of a file read by column
(``importer.read_published``) or row by row (``importer.Encoder``), a part
at a time, with the ids of their profiles and boroughs, in the caller's
transaction. See docs/scrutiny.md, "Import speed".
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections import Counter
from contextlib import ExitStack
from operator import itemgetter

import numpy as np
import pyarrow as pa
from django.db import connection

from cpeg.groups.models import Borough
from cpeg.scrutiny.choices import LocationStatus
from cpeg.scrutiny.geography import borough_ids_for_points, ons_codes_for_points
from cpeg.scrutiny.importer import PROFILE_FIELDS, Encoder, read_file
from cpeg.scrutiny.models import StopSearch, StopSearchImport, StopSearchProfile, profile_key
from cpeg.scrutiny.periods import Period
from cpeg.scrutiny.published import Columns

# Rows per part: a file is checked and stored a part at a time, each part
# stored while the next is checked. 3,640 rows of 9 values is one SQLite
# statement (its limit is 32,766 values).
PART = 3640


class NotSavedError(Exception):
    """A row failed its checks (or the file has none): the transaction is
    rolled back, and the caller checks the rest of the file."""

    def __init__(self, encoder: Encoder):
        super().__init__()
        self.encoder = encoder


class MonthCheck:
    """Finds the searches that are not in the import's month (London time),
    checking each distinct time once. Their errors come after the parse's,
    as a file is reported row by row for its values first."""

    def __init__(self, record: StopSearchImport):
        month = Period.month(record.month)
        self.first, self.last, self.month = month.starts_on, month.ends_on, record.month
        self.checked = 0
        self.outside: set[int] = set()
        self.errors: list[tuple[int, str]] = []

    def covers(self, columns: Columns) -> bool:
        """Whether every search of a file read by column is in the month."""
        return self.first <= columns.first_day and columns.last_day <= self.last

    def check(self, parsed, numbers: list[int], when_codes: list[int]) -> None:
        whens = parsed.whens
        for code in range(self.checked, len(whens)):
            if whens[code] is not None and not self.first <= whens[code][1] <= self.last:
                self.outside.add(code)
        self.checked = len(whens)
        if self.outside:
            for number, code in zip(numbers, when_codes, strict=True):
                if code in self.outside:
                    day = whens[code][1]
                    self.errors.append(
                        (number, f"The search on {day:%-d %B %Y} (London time) is not in {self.month:%B %Y}")
                    )


def _profile_ids(profiles: list[tuple]) -> list[int]:
    """The id of each profile (``importer.PROFILE_FIELDS`` values), adding
    those not stored yet. Profiles are shared and never deleted; two imports
    adding the same one at once both end with the one row (the key is
    unique, and the second insert of it does nothing)."""
    keys = [profile_key(values) for values in profiles]
    distinct = dict(zip(keys, profiles, strict=True))
    ids = _profile_ids_of(list(distinct))
    # Added in key order: two imports adding some of the same profiles at
    # once (``stop_search_import_files``) then wait for each other, if at
    # all, in one direction only, never in a circle (a deadlock).
    missing = sorted(key for key in distinct if key not in ids)
    if missing:
        StopSearchProfile.objects.bulk_create(
            [StopSearchProfile(key=key, **dict(zip(PROFILE_FIELDS, distinct[key], strict=True))) for key in missing],
            batch_size=2000,
            ignore_conflicts=True,
        )
        ids.update(_profile_ids_of(missing))
    return [ids[key] for key in keys]


def _profile_ids_of(keys: list[str]) -> dict[str, int]:
    """The stored profiles' ids by key: the SQL of ``filter(key__in=...)
    .values_list("key", "pk")`` without the ORM's work per key (a third of
    the time, for the 2,500 keys of a month). PostgreSQL takes the keys in
    one text; SQLite a query per 2,000."""
    table = connection.ops.quote_name(StopSearchProfile._meta.db_table)
    key, pk = (connection.ops.quote_name(StopSearchProfile._meta.get_field(name).column) for name in ("key", "id"))
    select = f"SELECT {key}, {pk} FROM {table} WHERE {key}"
    ids = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One text (keys are hex digits): the driver's work per item of
            # an array parameter was a third of this call's time.
            cursor.execute(f"{select} = ANY(string_to_array(%s, ','))", [",".join(keys)])
            return dict(cursor.fetchall())
        for start in range(0, len(keys), 2000):
            chunk = keys[start : start + 2000]
            cursor.execute(f"{select} IN ({', '.join(['%s'] * len(chunk))})", chunk)
            ids.update(cursor.fetchall())
    return ids


class _Values:
    """What the database takes for each distinct time and point, extended as
    each part brings new ones; each new point is placed in its borough.

    SQLite takes a time as the text its adapter would make (naive UTC,
    without the adapter's per-value work: the parse gives it); PostgreSQL's
    binary ``COPY`` takes the time and date themselves."""

    def __init__(self, parsed, borough_ids: dict[str, int], profile_ids: list[int], texts: bool):
        self.parsed, self.borough_ids, self.profiles = parsed, borough_ids, profile_ids
        self.at_index, self.day_index = (2, 3) if texts else (0, 1)
        self.boroughs, self.statuses = [], []
        self.at, self.day, self.latitude, self.longitude = [], [], [], []

    def extend(self) -> None:
        whens = self.parsed.whens[len(self.at) :]
        points = self.parsed.points[len(self.statuses) :]
        located = [index for index, (latitude, _) in enumerate(points) if latitude is not None]
        codes = ons_codes_for_points([points[i][1] for i in located], [points[i][0] for i in located])
        boroughs, statuses = [None] * len(points), [LocationStatus.NONE.value] * len(points)
        for index, code in zip(located, codes, strict=True):
            borough_id = boroughs[index] = self.borough_ids.get(code)
            statuses[index] = (LocationStatus.IN_BOROUGH if borough_id else LocationStatus.OUTSIDE).value
        self.boroughs += boroughs
        self.statuses += statuses
        self.at += map(itemgetter(self.at_index), whens)
        self.day += map(itemgetter(self.day_index), whens)
        self.latitude += map(itemgetter(0), points)
        self.longitude += map(itemgetter(1), points)

    def rows(self, pk: int, numbers, when_codes, point_codes, profile_codes):
        """A part's rows, each its ``_STOP_COLUMNS`` values."""
        return zip(
            itertools.repeat(pk),
            numbers,
            map(self.at.__getitem__, when_codes),
            map(self.day.__getitem__, when_codes),
            map(self.latitude.__getitem__, point_codes),
            map(self.longitude.__getitem__, point_codes),
            map(self.statuses.__getitem__, point_codes),
            map(self.boroughs.__getitem__, point_codes),
            map(self.profiles.__getitem__, profile_codes),
        )


_STOP_COLUMNS = (
    "source_import",
    "row_number",
    "occurred_at",
    "london_date",
    "latitude",
    "longitude",
    "location_status",
    "borough",
    "profile",
)
# Their PostgreSQL types, for the binary COPY.
_COPY_TYPES = ("int8", "int4", "timestamptz", "date", "float8", "float8", "text", "int8", "int8")


class Writer:
    """Stores a month's searches part by part while the next part is read,
    after deleting the rows of the imports it replaces (``replaced``).

    The rows are plain published data with no history, no signals and no
    per-row checks left to make, so this skips the ORM's per-object work.
    PostgreSQL takes them by one binary ``COPY`` (the server then parses no
    text), sent a part at a time: the server stores a part while this
    process reads the next. SQLite stores them on a second thread, by
    multi-row ``INSERT`` statements on the same connection, in the same
    transaction; SQLite works without holding Python's interpreter lock, so
    it stores a part while this thread reads the next.

    On both, the ``DELETE`` runs while this thread reads the file (SQLite's
    second thread; PostgreSQL in a pipeline, not waited for); this thread
    uses the connection only after ``wait()``.

    Use as a context manager; leaving it waits for every part, and leaving
    it by an exception stores nothing more.
    """

    def __init__(self, replacing: list[int], month: MonthCheck):
        self.replacing, self.month, self.replaced = replacing, month, 0
        self.table = connection.ops.quote_name(StopSearch._meta.db_table)
        self.names = ", ".join(
            connection.ops.quote_name(StopSearch._meta.get_field(name).column) for name in _STOP_COLUMNS
        )
        self.sqlite = connection.vendor == "sqlite"
        self._copy = self._pipeline = None
        self._stack = ExitStack()
        self._abandoned = self._raised = False

    def __enter__(self):
        if self.sqlite:
            # The driver's connection, which Django opens for use on any
            # thread; the two threads take turns (``wait``).
            self._queue, self._error = queue.SimpleQueue(), None
            if self.replacing:
                self._queue.put(self._delete())
            self._thread = threading.Thread(target=self._store, args=(connection.connection,), daemon=True)
            self._thread.start()
            self._stack.callback(self._finish)
        elif self.replacing:
            # Sent in a pipeline, not waited for: the server deletes while
            # this process reads the file, until ``wait()``.
            delete = self._delete()
            self._stack.enter_context(connection.wrap_database_errors)  # the driver's errors as Django's
            self._cursor = self._stack.enter_context(connection.cursor())
            self._pipeline = connection.connection.pipeline()
            self._pipeline.__enter__()
            self._stack.push(self._end_pipeline)
            self._cursor.execute(*delete)
        return self

    def _end_pipeline(self, *exc_info) -> None:
        if self._pipeline is not None:
            pipeline, self._pipeline = self._pipeline, None
            pipeline.__exit__(*exc_info)  # waits for the DELETE (raising its error)
            self.replaced = self._cursor.rowcount

    def _delete(self) -> tuple[str, list]:
        """The ``DELETE`` of the rows of the imports replaced, found by the
        (borough, London date) index, as the table has no index on the
        import (one index fewer makes every import faster): every row of an
        import is in its month (``MonthCheck``), in a borough or in none."""
        column = {name: connection.ops.quote_name(StopSearch._meta.get_field(name).column) for name in _STOP_COLUMNS}
        boroughs = list(Borough.objects.values_list("pk", flat=True))
        mark = "?" if self.sqlite else "%s"
        imports, in_boroughs = (", ".join([mark] * len(values)) or "NULL" for values in (self.replacing, boroughs))
        # Each side of the OR whole, for SQLite to search the index by each.
        in_month = f"{column['london_date']} BETWEEN {mark} AND {mark}"
        sql = (
            f"DELETE FROM {self.table} WHERE {column['source_import']} IN ({imports}) "
            f"AND (({column['borough']} IS NULL AND {in_month}) "
            f"OR ({column['borough']} IN ({in_boroughs}) AND {in_month}))"
        )
        month = [self.month.first.isoformat(), self.month.last.isoformat()]
        return sql, [*self.replacing, *month, *boroughs, *month]

    def __exit__(self, *exc_info):
        self._abandoned = exc_info[0] is not None  # the parts not stored yet are not stored
        return self._stack.__exit__(*exc_info)

    def wait(self) -> None:
        """Wait until the database has done what it was given (SQLite's
        second thread, PostgreSQL's pipeline)."""
        if self._pipeline is not None:
            self._end_pipeline(None, None, None)
        if self.sqlite:
            done = threading.Event()
            self._queue.put(done)
            done.wait()
            self._raise()

    def write(self, rows) -> None:
        """Store a part's rows (``_Values.rows``)."""
        if connection.vendor == "postgresql":
            if self._copy is None:
                self._stack.enter_context(connection.wrap_database_errors)  # the driver's errors as Django's
                cursor = self._stack.enter_context(connection.cursor())
                self._copy = self._stack.enter_context(
                    cursor.copy(f"COPY {self.table} ({self.names}) FROM STDIN (FORMAT BINARY)")
                )
                self._copy.set_types(_COPY_TYPES)
            write_row = self._copy.write_row
            for row in rows:
                write_row(row)
            return
        values = list(itertools.chain.from_iterable(rows))
        statement = self._insert(len(values) // len(_STOP_COLUMNS))
        if self.sqlite:
            self._queue.put((statement, values))
        else:
            with connection.cursor() as cursor:
                cursor.execute(statement, values)

    def copy_binary(self, data: bytes) -> None:
        """Store a part's rows given in ``COPY``'s binary format (each row's
        ``_STOP_COLUMNS``), by one ``COPY`` for all the parts (PostgreSQL)."""
        if self._copy is None:
            self._stack.enter_context(connection.wrap_database_errors)  # the driver's errors as Django's
            cursor = self._stack.enter_context(connection.cursor())
            self._copy = self._stack.enter_context(
                cursor.copy(f"COPY {self.table} ({self.names}) FROM STDIN (FORMAT BINARY)")
            )
            self._copy.write(_COPY_HEADER)
            self._stack.callback(self._end_binary)
        self._copy.write(data)

    def _end_binary(self) -> None:
        if not self._abandoned:
            self._copy.write(_COPY_TRAILER)

    def _insert(self, count: int) -> str:
        mark = "?" if self.sqlite else "%s"
        one = "(" + ", ".join([mark] * len(_STOP_COLUMNS)) + ")"
        return f"INSERT INTO {self.table} ({self.names}) VALUES " + ", ".join([one] * count)

    def _store(self, driver_connection) -> None:
        """The second thread (SQLite): the statements queued, in order; an
        event queued is set when reached. After an error it only sets events."""
        cursor = driver_connection.cursor()
        while (item := self._queue.get()) is not None:
            if isinstance(item, threading.Event):
                item.set()
            elif self._error is None and not self._abandoned:
                try:
                    cursor.execute(*item)
                    if item[0].startswith("DELETE"):
                        self.replaced = cursor.rowcount
                except BaseException as error:  # raised again on the importing thread
                    self._error = error

    def _finish(self) -> None:
        self._queue.put(None)
        self._thread.join()
        self._raise()

    def _raise(self) -> None:
        if self._error is not None and not self._raised:
            self._raised = True
            with connection.wrap_database_errors:  # the driver's error as Django's
                raise self._error


def store_rows(record: StopSearchImport, data: bytes, month: MonthCheck, writer: Writer):
    """Read and check the file row by row, storing it part by part; raises
    ``NotSavedError`` at the first bad row, ``ImportRefusedError`` for a
    file that is not one. Returns the searches stored, and how many are in a
    borough, outside every borough and with no location."""
    encoder = Encoder(read_file(record.file_name, data))
    parsed = encoder.parsed
    if not len(encoder.source) or parsed.error_count or encoder.profile_errors:
        raise NotSavedError(encoder)
    writer.wait()  # the connection is this thread's again
    values = _Values(
        parsed,
        dict(Borough.objects.values_list("ons_code", "pk")),
        _profile_ids(parsed.profiles),
        connection.vendor != "postgresql",
    )
    for start in range(0, len(encoder.source), PART):
        codes = encoder.encode(start, start + PART)
        month.check(parsed, codes[0], codes[1])
        if parsed.error_count or month.errors:
            raise NotSavedError(encoder)
        values.extend()
        writer.write(values.rows(record.pk, *codes))
    counts = Counter(map(values.statuses.__getitem__, parsed.point_codes))
    return len(parsed), tuple(counts[status] for status in _COUNTED)


_COUNTED = (LocationStatus.IN_BOROUGH, LocationStatus.OUTSIDE, LocationStatus.NONE)


def store_columns(record: StopSearchImport, columns: Columns, writer: Writer):
    """Store a file read by column (``read_published``: every value good, in
    the month), as ``store_rows`` does, a part at a time: the database
    stores a part (SQLite on the second thread, PostgreSQL in its server)
    while the next is made. Each distinct point is placed once.

    The rows go in the order of the table's (borough, London date) index,
    so that each part's index entries fall on neighbouring pages (a tenth
    less of PostgreSQL's work, measured); their ids are then not in the
    file's order (their row numbers are)."""
    writer.wait()
    profile_ids = np.asarray(_profile_ids(columns.profiles), dtype=np.int64)
    borough_ids = dict(Borough.objects.values_list("ons_code", "pk"))
    located = columns.located
    borough = np.zeros(len(columns), dtype=np.int64)  # 0: in none
    borough[located] = borough_ids_for_points(columns.latitude[located], columns.longitude[located], borough_ids)
    status = np.where(located, np.where(borough > 0, 0, 1), 2).astype(np.int8)  # its index in _COUNTED
    day = columns.days.cast(pa.int32()).to_numpy(zero_copy_only=False)[columns.when_codes]
    order = np.lexsort((day, borough))
    parts = _CopyParts if connection.vendor == "postgresql" else _Parts
    store = parts(record.pk, columns, writer)
    for start in range(0, len(columns), PART):
        rows = order[start : start + PART]
        store.write(rows, status[rows], borough[rows], profile_ids[columns.profile_codes[rows]])
    return len(columns), tuple(np.bincount(status, minlength=len(_COUNTED)).tolist())


class _Parts:
    """A file read by column stored by SQLite, a part at a time: each column
    as the values its driver binds."""

    def __init__(self, pk: int, columns: Columns, writer: Writer):
        self.pk, self.columns, self.writer = pk, columns, writer
        self.times, self.days = (np.asarray(texts, dtype=object) for texts in (columns.time_texts, columns.day_texts))
        self.statuses = np.asarray([status.value for status in _COUNTED], dtype=object)

    def write(self, part: np.ndarray, status: np.ndarray, borough: np.ndarray, profiles: np.ndarray) -> None:
        columns, located = self.columns, self.columns.located[part]
        when_codes = columns.when_codes[part]
        self.writer.write(
            zip(
                itertools.repeat(self.pk),
                columns.numbers[part].tolist(),
                self.times[when_codes].tolist(),
                self.days[when_codes].tolist(),
                _or_none(columns.latitude[part], located),
                _or_none(columns.longitude[part], located),
                self.statuses[status].tolist(),
                _or_none(borough, borough > 0),
                profiles.tolist(),
            )
        )


# PostgreSQL's binary COPY: the signature and header, and the trailer.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)  # no flags, no header extension
_COPY_TRAILER = b"\xff\xff"
# PostgreSQL counts times and dates from 2000-01-01.
_PG_EPOCH_SECONDS = 946_684_800
_PG_EPOCH_DAYS = 10_957


def _copy_layout(status: LocationStatus) -> tuple[np.dtype, dict]:
    """A row of binary ``COPY`` for searches of one location status, as a
    numpy record (big-endian, packed): each value after its length in bytes,
    a missing value as length -1 with no bytes. Returns the record type and
    the values every such row has (the field count and the lengths)."""
    located, in_borough = status != LocationStatus.NONE, status == LocationStatus.IN_BOROUGH
    text = status.value.encode()
    fields = [("count", ">i2"), ("source_import", ">i8"), ("row_number", ">i4"), ("at", ">i8"), ("day", ">i4")]
    fields += [("latitude", ">f8"), ("longitude", ">f8")] if located else [("latitude", None), ("longitude", None)]
    fields += [("status", f"S{len(text)}"), ("borough", ">i8" if in_borough else None), ("profile", ">i8")]
    layout, constants = [], {"count": len(_STOP_COLUMNS)}
    for name, kind in fields[1:]:
        layout.append((f"{name}_length", ">i4"))
        constants[f"{name}_length"] = np.dtype(kind).itemsize if kind else -1
        if kind:
            layout.append((name, kind))
    constants["status"] = text
    return np.dtype([fields[0], *layout]), constants


class _CopyParts:
    """A file read by column stored by PostgreSQL, a part at a time: rows of
    ``COPY``'s binary format made by numpy, so neither this process nor the
    server handles a value as text. A part's rows go grouped by location
    status (their ids are then not in the file's order; the row number is)."""

    def __init__(self, pk: int, columns: Columns, writer: Writer):
        self.pk, self.columns, self.writer = pk, columns, writer
        seconds = columns.times.cast(pa.int64()).to_numpy(zero_copy_only=False)
        self.at = (seconds - _PG_EPOCH_SECONDS) * 1_000_000  # microseconds
        self.day = columns.days.cast(pa.int32()).to_numpy(zero_copy_only=False) - _PG_EPOCH_DAYS
        self.layouts = [_copy_layout(status) for status in _COUNTED]

    def write(self, part: np.ndarray, status: np.ndarray, borough: np.ndarray, profiles: np.ndarray) -> None:
        columns = self.columns
        chunks = []
        for code, (layout, constants) in enumerate(self.layouts):
            rows = np.flatnonzero(status == code)
            if not len(rows):
                continue
            record = np.empty(len(rows), dtype=layout)
            for name, value in constants.items():
                record[name] = value
            picked = part[rows]
            when_codes = columns.when_codes[picked]
            record["source_import"] = self.pk
            record["row_number"] = columns.numbers[picked]
            record["at"] = self.at[when_codes]
            record["day"] = self.day[when_codes]
            if "latitude" in layout.names:
                record["latitude"] = columns.latitude[picked]
                record["longitude"] = columns.longitude[picked]
            if "borough" in layout.names:
                record["borough"] = borough[rows]
            record["profile"] = profiles[rows]
            chunks.append(record.tobytes())
        self.writer.copy_binary(b"".join(chunks))


def _or_none(values: np.ndarray, where: np.ndarray) -> list:
    """The values as Python numbers, None where not ``where``."""
    values = values.astype(object)
    values[~where] = None
    return values.tolist()
