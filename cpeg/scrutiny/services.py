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
import re
from collections import Counter
from contextlib import contextmanager

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone

from cpeg.accounts.access import custody_visitor_records_of, is_officer, require_perm
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.groups.models import Borough, EngagementGroup
from cpeg.scrutiny.choices import ImportStatus, LocationStatus
from cpeg.scrutiny.geography import ons_codes_for_points
from cpeg.scrutiny.importer import PROFILE_FIELDS, ImportRefusedError, month_and_force_from_name, parse_file
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
    with _gc_paused():
        return _check_and_save(record, data, actor)


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


def _check_and_save(record: StopSearchImport, data: bytes, actor) -> StopSearchImport:
    try:
        parsed = parse_file(record.file_name, data)
    except ImportRefusedError as error:
        return _fail(record, [{"row": None, "message": str(error)}], 1, actor)
    month = Period.month(record.month)
    first, last = month.starts_on, month.ends_on
    # Checked per distinct time (the parse gives each once), then rows only if one is out.
    outside = {code for code, when in enumerate(parsed.whens) if when is not None and not first <= when[1] <= last}
    if outside:
        for number, code in zip(parsed.numbers, parsed.when_codes, strict=True):
            if code in outside:
                day = parsed.whens[code][1]
                parsed.error(number, f"The search on {day:%-d %B %Y} (London time) is not in {record.month:%B %Y}")
    record.rows_total = record.rows_done = len(parsed) + parsed.error_count
    if parsed.error_count:
        return _fail(record, parsed.errors, parsed.error_count, actor)
    if not len(parsed):
        return _fail(record, [{"row": None, "message": "The file has no searches in it"}], 1, actor)
    return _replace_month(record, parsed, actor)


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
    ids = {}
    for start in range(0, len(keys), 2000):
        ids.update(StopSearchProfile.objects.filter(key__in=keys[start : start + 2000]).values_list("key", "pk"))
    return ids


