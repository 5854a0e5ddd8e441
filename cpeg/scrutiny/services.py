"""Writes for scrutiny: importing police.uk stop and search months, and the
group's stop and search monitoring meetings.

An import is all or nothing per force and month: a file with any bad row
saves nothing and lists the errors by row; a good file replaces the month
(its earlier rows deleted, the new ones inserted, in one transaction), so
importing the same file again gives the same records, and no reader ever
sees half a month. ``actor=None`` is the system (the management command,
the demo); a person must hold ``scrutiny.import_stopsearch``.

Reads: ``scrutiny.selectors``. Who may do what: ``accounts.access``.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import logging
import queue
import re
import threading
from collections import Counter
from contextlib import ExitStack, contextmanager
from operator import itemgetter

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cpeg.accounts.access import custody_visitor_records_of, is_officer, require_perm
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.groups.models import Borough, EngagementGroup
from cpeg.scrutiny.choices import ImportStatus, LocationStatus
from cpeg.scrutiny.geography import ons_codes_for_points
from cpeg.scrutiny.importer import (
    PROFILE_FIELDS,
    Columns,
    Encoder,
    ImportRefusedError,
    month_and_force_from_name,
    read_file,
    read_published,
)
from cpeg.scrutiny.models import (
    CustodyPanel,
    CustodyVisit,
    MonitoringMeeting,
    StopSearch,
    StopSearchImport,
    StopSearchProfile,
    profile_key,
)
from cpeg.scrutiny.periods import Period

logger = logging.getLogger(__name__)


def _check_name(file_name: str, force: str, month: dt.date) -> None:
    """A police.uk file name that names another force or month is refused."""
    named = month_and_force_from_name(file_name)
    if named is None:
        return
    named_month, named_force = named
    errors = {}
    if named_force != force:
        errors["force"] = f"The file {file_name} is for another force ({named_force}), not {force}."
    if named_month != month:
        errors["month"] = f"The file {file_name} is for {named_month:%B %Y}, not {month:%B %Y}."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def stop_search_import_queue(*, force: str, month: dt.date, file_name: str, data: bytes, actor) -> StopSearchImport:
    """Keep an uploaded file and start its import in the background."""
    from cpeg.scrutiny.tasks import stop_search_import_task

    require_perm(actor, "scrutiny.import_stopsearch")
    _check_name(file_name, force, month)
    record = StopSearchImport(force=force, month=month.replace(day=1), file_name=file_name[:255])
    record.created_by = record.updated_by = actor
    record.full_clean(exclude=["source"])
    record.source.save(file_name[:100] or "upload.csv", ContentFile(data), save=False)
    record.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.STOP_SEARCH_IMPORT_QUEUED,
        target=record,
        summary=f"Uploaded {file_name} ({record})",
    )
    transaction.on_commit(lambda: stop_search_import_task.enqueue(import_id=record.pk))
    return record


def stop_search_import_file(*, force: str, month: dt.date, file_name: str, data: bytes, actor=None):
    """Import a file now (the management command and the demo): a new import
    record, run at once. Returns the import, done or failed."""
    if actor is not None:
        require_perm(actor, "scrutiny.import_stopsearch")
    _check_name(file_name, force, month)
    record = StopSearchImport(force=force, month=month.replace(day=1), file_name=file_name[:255])
    record.full_clean(exclude=["source"])
    record.save()
    return stop_search_import_run(source_import=record, data=data, actor=actor)


def _fail(record: StopSearchImport, errors: list[dict], error_count: int, actor) -> StopSearchImport:
    with transaction.atomic():
        record.status = ImportStatus.FAILED
        record.errors = errors
        if error_count > len(errors):
            record.errors.append({"row": None, "message": f"… and {error_count - len(errors)} more errors"})
        record.finished_at = timezone.now()
        record.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.STOP_SEARCH_IMPORT_FAILED,
            target=record,
            summary=f"{record}: not imported, {error_count} error{'s' if error_count != 1 else ''}",
            payload={"errors": error_count},
        )
    return record


def stop_search_import_run(*, source_import: StopSearchImport, data: bytes | None = None, actor=None):
    """Read, check and (if every row is good) save one import's month."""
    record = StopSearchImport.objects.get(pk=source_import.pk)
    if record.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return record
    if data is None:
        with record.source.open("rb") as handle:
            data = handle.read()
    record.status = ImportStatus.RUNNING
    record.save(update_fields=["status", "updated_at"])
    try:
        with _gc_paused():
            return _check_and_save(record, data, actor)
    except DatabaseError:
        # Rolled back: the month is as it was. The import says so rather
        # than showing "running" for ever; the error goes to the log.
        logger.exception("Stop and search import %s: the database refused the searches", record.pk)
        message = "The searches could not be stored (a database error): nothing was saved. Try the import again."
        return _fail(record, [{"row": None, "message": message}], 1, actor)


