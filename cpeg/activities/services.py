"""Writes for the activity record: activities, their evidence and documents.

A group records what it does (public meetings, events, newsletters,
reports, surveys, training) as it happens, or imports it from a
spreadsheet. Each activity evidences the SLA output of its type (a public
meeting counts towards "Hold at least 4 public meetings") plus any outputs
the group ticks; quarterly monitoring counts them by date.

Rules every write keeps (``activity_rule_errors``): the date falls in a
financial year the group existed in, up to the end of next financial year
(planned meetings); attendance is a whole number, 0 or more, and only for
activities that have happened; the venue is one of the group's own.

Each function is one use case: check permission, lock and check the edit
version where a person edits an existing record, validate, save in one
transaction and record an AuditEvent.

Reads: ``activities.selectors``. Who may do what: ``accounts.access``.
Spreadsheet parsing: ``activities.imports``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cpeg.accounts.access import require_perm
from cpeg.activities.choices import DEFAULT_OUTPUT_FOR_TYPE, ActivityType, DocumentType
from cpeg.activities.files import check_document
from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence
from cpeg.activities.outputs import OUTPUT_CODES
from cpeg.core.audit import audit_record
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.fiscal import FinancialYear

ACTIVITY_FIELDS = (
    "activity_type",
    "title",
    "held_on",
    "starts_at",
    "venue",
    "venue_text",
    "public_attendance",
    "borough_commander_present",
    "local_authority_present",
    "other_partners_present",
    "topics",
    "notes",
    "is_public",
)
ATTENDANCE_MESSAGE = "Members of the public attending must be a whole number, 0 or more"
# Foreign keys the services set themselves; full_clean need not look them up.
_TRUSTED_FKS = ["group", "venue", "created_by", "updated_by"]


def activity_date_bounds(*, group, today: dt.date | None = None) -> tuple[dt.date | None, dt.date]:
    """The first and last dates an activity of ``group`` may have.

    From the start of the financial year the group was set up in (no lower
    limit if that is not recorded) to the end of next financial year, so
    planned meetings can be entered ahead.
    """
    today = today or timezone.localdate()
    first = FinancialYear.containing(group.established_on).starts_on if group.established_on else None
    return first, FinancialYear.containing(today).next().ends_on


def evidence_codes(activity_type: str, ticked: Iterable[str] = ()) -> list[str]:
    """The outputs an activity evidences: its type's own plus those ticked."""
    codes = set(ticked or ())
    default = DEFAULT_OUTPUT_FOR_TYPE.get(activity_type)
    if default:
        codes.add(default)
    return sorted(codes)


def activity_rule_errors(*, group, values: dict, outputs: Iterable[str] = (), today=None) -> dict[str, str]:
    """Every broken rule for one activity's values, as {field: message}.

    Shared by the form-driven services and the spreadsheet import, so a row
    in a file is held to exactly the same rules as the form.
    """
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if values.get("activity_type") not in ActivityType.values:
        errors["activity_type"] = "Select the type of activity"
    if not (values.get("title") or "").strip():
        errors["title"] = "Enter the title of the activity"
    held_on = values.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = "Enter the date of the activity"
    else:
        first, last = activity_date_bounds(group=group, today=today)
        if first and held_on < first:
            errors["held_on"] = (
                f"The date must be on or after {first:%-d %B %Y}, the start of the financial year "
                "the group was set up in"
            )
        elif held_on > last:
            errors["held_on"] = f"The date must be on or before {last:%-d %B %Y}, the end of next financial year"
    attendance = values.get("public_attendance")
    if attendance is not None:
        if isinstance(attendance, bool) or not isinstance(attendance, int) or attendance < 0:
            errors["public_attendance"] = ATTENDANCE_MESSAGE
        elif isinstance(held_on, dt.date) and held_on > today:
            errors["public_attendance"] = "Members of the public attending can only be entered once it has happened"
    venue = values.get("venue")
    if venue is not None and venue.group_id != group.pk:
        errors["venue"] = "Select one of the group's venues"
    if venue is not None and (values.get("venue_text") or "").strip():
        errors["venue_text"] = "Select a venue from the list or enter another venue, not both"
    unknown = sorted(set(outputs or ()) - OUTPUT_CODES)
    if unknown:
        errors["outputs"] = "Select SLA outputs from the list"
    return errors