def _places(points: list[tuple]) -> tuple[list, list]:
    """(borough id, location status) of each distinct point."""
    located = [index for index, (latitude, _) in enumerate(points) if latitude is not None]
    codes = ons_codes_for_points([points[i][1] for i in located], [points[i][0] for i in located])
    borough_ids = dict(Borough.objects.values_list("ons_code", "pk"))
    boroughs, statuses = [None] * len(points), [LocationStatus.NONE.value] * len(points)
    for index, code in zip(located, codes, strict=True):
        borough_id = borough_ids.get(code)
        boroughs[index] = borough_id
        statuses[index] = (LocationStatus.IN_BOROUGH if borough_id else LocationStatus.OUTSIDE).value
    return boroughs, statuses


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


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format (the values here are
    numbers, dates, times, ids and status codes: nothing to escape)."""
    if value is None:
        return "\\N"
    if isinstance(value, float):
        return repr(value)
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _insert_stops(record: StopSearchImport, parsed, boroughs: list, statuses: list, profile_ids: list) -> None:
    """Insert a month's searches in the fewest statements.

    The rows are plain published data with no history, no signals and no
    per-row checks left to make (the parse checked every value), so this
    skips the ORM's per-object work. Each distinct time, point and profile
    is turned into what the database takes once; a row is then its number
    and three look-ups. PostgreSQL takes the rows by one ``COPY`` of one text
    buffer; SQLite by multi-row ``INSERT`` statements as large as its
    parameter limit allows (32,766 values), which measured faster than
    ``executemany`` of one prepared statement.
    """
    table = connection.ops.quote_name(StopSearch._meta.db_table)
    names = ", ".join(connection.ops.quote_name(StopSearch._meta.get_field(name).column) for name in _STOP_COLUMNS)
    whens, points = parsed.whens, parsed.points
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A row's text: import, number, then "time<TAB>date", "latitude<TAB>longitude<TAB>status<TAB>borough"
            # and the profile, each distinct one written once.
            when_text = [f"{_copy_text(at)}\t{_copy_text(day)}" for at, day in whens]
            point_text = [
                "\t".join(map(_copy_text, (latitude, longitude, status, borough)))
                for (latitude, longitude), status, borough in zip(points, statuses, boroughs, strict=True)
            ]
            profile_text = list(map(str, profile_ids))
            lines = map(
                "\t".join,
                zip(
                    itertools.repeat(str(record.pk)),
                    map(str, parsed.numbers),
                    map(when_text.__getitem__, parsed.when_codes),
                    map(point_text.__getitem__, parsed.point_codes),
                    map(profile_text.__getitem__, parsed.profile_codes),
                ),
            )
            # Sent in parts as they are made, so the server stores one part
            # while the next is being made.
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                while part := list(itertools.islice(lines, 4000)):
                    copy.write(("\n".join(part) + "\n").encode())
            return
        if connection.vendor == "sqlite":
            # The text SQLite's adapters would make (naive UTC), without
            # their per-value checks: the parse gives times in UTC.
            at_values = [at.astimezone(dt.UTC).isoformat(" ")[:-6] for at, _ in whens]
            day_values = [day.isoformat() for _, day in whens]
            # The driver's own cursor, in the same transaction: Django's
            # wrapper would rewrite every "%s" of a 32,000-value statement.
            cursor, mark = connection.connection.cursor(), "?"
        else:
            at_values = [connection.ops.adapt_datetimefield_value(at) for at, _ in whens]
            day_values = [connection.ops.adapt_datefield_value(day) for _, day in whens]
            mark = "%s"
        when_codes, point_codes = parsed.when_codes, parsed.point_codes
        rows = zip(
            itertools.repeat(record.pk),
            parsed.numbers,
            map(at_values.__getitem__, when_codes),
            map(day_values.__getitem__, when_codes),
            map([p[0] for p in points].__getitem__, point_codes),
            map([p[1] for p in points].__getitem__, point_codes),
            map(statuses.__getitem__, point_codes),
            map(boroughs.__getitem__, point_codes),
            map(profile_ids.__getitem__, parsed.profile_codes),
        )
        limit = connection.features.max_query_params or 999
        per_statement = max(1, min(limit // len(_STOP_COLUMNS), 4000))
        one = "(" + ", ".join([mark] * len(_STOP_COLUMNS)) + ")"
        insert = f"INSERT INTO {table} ({names}) VALUES "
        full_sql = insert + ", ".join([one] * per_statement)
        while batch := list(itertools.islice(rows, per_statement)):
            sql = full_sql if len(batch) == per_statement else insert + ", ".join([one] * len(batch))
            cursor.execute(sql, list(itertools.chain.from_iterable(batch)))


@transaction.atomic
def _replace_month(record: StopSearchImport, parsed, actor) -> StopSearchImport:
    count = len(parsed)
    boroughs, statuses = _places(parsed.points)
    counts = Counter(map(statuses.__getitem__, parsed.point_codes))
    profile_ids = _profile_ids(parsed.profiles)
    # Every import of this force and month, locked: two imports of one month
    # run one after the other, so the month is never half one and half the other.
    earlier = list(
        StopSearchImport.objects.select_for_update()
        .filter(force=record.force, month=record.month, status=ImportStatus.DONE)
        .exclude(pk=record.pk)
    )
    # One DELETE (the rows have no dependents, so Django collects nothing):
    # a month's searches are exactly those of its done import.
    replaced, _ = StopSearch.objects.filter(source_import__in=[old.pk for old in earlier]).delete()
    _insert_stops(record, parsed, boroughs, statuses, profile_ids)
    for old in earlier:
        old.status = ImportStatus.REPLACED
        old.save(update_fields=["status", "updated_at"])
    record.status = ImportStatus.DONE
    record.in_borough = counts[LocationStatus.IN_BOROUGH]
    record.outside_boroughs = counts[LocationStatus.OUTSIDE]
    record.no_location = counts[LocationStatus.NONE]
    record.replaced_rows = replaced
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
        payload={"rows": count, "replaced": replaced},
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