@contextmanager
def _gc_paused():
    """The cyclic garbage collector off while a file is read and saved.

    A month is some 200,000 short-lived strings, tuples and lists, none in a
    reference cycle; with the collector on, their allocation triggers
    collections that walk every one of them again (a fifth of the parse's
    time, measured). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# Rows per part: a file is checked and stored a part at a time, each part
# stored while the next is checked. 3,640 rows of 9 values is one SQLite
# statement (its limit is 32,766 values).
_PART = 3640


class _NotSavedError(Exception):
    """A row failed its checks (or the file has none): the transaction is
    rolled back, and the caller checks the rest of the file."""

    def __init__(self, encoder: Encoder):
        super().__init__()
        self.encoder = encoder


class _MonthCheck:
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
        first, last = columns.first_and_last_day
        return self.first <= first and last <= self.last

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


def _check_and_save(record: StopSearchImport, data: bytes, actor) -> StopSearchImport:
    month = _MonthCheck(record)
    try:
        # Stored as it is checked; a bad row rolls it all back.
        with transaction.atomic():
            return _replace_month(record, data, month, actor)
    except ImportRefusedError as error:
        return _fail(record, [{"row": None, "message": str(error)}], 1, actor)
    except _NotSavedError as not_saved:
        encoder = not_saved.encoder
    # Nothing saved: the rest of the file is checked for every error.
    parsed = encoder.parsed
    for start in range(encoder.encoded, len(encoder.source), _PART):
        numbers, when_codes, _, _ = encoder.encode(start, start + _PART)
        month.check(parsed, numbers, when_codes)
    for number, message in month.errors:
        parsed.error(number, message)
    record.rows_total = record.rows_done = len(parsed) + parsed.error_count
    if parsed.error_count:
        return _fail(record, parsed.errors, parsed.error_count, actor)
    return _fail(record, [{"row": None, "message": "The file has no searches in it"}], 1, actor)


def _profile_ids(profiles: list[tuple]) -> list[int]:
    """The id of each profile (``importer.PROFILE_FIELDS`` values), adding
    those not stored yet. Profiles are shared and never deleted; two imports
    adding the same one at once both end with the one row (the key is
    unique, and the second insert of it does nothing)."""
    keys = [profile_key(values) for values in profiles]
    distinct = dict(zip(keys, profiles, strict=True))
    ids = _profile_ids_of(list(distinct))
    missing = [key for key in distinct if key not in ids]
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
    the time, for the 2,500 keys of a month). PostgreSQL takes the keys as
    one array; SQLite a query per 2,000."""
    table = connection.ops.quote_name(StopSearchProfile._meta.db_table)
    key, pk = (connection.ops.quote_name(StopSearchProfile._meta.get_field(name).column) for name in ("key", "id"))
    select = f"SELECT {key}, {pk} FROM {table} WHERE {key}"
    ids = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"{select} = ANY(%s)", [keys])
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