def _raise_if_broken(*, group, values, outputs):
    errors = activity_rule_errors(group=group, values=values, outputs=outputs)
    if errors:
        raise ValidationError(errors)


def _values_from(data: dict, base: dict | None = None) -> dict:
    values = dict(base or {})
    for name in ACTIVITY_FIELDS:
        if name in data:
            value = data[name]
            if name in {"title", "venue_text", "other_partners_present", "topics", "notes"}:
                value = (value or "").strip()
            values[name] = value
    return values


def _set_evidence(activity: Activity, codes: list[str]) -> tuple[list[str], list[str]]:
    """Make the activity's evidence exactly ``codes``; return (added, removed)."""
    current = set(activity.evidence.values_list("output_code", flat=True))
    wanted = set(codes)
    removed = sorted(current - wanted)
    added = sorted(wanted - current)
    if removed:
        activity.evidence.filter(output_code__in=removed).delete()
    ActivityEvidence.objects.bulk_create([ActivityEvidence(activity=activity, output_code=c) for c in added])
    return added, removed


@transaction.atomic
def activity_create(*, group, actor, data: dict) -> Activity:
    """Record an activity of a group, with the SLA outputs it evidences."""
    require_perm(actor, "activities.change_activity", group)
    values = _values_from(data, {"is_public": True})
    outputs = list(data.get("outputs") or ())
    _raise_if_broken(group=group, values=values, outputs=outputs)
    activity = Activity(group=group, created_by=actor, updated_by=actor, **values)
    activity.full_clean(exclude=_TRUSTED_FKS)
    activity.save()
    codes = evidence_codes(activity.activity_type, outputs)
    _set_evidence(activity, codes)
    audit_record(
        actor=actor,
        event_type="ACTIVITY_RECORDED",
        target=activity,
        group=group,
        summary=f"Recorded {activity}",
        payload={"outputs": codes},
    )
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, actor, data: dict, loaded_version) -> Activity:
    """Change an activity's details or the outputs it evidences."""
    require_perm(actor, "activities.change_activity", activity)
    current = lock_and_check_version(Activity, activity.pk, loaded_version)
    group = current.group
    before = {name: getattr(current, name) for name in ACTIVITY_FIELDS}
    values = _values_from(data, before)
    outputs = list(data["outputs"]) if "outputs" in data else None
    if outputs is not None:
        ticked = outputs
    else:
        # Keep what was ticked; the old type's own output goes with the old type.
        old_default = DEFAULT_OUTPUT_FOR_TYPE.get(before["activity_type"])
        ticked = [c for c in current.evidence.values_list("output_code", flat=True) if c != old_default]
    _raise_if_broken(group=group, values=values, outputs=ticked)
    changed = [name for name in ACTIVITY_FIELDS if values[name] != before[name]]
    for name in changed:
        setattr(current, name, values[name])
    added, removed = _set_evidence(current, evidence_codes(current.activity_type, ticked))
    if not changed and not added and not removed:
        return current
    current.full_clean(exclude=_TRUSTED_FKS)
    save_new_version(current, actor=actor)
    summary_parts = list(changed) + (["outputs evidenced"] if added or removed else [])
    audit_record(
        actor=actor,
        event_type="ACTIVITY_UPDATED",
        target=current,
        group=group,
        summary=f"Changed {', '.join(summary_parts)} of {current.title}",
        payload={"fields": changed, "outputs_added": added, "outputs_removed": removed},
    )
    return current


