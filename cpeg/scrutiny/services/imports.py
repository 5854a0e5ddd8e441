"""Importing police.uk stop and search months.

An import is all or nothing per force and month: a file with any bad row
saves nothing and lists the errors by row; a good file replaces the month
(its earlier rows deleted, the new ones inserted, in one transaction), so
importing the same file again gives the same records, and no reader ever
sees half a month. ``actor=None`` is the system (the management command,
the demo); a person must hold ``scrutiny.import_stopsearch``. How the rows
are stored: ``storing``.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.scrutiny.choices import ImportStatus
from cpeg.scrutiny.importer import ImportRefusedError, month_and_force_from_name
from cpeg.scrutiny.models import StopSearchImport
from cpeg.scrutiny.published import read_published
from cpeg.scrutiny.services import storing
from cpeg.scrutiny.services.storing import MonthCheck, NotSavedError, Writer, store_columns, store_rows

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
    """Import a file now (the demo): a new import record, run at once.
    Returns the import, done or failed."""
    return _import_file(StopSearchFile(force, month, file_name, data), actor)


# Months imported at once by ``stop_search_import_files`` (PostgreSQL): a
# quarter's.
AT_ONCE = 3


class StopSearchFile(NamedTuple):
    """A police.uk file to import now, and the force and month it is for."""

    force: str
    month: dt.date
    file_name: str
    data: bytes


def stop_search_import_files(files: Iterable[StopSearchFile], *, actor=None) -> Iterator[StopSearchImport]:
    """Import files now (the management command): each file a month of its
    own, all or nothing, as ``stop_search_import_file`` imports it; yields
    each import, done or failed, in the files' order. A file whose name is
    for another force or month raises ``ValidationError`` when reached:
    the files before it are imported, none after.

    On PostgreSQL, outside a transaction, ``AT_ONCE`` months are imported
    at once, each on a thread and connection of its own, in a transaction
    of its own: the server stores and commits one month while another is
    read (a quarter in some 0.9 of the time a month at a time takes,
    measured; see docs/scrutiny.md, "Import speed"). Months never share
    rows, their imports lock only their own month's, and new profiles are
    added in one order (``storing._profile_ids``), so two imports never wait
    for each other in a circle. Otherwise (SQLite, which writes one
    transaction at a time, or inside the caller's transaction) one after
    another."""
    files = iter(files)
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        for file in files:
            yield _import_file(file, actor)
        return
    with ThreadPoolExecutor(max_workers=AT_ONCE, thread_name_prefix="stop-search-import") as pool:
        running = deque()
        for file in files:
            try:
                _check_name(file.file_name, file.force, file.month)
            except ValidationError:
                while running:  # the files before it, then the error
                    yield running.popleft().result()
                raise
            running.append(pool.submit(_import_on_own_connection, file, actor))
            if len(running) == AT_ONCE:
                yield running.popleft().result()
        while running:
            yield running.popleft().result()


def _import_on_own_connection(file: StopSearchFile, actor) -> StopSearchImport:
    try:
        return _import_file(file, actor)
    finally:
        connection.close()  # this thread's


def _import_file(file: StopSearchFile, actor) -> StopSearchImport:
    if actor is not None:
        require_perm(actor, "scrutiny.import_stopsearch")
    _check_name(file.file_name, file.force, file.month)
    record = StopSearchImport(
        force=file.force, month=file.month.replace(day=1), file_name=file.file_name[:255], status=ImportStatus.RUNNING
    )
    record.full_clean(exclude=["source"])
    record.save()
    return stop_search_import_run(source_import=record, data=file.data, actor=actor)


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
    if record.status != ImportStatus.RUNNING:  # the file path makes it running
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


_paused = {"count": 0, "enabled": False}
_pausing = threading.Lock()


@contextmanager
def _gc_paused():
    """The cyclic garbage collector off while a file is read and saved (on
    any thread: on again when the last one ends).

    A month is some 200,000 short-lived strings, tuples and lists, none in a
    reference cycle; with the collector on, their allocation triggers
    collections that walk every one of them again (a fifth of the parse's
    time, measured). Reference counting still frees everything as usual."""
    with _pausing:
        if not _paused["count"]:
            _paused["enabled"] = gc.isenabled()
            gc.disable()
        _paused["count"] += 1
    try:
        yield
    finally:
        with _pausing:
            _paused["count"] -= 1
            if not _paused["count"] and _paused["enabled"]:
                gc.enable()


def _check_and_save(record: StopSearchImport, data: bytes, actor) -> StopSearchImport:
    month = MonthCheck(record)
    try:
        # Stored as it is checked; a bad row rolls it all back.
        with transaction.atomic():
            return _replace_month(record, data, month, actor)
    except ImportRefusedError as error:
        return _fail(record, [{"row": None, "message": str(error)}], 1, actor)
    except NotSavedError as not_saved:
        encoder = not_saved.encoder
    # Nothing saved: the rest of the file is checked for every error.
    parsed = encoder.parsed
    for start in range(encoder.encoded, len(encoder.source), storing.PART):
        numbers, when_codes, _, _ = encoder.encode(start, start + storing.PART)
        month.check(parsed, numbers, when_codes)
    for number, message in month.errors:
        parsed.error(number, message)
    record.rows_total = record.rows_done = len(parsed) + parsed.error_count
    if parsed.error_count:
        return _fail(record, parsed.errors, parsed.error_count, actor)
    return _fail(record, [{"row": None, "message": "The file has no searches in it"}], 1, actor)


def _replace_month(record: StopSearchImport, data: bytes, month: MonthCheck, actor) -> StopSearchImport:
    """Read the file and store the month part by part as it is checked (in
    the caller's transaction); raises ``NotSavedError`` at the first bad
    row, and ``ImportRefusedError`` for a file that is not one."""
    # Every import of this force and month, locked: two imports of one month
    # run one after the other, so the month is never half one and half the other.
    earlier = list(
        StopSearchImport.objects.select_for_update()
        .filter(force=record.force, month=record.month, status=ImportStatus.DONE)
        .exclude(pk=record.pk)
    )
    # The database deletes the month replaced while this thread reads the
    # file (``Writer``).
    with Writer([old.pk for old in earlier], month) as writer:
        columns = read_published(data)
        if columns is not None and month.covers(columns):
            count, counts = store_columns(record, columns, writer)
        else:  # any other form, or an error to report by row
            count, counts = store_rows(record, data, month, writer)
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