class _Writer:
    """Stores a month's searches part by part while the next part is read,
    after deleting the rows of the imports it replaces (``replaced``).

    The rows are plain published data with no history, no signals and no
    per-row checks left to make, so this skips the ORM's per-object work.
    PostgreSQL takes them by one binary ``COPY`` (the server then parses no
    text), sent a part at a time: the server stores a part while this
    process reads the next. SQLite stores them on a second thread, by
    multi-row ``INSERT`` statements on the same connection, in the same
    transaction; SQLite works without holding Python's interpreter lock, so
    it stores a part while this thread reads the next. Its first statement
    is the ``DELETE``, which runs while this thread reads the file; this
    thread uses the connection only after ``wait()``.

    Use as a context manager; leaving it waits for every part, and leaving
    it by an exception stores nothing more.
    """

    def __init__(self, replacing: list[int]):
        self.replacing, self.replaced = replacing, 0
        self.table = connection.ops.quote_name(StopSearch._meta.db_table)
        self.names = ", ".join(
            connection.ops.quote_name(StopSearch._meta.get_field(name).column) for name in _STOP_COLUMNS
        )
        self.sqlite = connection.vendor == "sqlite"
        self._copy = None
        self._stack = ExitStack()
        self._abandoned = self._raised = False

    def __enter__(self):
        if self.sqlite:
            # The driver's connection, which Django opens for use on any
            # thread; the two threads take turns (``wait``).
            self._queue, self._error = queue.SimpleQueue(), None
            if self.replacing:
                column = connection.ops.quote_name(StopSearch._meta.get_field("source_import").column)
                marks = ", ".join("?" * len(self.replacing))
                self._queue.put((f"DELETE FROM {self.table} WHERE {column} IN ({marks})", self.replacing))
            self._thread = threading.Thread(target=self._store, args=(connection.connection,), daemon=True)
            self._thread.start()
            self._stack.callback(self._finish)
        elif self.replacing:
            self.replaced, _ = StopSearch.objects.filter(source_import__in=self.replacing).delete()
        return self

    def __exit__(self, *exc_info):
        self._abandoned = exc_info[0] is not None  # the parts not stored yet are not stored
        return self._stack.__exit__(*exc_info)

    def wait(self) -> None:
        """Wait until the second thread has done what it was given."""
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

    def copy_csv(self, data) -> None:
        """Store a part's rows given as CSV (``_STOP_COLUMNS``, no header), by
        one ``COPY`` for all the parts (PostgreSQL)."""
        if self._copy is None:
            self._stack.enter_context(connection.wrap_database_errors)  # the driver's errors as Django's
            cursor = self._stack.enter_context(connection.cursor())
            self._copy = self._stack.enter_context(
                cursor.copy(f"COPY {self.table} ({self.names}) FROM STDIN (FORMAT CSV)")
            )
        self._copy.write(data)

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


def _store_rows(record: StopSearchImport, data: bytes, month: _MonthCheck, writer: _Writer):
    """Read and check the file row by row, storing it part by part; raises
    ``_NotSavedError`` at the first bad row, ``ImportRefusedError`` for a
    file that is not one. Returns the searches stored, and how many are in a
    borough, outside every borough and with no location."""
    encoder = Encoder(read_file(record.file_name, data))
    parsed = encoder.parsed
    if not len(encoder.source) or parsed.error_count or encoder.profile_errors:
        raise _NotSavedError(encoder)
    writer.wait()  # the connection is this thread's again
    values = _Values(
        parsed,
        dict(Borough.objects.values_list("ons_code", "pk")),
        _profile_ids(parsed.profiles),
        connection.vendor != "postgresql",
    )
    for start in range(0, len(encoder.source), _PART):
        codes = encoder.encode(start, start + _PART)
        month.check(parsed, codes[0], codes[1])
        if parsed.error_count or month.errors:
            raise _NotSavedError(encoder)
        values.extend()
        writer.write(values.rows(record.pk, *codes))
    counts = Counter(map(values.statuses.__getitem__, parsed.point_codes))
    return len(parsed), tuple(counts[status] for status in _COUNTED)