@transaction.atomic
def activity_document_add(*, activity: Activity, actor, document_type: str, file) -> ActivityDocument:
    """Attach a document (minutes, the newsletter itself...) to an activity.

    The file must be an allowed type whose content matches its name, and no
    larger than ``settings.UPLOAD_MAX_BYTES``.
    """
    require_perm(actor, "activities.change_activity", activity)
    if document_type not in DocumentType.values:
        raise ValidationError({"document_type": "Select the type of document"})
    try:
        kind = check_document(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    original_name = file.name.rsplit("/", 1)[-1][:255]
    document = ActivityDocument(
        activity=activity,
        document_type=document_type,
        original_name=original_name,
        size_bytes=file.size,
        content_type=kind.content_type,
        created_by=actor,
        updated_by=actor,
    )
    document.file.save(original_name, file, save=False)
    stored_name = document.file.name
    try:
        document.full_clean(exclude=["activity", "created_by", "updated_by"])
        document.save()
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    audit_record(
        actor=actor,
        event_type="ACTIVITY_DOCUMENT_ADDED",
        target=document,
        group=activity.group,
        summary=f"Added {document.get_document_type_display().lower()} {original_name} to {activity.title}",
    )
    return document


@transaction.atomic
def activity_document_delete(*, document: ActivityDocument, actor) -> None:
    """Remove a document uploaded in error; the file goes once committed."""
    require_perm(actor, "activities.change_activity", document.activity)
    current = ActivityDocument.objects.select_for_update().select_related("activity").get(pk=document.pk)
    storage, name = current.file.storage, current.file.name
    audit_record(
        actor=actor,
        event_type="ACTIVITY_DOCUMENT_DELETED",
        target=current,
        group=current.activity.group,
        summary=f"Deleted {current.original_name} from {current.activity.title}",
        payload={"name": current.original_name, "size_bytes": current.size_bytes},
    )
    current.delete()
    transaction.on_commit(lambda: storage.delete(name) if name else None)


@dataclass
class NewActivity:
    """One activity to record in bulk (an import row, or demo data)."""

    values: dict
    outputs: list[str] = field(default_factory=list)
    import_key: str = ""


def activity_bulk_record(*, group, actor, items: list[NewActivity], validate: bool = True) -> list[Activity]:
    """Record many activities of one group at once, history included.

    Call inside a transaction. Every item is checked against the same rules
    as the form (unless the caller has already done so) before anything is
    written.
    """
    require_perm(actor, "activities.change_activity", group)
    stamp = timezone.now()
    activities = []
    for item in items:
        if validate:
            _raise_if_broken(group=group, values=item.values, outputs=item.outputs)
        activity = Activity(
            group=group,
            import_key=item.import_key,
            created_by=actor,
            updated_by=actor,
            **{"is_public": True, **item.values},
        )
        activity.full_clean(exclude=_TRUSTED_FKS, validate_unique=False, validate_constraints=False)
        activities.append(activity)
    # SQLite (3.35+) and PostgreSQL return the new ids, in order.
    created = bulk_create_with_history(activities, Activity, batch_size=500, default_user=actor, default_date=stamp)
    ActivityEvidence.objects.bulk_create(
        [
            ActivityEvidence(activity=activity, output_code=code)
            for activity, item in zip(created, items, strict=True)
            for code in evidence_codes(activity.activity_type, item.outputs)
        ],
        batch_size=1000,
    )
    return created


@transaction.atomic
def activity_import(*, group, actor, file, dry_run: bool = False):
    """Import a group's activities from a CSV or XLSX file, all or nothing.

    The whole file is checked first. A problem with the file itself (not
    really CSV/XLSX, empty, too large, required columns missing) raises
    ValidationError on ``file``. Otherwise every row error is returned in
    ``ImportResult.errors`` (row, column, field name, message) and nothing
    is saved. Rows already imported (same fingerprint) are skipped, so
    importing a file twice does not duplicate. ``dry_run`` checks only.
    """
    from cpeg.activities.imports import parse_activity_file

    require_perm(actor, "activities.change_activity", group)
    result = parse_activity_file(group=group, file=file)
    if result.errors:
        return result
    keys = [row.import_key for row in result.rows]
    existing = set(Activity.objects.filter(group=group, import_key__in=keys).values_list("import_key", flat=True))
    new_rows = [row for row in result.rows if row.import_key not in existing]
    result.already_imported = len(result.rows) - len(new_rows)
    result.dry_run = dry_run
    result.new_rows = new_rows
    if dry_run or not new_rows:
        return result
    activity_bulk_record(
        group=group,
        actor=actor,
        items=[NewActivity(values=r.values, outputs=r.outputs, import_key=r.import_key) for r in new_rows],
        validate=False,  # parse_activity_file applied activity_rule_errors to every row
    )
    result.imported = len(new_rows)
    audit_record(
        actor=actor,
        event_type="ACTIVITIES_IMPORTED",
        target=group,
        group=group,
        summary=f"Imported {len(new_rows)} activities from {result.file_name}"
        + (f" ({result.already_imported} already imported)" if result.already_imported else ""),
        payload={
            "file": result.file_name,
            "imported": len(new_rows),
            "already_imported": result.already_imported,
        },
    )
    return result