_COUNTED = (LocationStatus.IN_BOROUGH, LocationStatus.OUTSIDE, LocationStatus.NONE)


def _store_columns(record: StopSearchImport, columns: Columns, writer: _Writer):
    """Store a file read by column (``read_published``: every value good, in
    the month), as ``_store_rows`` does, a part at a time: the database
    stores a part (SQLite on the second thread, PostgreSQL in its server)
    while the next is made. A part's columns are made at once, each
    distinct point placed once."""
    writer.wait()
    profile_ids = np.asarray(_profile_ids(columns.profiles), dtype=np.int64)
    borough_ids = dict(Borough.objects.values_list("ons_code", "pk"))
    postgresql = connection.vendor == "postgresql"
    if postgresql:  # text the server parses without ambiguity
        times = pa.array([f"{text}+00" for text in columns.time_texts], type=pa.string())
        days, statuses = pa.array(columns.day_texts), pa.array([status.value for status in _COUNTED])
        options = pa_csv.WriteOptions(include_header=False, quoting_style="none")
    else:  # the values SQLite's driver binds
        times, days = (np.asarray(texts, dtype=object) for texts in (columns.time_texts, columns.day_texts))
        statuses = np.asarray([status.value for status in _COUNTED], dtype=object)
    counts = np.zeros(len(_COUNTED), dtype=np.int64)
    for start in range(0, len(columns), _PART):
        part = slice(start, start + _PART)
        located, latitude, longitude = columns.located[part], columns.latitude[part], columns.longitude[part]
        boroughs = _boroughs_of(latitude[located], longitude[located], borough_ids)
        in_borough = np.zeros(len(located), dtype=bool)
        in_borough[located] = boroughs > 0
        status = np.where(located, np.where(in_borough, 0, 1), 2).astype(np.int8)  # its index in _COUNTED
        counts += np.bincount(status, minlength=len(_COUNTED))
        numbers, when_codes = columns.numbers[part], columns.when_codes[part]
        profiles = profile_ids[columns.profile_codes[part]]
        if postgresql:
            borough = np.zeros(len(located), dtype=np.int64)
            borough[located] = boroughs
            table = pa.table(
                [
                    pa.array(np.full(len(numbers), record.pk, dtype=np.int64)),
                    pa.array(numbers),
                    pa.DictionaryArray.from_arrays(pa.array(when_codes), times),
                    pa.DictionaryArray.from_arrays(pa.array(when_codes), days),
                    pa.array(latitude, mask=~located),
                    pa.array(longitude, mask=~located),
                    pa.DictionaryArray.from_arrays(pa.array(status), statuses),
                    pa.array(borough, mask=~in_borough),
                    pa.array(profiles),
                ],
                names=list(_STOP_COLUMNS),
            )
            sink = pa.BufferOutputStream()
            pa_csv.write_csv(table, sink, options)
            writer.copy_csv(memoryview(sink.getvalue()))
            continue
        borough = np.full(len(located), None, dtype=object)
        borough[in_borough] = boroughs[boroughs > 0].tolist()
        writer.write(
            zip(
                itertools.repeat(record.pk),
                numbers.tolist(),
                times[when_codes].tolist(),
                days[when_codes].tolist(),
                _or_none(latitude, located),
                _or_none(longitude, located),
                statuses[status].tolist(),
                borough.tolist(),
                profiles.tolist(),
            )
        )
    return len(columns), tuple(counts.tolist())


def _or_none(values: np.ndarray, where: np.ndarray) -> list:
    """The values as Python numbers, None where not ``where``."""
    values = values.astype(object)
    values[~where] = None
    return values.tolist()


def _boroughs_of(latitude: np.ndarray, longitude: np.ndarray, borough_ids: dict[str, int]) -> np.ndarray:
    """Each point's borough id, 0 for none; each distinct point (as a
    complex number, latitude + i longitude, for a quick sort) placed once."""
    points, place = np.unique(latitude + 1j * longitude, return_inverse=True)
    codes = ons_codes_for_points(points.imag, points.real)
    return np.asarray([borough_ids.get(code, 0) for code in codes], dtype=np.int64)[place.reshape(-1)]


def _replace_month(record: StopSearchImport, data: bytes, month: _MonthCheck, actor) -> StopSearchImport:
    """Read the file and store the month part by part as it is checked (in
    the caller's transaction); raises ``_NotSavedError`` at the first bad
    row, and ``ImportRefusedError`` for a file that is not one."""
    # Every import of this force and month, locked: two imports of one month
    # run one after the other, so the month is never half one and half the other.
    earlier = list(
        StopSearchImport.objects.select_for_update()
        .filter(force=record.force, month=record.month, status=ImportStatus.DONE)
        .exclude(pk=record.pk)
    )
    # SQLite deletes the month replaced on the second thread while this one
    # reads the file.
    with _Writer([old.pk for old in earlier]) as writer:
        columns = read_published(data)
        if columns is not None and month.covers(columns):
            count, counts = _store_columns(record, columns, writer)
        else:  # any other form, or an error to report by row
            count, counts = _store_rows(record, data, month, writer)
    for old in earlier:
        old.status = ImportStatus.REPLACED
        old.save(update_fields=["status", "updated_at"])
    record.rows_total = record.rows_done = count
    record.status = ImportStatus.DONE
    record.in_borough, record.outside_boroughs, record.no_location = counts
    record.replaced_rows = writer.replaced
    record.errors = []
    record.finished_at = timezone.now()
    record.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.STOP_SEARCH_IMPORTED,
        target=record,
        summary=(
            f"{record}: {count} searches, {record.in_borough} in a borough, "
            f"{record.outside_boroughs} outside every borough, {record.no_location} with no location"
        ),
        payload={"rows": count, "replaced": writer.replaced},
    )
    return record


# --- Monitoring meetings ------------------------------------------------------

MEETING_FIELDS = ("held_on", "period", "police_attended", "attendance", "summary", "recommendations", "activity")


def _check_meeting(meeting: MonitoringMeeting) -> None:
    try:
        Period.parse(meeting.period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    if meeting.activity_id and meeting.activity.group_id != meeting.group_id:
        raise ValidationError({"activity": "Select one of the group's own activities."})


@transaction.atomic
def meeting_record(*, group: EngagementGroup, actor, **fields) -> MonitoringMeeting:
    """Record a meeting of the group's stop and search monitoring group."""
    require_perm(actor, "scrutiny.change_monitoringmeeting", group)
    EngagementGroup.objects.select_for_update().get(pk=group.pk)
    meeting = MonitoringMeeting(group=group, **{k: fields[k] for k in MEETING_FIELDS if k in fields})
    meeting.created_by = meeting.updated_by = actor
    meeting.full_clean()
    _check_meeting(meeting)
    meeting.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.STOP_SEARCH_MEETING_RECORDED,
        target=meeting,
        group=group,
        summary=f"{meeting} recorded ({meeting.period})",
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: MonitoringMeeting, actor, version=None, **fields) -> MonitoringMeeting:
    """Change a recorded monitoring meeting."""
    require_perm(actor, "scrutiny.change_monitoringmeeting", meeting)
    current = lock_and_check_version(MonitoringMeeting, meeting.pk, version)
    changes = {}
    for name in MEETING_FIELDS:
        if name in fields and getattr(current, name) != fields[name]:
            changes[name] = (getattr(current, name), fields[name])
            setattr(current, name, fields[name])
    _check_meeting(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.STOP_SEARCH_MEETING_UPDATED,
        target=current,
        group=current.group,
        summary=f"{current} updated",
        changes=changes,
    )
    return current


# --- Independent custody visiting ------------------------------------------------

VISIT_COUNTS = ("in_custody", "not_available", "not_offered", "offered", "accepted", "declined", "observed_only")
VISIT_TEXTS = ("rights_concerns", "health_concerns", "conditions_concerns", "issues_raised")
VISIT_FIELDS = (
    "suite",
    "first_visitor",
    "second_visitor",
    "visited_at",
    "unannounced",
    "minutes_to_gain_access",
    "access_refused",
    *VISIT_COUNTS,
    *VISIT_TEXTS,
    "issues_resolved",
)
# Text that looks like a person's name after a title, or a custody record
# number (digits with a slash, or two letters and five or more digits).
_NAME_OR_NUMBER = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+[A-Z][a-z]+|\b\d{2,}/\d{3,}\b|\b[A-Z]{2}\d{5,}\b|\bcustody (?:no|number)\b",
    re.IGNORECASE,
)


def visit_rule_errors(visit: CustodyVisit) -> dict[str, str]:
    """Every rule a visit report breaks, by field (shown all at once)."""
    errors = {}
    if visit.suite_id and visit.suite.panel_id != visit.panel_id:
        errors["suite"] = "Select one of the panel's custody suites."
    visitors = [v for v in (visit.first_visitor, visit.second_visitor) if v is not None]
    if len(visitors) == 2 and visitors[0].pk == visitors[1].pk:
        errors["second_visitor"] = "Visits are made in pairs: select a second, different visitor."
    day = timezone.localtime(visit.visited_at).date() if visit.visited_at else None
    for name, visitor in (("first_visitor", visit.first_visitor), ("second_visitor", visit.second_visitor)):
        if visitor is None or name in errors:
            continue
        if visitor.panel_id != visit.panel_id:
            errors[name] = f"{visitor} is not on this panel."
        elif day and not visitor.accredited_on <= day <= visitor.reaccreditation_due_on:
            errors[name] = f"{visitor} was not accredited on {day:%-d %B %Y}."
    if visit.visited_at and visit.visited_at > timezone.now():
        errors["visited_at"] = "The date and time of the visit must be in the past."
    if visit.access_refused:
        if any(getattr(visit, name) for name in VISIT_COUNTS):
            errors["in_custody"] = "When access was refused, leave the counts of people at 0."
    else:
        if visit.offered != visit.accepted + visit.declined:
            errors["offered"] = (
                f"Offered a visit ({visit.offered}) must equal accepted ({visit.accepted}) "
                f"plus declined ({visit.declined})."
            )
        seen = visit.not_available + visit.not_offered + visit.offered + visit.observed_only
        if seen > visit.in_custody:
            errors["in_custody"] = (
                f"People in custody ({visit.in_custody}) cannot be fewer than not available, not offered, "
                f"offered and observed only together ({seen})."
            )
    for name in VISIT_TEXTS:
        if _NAME_OR_NUMBER.search(getattr(visit, name) or ""):
            errors[name] = (
                "Remove what looks like a name or a custody number: visit reports never identify anyone in custody."
            )
    return errors


@transaction.atomic
def custody_visit_record(*, panel: CustodyPanel, actor, **fields) -> CustodyVisit:
    """Record a custody visit's report: an officer for any pair of the
    panel's visitors, a custody visitor for a visit they made themselves."""
    require_perm(actor, "scrutiny.record_custodyvisit", panel)
    visit = CustodyVisit(panel=panel, **{k: fields[k] for k in VISIT_FIELDS if k in fields})
    visit.created_by = visit.updated_by = actor
    errors = visit_rule_errors(visit)
    own_error = _own_visit_error(visit, actor)
    if own_error:
        errors.setdefault("first_visitor", own_error)
    if errors:
        raise ValidationError(errors)
    visit.full_clean()
    visit.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.CUSTODY_VISIT_RECORDED,
        target=visit,
        summary=f"{visit} on {timezone.localtime(visit.visited_at):%-d %B %Y %H:%M} recorded",
    )
    return visit


def _own_visit_error(visit: CustodyVisit, actor) -> str | None:
    """A custody visitor records and corrects only visits they made: one of
    the pair must be their own visitor record (officers any pair)."""
    if actor is None or is_officer(actor):
        return None
    if {visit.first_visitor_id, visit.second_visitor_id} & set(custody_visitor_records_of(actor)):
        return None
    return "Record only visits you made: select yourself as one of the pair."


@transaction.atomic
def custody_visit_change(*, visit: CustodyVisit, actor, version=None, **fields) -> CustodyVisit:
    """Correct a saved visit's report: an officer any visit, a custody
    visitor only a visit they made on their own panel (and they must still
    be one of the pair afterwards). Checked whole, as when it was recorded.
    Refused if someone else saved the visit since ``version`` was loaded;
    nothing is saved (and nothing audited) when nothing changed."""
    require_perm(actor, "scrutiny.change_custodyvisit", visit)
    current = lock_and_check_version(CustodyVisit, visit.pk, version)
    require_perm(actor, "scrutiny.change_custodyvisit", current)
    resolved_later_on = current.issues_resolved_on
    changes = apply_changes(current, fields, VISIT_FIELDS)
    if not changes:
        return current
    errors = visit_rule_errors(current)
    own_error = _own_visit_error(current, actor)
    if own_error:
        errors.setdefault("first_visitor", own_error)
    if resolved_later_on and not current.issues_raised.strip():
        errors.setdefault(
            "issues_raised",
            f"The issues' resolution was recorded on {resolved_later_on:%-d %B %Y}: "
            "enter the issues raised with the custody officer",
        )
    if errors:
        raise ValidationError(errors)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CUSTODY_VISIT_CHANGED,
        target=current,
        summary=changes_summary(
            CustodyVisit,
            list(changes),
            of=f"the visit to {current.suite} on {timezone.localtime(current.visited_at):%-d %B %Y}",
        ),
        changes=changes,
    )
    return current


def issue_resolution_errors(visit: CustodyVisit, resolved_on: dt.date | None, resolution: str) -> dict[str, str]:
    """Every rule a resolution breaks, by field (shown all at once)."""
    errors = {}
    if not visit.issues_raised.strip():
        errors[NON_FIELD_ERRORS] = "This visit raised no issues with the custody officer."
    visited_on = timezone.localtime(visit.visited_at).date()
    if resolved_on is None:
        errors["issues_resolved_on"] = "Enter the date the issues were resolved"
    elif resolved_on > timezone.localdate():
        errors["issues_resolved_on"] = "The date the issues were resolved must be today or in the past"
    elif resolved_on < visited_on:
        errors["issues_resolved_on"] = (
            f"The date the issues were resolved must be on or after the visit ({visited_on:%-d %B %Y})"
        )
    if not (resolution or "").strip():
        errors["resolution"] = "Enter what was done to resolve the issues"
    elif _NAME_OR_NUMBER.search(resolution):
        errors["resolution"] = (
            "Remove what looks like a name or a custody number: visit reports never identify anyone in custody."
        )
    return errors


@transaction.atomic
def custody_issue_resolve(
    *, visit: CustodyVisit, actor, issues_resolved_on: dt.date | None, resolution: str, version=None
) -> CustodyVisit:
    """Record (or correct) when and how a visit's issues raised with the
    custody officer were resolved: an officer, or a visitor on the panel.
    Refused if someone else saved the visit since ``version`` was loaded."""
    require_perm(actor, "scrutiny.resolve_custody_issue", visit.panel)
    current = lock_and_check_version(CustodyVisit, visit.pk, version)
    resolution = (resolution or "").strip()
    errors = issue_resolution_errors(current, issues_resolved_on, resolution)
    if errors:
        raise ValidationError(errors)
    changes = {}
    new = {"issues_resolved": True, "issues_resolved_on": issues_resolved_on, "resolution": resolution}
    for name, value in new.items():
        if getattr(current, name) != value:
            changes[name] = (getattr(current, name), value)
            setattr(current, name, value)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CUSTODY_ISSUE_RESOLVED,
        target=current,
        summary=f"{current} on {timezone.localtime(current.visited_at):%-d %B %Y}: issues resolved "
        f"on {issues_resolved_on:%-d %B %Y}",
        changes=changes,
    )
    return current
