"""Writes for the activity record: activities, their evidence and documents.

A group records what it does (public meetings, events, newsletters,
reports, surveys, training) as it happens, or imports it from a
spreadsheet. Each activity evidences the SLA output of its type (a public
meeting counts towards "Hold at least 4 public meetings") plus any outputs
the group ticks; quarterly monitoring counts them by date.

Rules every write keeps (``activity_rule_errors``, also run by the form's
clean() so every error shows at once): the date falls in a financial year
the group existed in (or, when its set-up date is not recorded, the last
5 financial years), up to the end of next financial year (planned
meetings) and never after the group was disbanded; attendance is a whole
number, 0 or more, and only for activities that have happened; the venue
is one of the group's own.

Each function is one use case: check permission, lock the group's row (so
two imports, or an import and a form, for the same group run one after
the other), lock and check the edit version where a person edits an
existing record, validate, save in one transaction and record an
AuditEvent.

Reads: ``activities.selectors``. Who may do what: ``accounts.access``.
Spreadsheet parsing: ``activities.imports``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cpeg.accounts.access import require_perm
from cpeg.activities.choices import DEFAULT_OUTPUT_FOR_TYPE, ActivityType, DocumentType, public_by_default
from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence, ActivityImportBatch
from cpeg.activities.outputs import OUTPUT_CODES, OutputCatalogue
from cpeg.activities.workflow import ensure_not_undone, ensure_not_withdrawn, ensure_withdrawn
from cpeg.core.audit import audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.files import check_document
from cpeg.core.fiscal import FinancialYear
from cpeg.core.idempotency import clean_form_token, made_with_token
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.groups.workflow import is_disbanded

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
# The most people one activity can count: more than the largest public
# event a group runs (a borough festival), far less than a typing slip
# such as 99,999,999,999,999.
MAX_PUBLIC_ATTENDANCE = 100_000
ATTENDANCE_MESSAGE = "Members of the public attending must be a whole number from 0 to 100,000"
# Foreign keys the services set themselves; full_clean need not look them up.
_TRUSTED_FKS = ["group", "venue", "created_by", "updated_by"]


# How far back activities go for a group whose set-up date is not recorded.
UNKNOWN_SET_UP_YEARS_BACK = 5
DISBANDED_MESSAGE = "This group has been disbanded: activities can no longer be recorded"


@dataclass(frozen=True)
class DateBounds:
    """The first and last dates an activity of a group may have, and why."""

    first: dt.date
    last: dt.date
    # True when the group's set-up date is recorded (``first`` is the start
    # of its first financial year), False for the 5-year fallback.
    first_from_set_up: bool = True
    # The day the group was disbanded: ``last`` is then no later than it.
    disbanded_on: dt.date | None = None
    # Disbanded, but when is not known: no date is allowed.
    closed: bool = False


def group_disbanded_on(*, group) -> dt.date | None:
    """The day a disbanded group's status last became "disbanded", from its
    history (None if it is not disbanded or the history does not say).

    One query, and only for a disbanded group.
    """
    if not is_disbanded(group):
        return None
    records = EngagementGroup.history.filter(id=group.pk).order_by("-history_date", "-history_id")
    became = None
    for status, when in records.values_list("status", "history_date"):
        if status != GroupStatus.DISBANDED:
            break
        became = when
    return timezone.localdate(became) if became else None


def activity_date_bounds(*, group, today: dt.date | None = None) -> DateBounds:
    """The first and last dates an activity of ``group`` may have.

    From the start of the financial year the group was set up in (when that
    is not recorded, the start of the financial year 5 years before this
    one) to the end of next financial year, so planned meetings can be
    entered ahead; never after the day the group was disbanded.
    """
    today = today or timezone.localdate()
    current = FinancialYear.current(today)
    if group.established_on:
        first, from_set_up = FinancialYear.containing(group.established_on).starts_on, True
    else:
        first, from_set_up = FinancialYear(current.start_year - UNKNOWN_SET_UP_YEARS_BACK).starts_on, False
    last = current.next().ends_on
    disbanded_on = group_disbanded_on(group=group)
    closed = is_disbanded(group) and disbanded_on is None
    if disbanded_on is not None:
        last = min(last, disbanded_on)
    return DateBounds(first, last, from_set_up, disbanded_on, closed)


def evidence_codes(activity_type: str, ticked: Iterable[str] = ()) -> list[str]:
    """The outputs an activity evidences: its type's own plus those ticked."""
    codes = set(ticked or ())
    default = DEFAULT_OUTPUT_FOR_TYPE.get(activity_type)
    if default:
        codes.add(default)
    return sorted(codes)


def activity_rule_errors(
    *,
    group,
    values: dict,
    outputs: Iterable[str] = (),
    today=None,
    bounds: DateBounds | None = None,
    catalogue: OutputCatalogue | None = None,
) -> dict[str, str]:
    """Every broken rule for one activity's values, as {field: message}.

    Shared by the form's clean(), the form-driven services and the
    spreadsheet import, so a row in a file is held to exactly the same rules
    as the form. A caller checking many rows passes ``bounds`` (from
    ``activity_date_bounds``) and ``catalogue`` (an ``OutputCatalogue``) so
    the group's dates and outputs are worked out once.

    The outputs must be ones the group can evidence in the activity's
    financial year: the standard ones and its own SLA's (local outputs,
    outputs added to that year's template).
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
        bounds = bounds or activity_date_bounds(group=group, today=today)
        if bounds.closed:
            errors["held_on"] = DISBANDED_MESSAGE
        elif held_on < bounds.first:
            errors["held_on"] = (
                f"The date must be on or after {bounds.first:%-d %B %Y}, the start of the financial year "
                "the group was set up in"
                if bounds.first_from_set_up
                else f"The date must be on or after {bounds.first:%-d %B %Y}: the group's set-up date is not "
                f"recorded, so activities can go back {UNKNOWN_SET_UP_YEARS_BACK} financial years"
            )
        elif bounds.disbanded_on is not None and held_on > bounds.disbanded_on:
            errors["held_on"] = (
                f"The date must be on or before {bounds.disbanded_on:%-d %B %Y}, when the group was disbanded"
            )
        elif held_on > bounds.last:
            errors["held_on"] = f"The date must be on or before {bounds.last:%-d %B %Y}, the end of next financial year"
    attendance = values.get("public_attendance")
    if attendance is not None:
        if (
            isinstance(attendance, bool)
            or not isinstance(attendance, int)
            or not 0 <= attendance <= MAX_PUBLIC_ATTENDANCE
        ):
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
        catalogue = catalogue or OutputCatalogue(group)
        unknown = sorted(set(unknown) - catalogue.codes_for(held_on if isinstance(held_on, dt.date) else None))
    if unknown:
        errors["outputs"] = "Select SLA outputs from the list"
    return errors


def _raise_if_broken(*, group, values, outputs, bounds=None, catalogue=None):
    errors = activity_rule_errors(group=group, values=values, outputs=outputs, bounds=bounds, catalogue=catalogue)
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


def _with_public_default(values: dict) -> dict:
    """Fill in "show on the public page" from the type when not given."""
    if values.get("is_public") is None:
        values["is_public"] = public_by_default(values.get("activity_type"))
    return values


def _lock_group(group_id) -> EngagementGroup:
    """Lock the group's row for the rest of the transaction.

    Every write to a group's activities takes this lock first, so two
    imports of the same file (or an import and a form) run one after the
    other: the second then sees what the first saved, instead of both
    passing the "already recorded" check and colliding on the unique
    import key.
    """
    return EngagementGroup.objects.select_for_update().get(pk=group_id)


def _set_evidence(activity: Activity, codes: list[str], *, actor) -> tuple[list[str], list[str]]:
    """Make the activity's evidence exactly ``codes``; return (added, removed).

    Each addition and removal goes into the evidence's history (one
    instance delete per removed row: a queryset delete would leave none).
    """
    current = {e.output_code: e for e in activity.evidence.all()}
    wanted = set(codes)
    removed = sorted(set(current) - wanted)
    added = sorted(wanted - set(current))
    for code in removed:
        evidence = current[code]
        evidence._history_user = actor
        evidence.delete()
    if added:
        bulk_create_with_history(
            [ActivityEvidence(activity=activity, output_code=c) for c in added], ActivityEvidence, default_user=actor
        )
    return added, removed


@transaction.atomic
def activity_create(*, group, actor, data: dict, form_token: str = "") -> Activity:
    """Record an activity of a group, with the SLA outputs it evidences.

    ``form_token`` (``core.idempotency``) makes it happen once: a repeated
    POST of the same form (Back then Save, a double click) gets the
    activity the first one recorded, unchanged.
    """
    require_perm(actor, "activities.change_activity", group)
    group = _lock_group(group.pk)
    form_token = clean_form_token(form_token)
    already = made_with_token(Activity.objects.filter(group=group), form_token)
    if already is not None:
        return already
    values = _with_public_default(_values_from(data))
    outputs = list(data.get("outputs") or ())
    _raise_if_broken(group=group, values=values, outputs=outputs)
    activity = Activity(group=group, created_by=actor, updated_by=actor, form_token=form_token, **values)
    activity.full_clean(exclude=_TRUSTED_FKS)
    activity.save()
    codes = evidence_codes(activity.activity_type, outputs)
    _set_evidence(activity, codes, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACTIVITY_RECORDED,
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
    group = _lock_group(activity.group_id)
    current = lock_and_check_version(Activity, activity.pk, loaded_version)
    ensure_not_withdrawn(current)
    before = {name: getattr(current, name) for name in ACTIVITY_FIELDS}
    values = _values_from(data, before)
    if values["is_public"] is None:
        values["is_public"] = before["is_public"]
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
    added, removed = _set_evidence(current, evidence_codes(current.activity_type, ticked), actor=actor)
    if not changed and not added and not removed:
        return current
    current.full_clean(exclude=_TRUSTED_FKS)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACTIVITY_UPDATED,
        target=current,
        group=group,
        summary=changes_summary(
            Activity, changed, extra=["the outputs evidenced"] if added or removed else [], of=current.title
        ),
        payload={"fields": changed, "outputs_added": added, "outputs_removed": removed},
        changes={name: (before[name], values[name]) for name in changed},
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
        event_type=AuditEventType.ACTIVITY_DOCUMENT_ADDED,
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
        event_type=AuditEventType.ACTIVITY_DOCUMENT_DELETED,
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


def activity_bulk_record(
    *, group, actor, items: list[NewActivity], validate: bool = True, import_batch: ActivityImportBatch | None = None
) -> list[Activity]:
    """Record many activities of one group at once, history included.

    Call inside a transaction that has locked the group's row (as
    ``activity_import`` does). Every item is checked against the same rules
    as the form (unless the caller has already done so) before anything is
    written. An item without ``is_public`` gets its type's default.
    """
    require_perm(actor, "activities.change_activity", group)
    stamp = timezone.now()
    bounds = activity_date_bounds(group=group) if validate else None
    catalogue = OutputCatalogue(group)
    activities = []
    for item in items:
        if validate:
            _raise_if_broken(group=group, values=item.values, outputs=item.outputs, bounds=bounds, catalogue=catalogue)
        activity = Activity(
            group=group,
            import_key=item.import_key,
            import_batch=import_batch,
            created_by=actor,
            updated_by=actor,
            **_with_public_default(dict(item.values)),
        )
        activity.full_clean(exclude=_TRUSTED_FKS, validate_unique=False, validate_constraints=False)
        activities.append(activity)
    # SQLite (3.35+) and PostgreSQL return the new ids, in order.
    created = bulk_create_with_history(activities, Activity, batch_size=500, default_user=actor, default_date=stamp)
    bulk_create_with_history(
        [
            ActivityEvidence(activity=activity, output_code=code)
            for activity, item in zip(created, items, strict=True)
            for code in evidence_codes(activity.activity_type, item.outputs)
        ],
        ActivityEvidence,
        batch_size=1000,
        default_user=actor,
        default_date=stamp,
    )
    return created


def _recorded_by_natural_key(*, group, rows) -> dict[tuple, list[tuple[Activity, set[str]]]]:
    """The group's recorded activities (imported or typed in) on the rows'
    dates, by natural key, each with its evidence codes: two queries."""
    from cpeg.activities.imports import activity_natural_key

    if not rows:
        return {}
    dates = [row.values["held_on"] for row in rows]
    span = (min(dates), max(dates))
    codes: dict[int, set[str]] = defaultdict(set)
    for activity_id, code in ActivityEvidence.objects.filter(
        activity__group=group, activity__held_on__range=span, activity__withdrawn_at__isnull=True
    ).values_list("activity_id", "output_code"):
        codes[activity_id].add(code)
    found: dict[tuple, list[tuple[Activity, set[str]]]] = defaultdict(list)
    recorded = Activity.objects.filter(group=group, held_on__range=span, withdrawn_at__isnull=True)
    for activity in recorded.select_related("venue"):
        found[activity_natural_key(activity)].append((activity, codes[activity.pk]))
    return found


@transaction.atomic
def activity_import(*, group, actor, file, dry_run: bool = False, form_token: str = ""):
    """Import a group's activities from a CSV or XLSX file, all or nothing.

    The whole file is checked first. A problem with the file itself (not
    really CSV/XLSX, empty, too large, too many rows, required columns
    missing) raises ValidationError on ``file``. Otherwise every row error
    is returned in ``ImportResult.errors`` (row, column, field name,
    message) and nothing is saved.

    Each row is matched against ALL the group's activities (withdrawn ones
    aside), imported or typed in: a row imported before (same fingerprint,
    ``import_key``) or identical to a recorded activity with the same
    type, date, title and start time (the natural key) is skipped and
    counted as already recorded; a row with the same natural key as a
    recorded activity but different details is an error on that row, so a
    corrected file never records an activity twice. ``dry_run`` checks
    only.

    A real import records an ``ActivityImportBatch`` (undone as a whole by
    ``activity_import_undo``). ``form_token`` (``core.idempotency``) makes
    it happen once: the same form posted again returns the first import's
    result (``ImportResult.repeated``) without reading the file.
    """
    from cpeg.activities.imports import (
        CONFLICT_MESSAGE,
        ImportResult,
        natural_key,
        parse_activity_file,
        row_differences,
    )

    require_perm(actor, "activities.change_activity", group)
    group = _lock_group(group.pk)
    form_token = "" if dry_run else clean_form_token(form_token)
    batch = made_with_token(ActivityImportBatch.objects.filter(group=group), form_token)
    if batch is not None:
        return ImportResult(
            file_name=batch.file_name,
            imported=batch.imported_count,
            already_recorded=batch.already_recorded,
            batch=batch,
            repeated=True,
        )
    result = parse_activity_file(group=group, file=file)
    if result.errors:
        return result
    keys = [row.import_key for row in result.rows]
    imported = set(
        Activity.objects.filter(group=group, import_key__in=keys, withdrawn_at__isnull=True).values_list(
            "import_key", flat=True
        )
    )
    unseen = [row for row in result.rows if row.import_key not in imported]
    recorded = _recorded_by_natural_key(group=group, rows=unseen)
    new_rows = []
    for row in unseen:
        matches = recorded.get(natural_key(row.values), [])
        if not matches:
            new_rows.append(row)
            continue
        identical = any(not row_differences(row, activity, codes, result.columns) for activity, codes in matches)
        if not identical:
            result.errors.append(result.title_error(row, CONFLICT_MESSAGE))
    if result.errors:
        result.rows = []
        return result
    result.already_recorded = len(result.rows) - len(new_rows)
    result.dry_run = dry_run
    result.new_rows = new_rows
    if dry_run or not new_rows:
        return result
    batch = ActivityImportBatch(
        group=group,
        file_name=result.file_name[:255],
        imported_count=len(new_rows),
        already_recorded=result.already_recorded,
        form_token=form_token,
        created_by=actor,
        updated_by=actor,
    )
    batch.full_clean(exclude=["group", "created_by", "updated_by", "undone_by"])
    batch.save()
    activity_bulk_record(
        group=group,
        actor=actor,
        items=[NewActivity(values=r.values, outputs=r.outputs, import_key=r.import_key) for r in new_rows],
        validate=False,  # parse_activity_file applied activity_rule_errors to every row
        import_batch=batch,
    )
    result.imported = len(new_rows)
    result.batch = batch
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACTIVITIES_IMPORTED,
        target=group,
        group=group,
        summary=f"Imported {len(new_rows)} activities from {result.file_name}"
        + (f" ({result.already_recorded} already recorded)" if result.already_recorded else ""),
        payload={
            "file": result.file_name,
            "imported": len(new_rows),
            "already_recorded": result.already_recorded,
            "batch": batch.pk,
        },
    )
    return result


# --- Withdrawing, restoring, undoing an import (issue 9.2) -------------------
#
# A withdrawn activity stays in the database (and its history) but leaves
# every list and count (``selectors.activity_queryset``). A return already
# submitted or accepted keeps the figures it was sent with; the audit
# event's payload says which group, date and outputs changed so monitoring
# can show the change to the officer, who decides.

WITHDRAW_REASON_MESSAGE = "Enter why the activity is being withdrawn"


def _withdrawal_payload(activity: Activity, codes: list[str]) -> dict:
    return {
        "held_on": activity.held_on.isoformat(),
        "activity_type": activity.activity_type,
        "outputs": codes,
        "financial_year": FinancialYear.containing(activity.held_on).start_year,
    }


def _withdraw(activity: Activity, *, actor, reason: str, stamp) -> list[str]:
    activity.withdrawn_at, activity.withdrawn_by, activity.withdrawal_reason = stamp, actor, reason
    save_new_version(activity, actor=actor)
    return sorted(activity.evidence.values_list("output_code", flat=True))


@transaction.atomic
def activity_withdraw(*, activity: Activity, actor, reason: str, loaded_version=None) -> Activity:
    """Withdraw an activity recorded in error, saying why: it leaves every
    list and count until an officer restores it."""
    require_perm(actor, "activities.withdraw_activity", activity)
    group = _lock_group(activity.group_id)
    current = lock_and_check_version(Activity, activity.pk, loaded_version)
    ensure_not_withdrawn(current)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": WITHDRAW_REASON_MESSAGE})
    codes = _withdraw(current, actor=actor, reason=reason, stamp=timezone.now())
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACTIVITY_WITHDRAWN,
        target=current,
        group=group,
        summary=f"Withdrew {current}: {reason}",
        payload={**_withdrawal_payload(current, codes), "reason": reason},
        changes={"withdrawn_at": (None, current.withdrawn_at)},
    )
    return current


@transaction.atomic
def activity_restore(*, activity: Activity, actor) -> Activity:
    """Put a withdrawn activity back in the lists and counts (officers).

    Refused when an identical row has been imported again since (the group
    would then have it twice).
    """
    require_perm(actor, "activities.restore_activity", activity)
    group = _lock_group(activity.group_id)
    current = lock_and_check_version(Activity, activity.pk, None)
    ensure_withdrawn(current)
    if (
        current.import_key
        and Activity.objects.filter(group=group, import_key=current.import_key, withdrawn_at__isnull=True).exists()
    ):
        raise ValidationError(
            "The same activity has been imported again since this one was withdrawn, so it cannot be restored"
        )
    withdrawn_at = current.withdrawn_at
    current.withdrawn_at, current.withdrawn_by, current.withdrawal_reason = None, None, ""
    save_new_version(current, actor=actor)
    codes = sorted(current.evidence.values_list("output_code", flat=True))
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACTIVITY_RESTORED,
        target=current,
        group=group,
        summary=f"Restored {current}",
        payload=_withdrawal_payload(current, codes),
        changes={"withdrawn_at": (withdrawn_at, None)},
    )
    return current


@transaction.atomic
def activity_import_undo(*, batch: ActivityImportBatch, actor, reason: str) -> ActivityImportBatch:
    """Undo a whole spreadsheet import: withdraw every activity it recorded
    (those still recorded), with the reason, in one transaction."""
    require_perm(actor, "activities.undo_activityimportbatch", batch)
    group = _lock_group(batch.group_id)
    current = ActivityImportBatch.objects.select_for_update().get(pk=batch.pk)
    ensure_not_undone(current)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why the import is being undone"})
    stamp = timezone.now()
    withdrawn = []
    activities = Activity.objects.select_for_update().filter(import_batch=current, withdrawn_at__isnull=True)
    for activity in activities.order_by("held_on", "pk"):
        codes = _withdraw(activity, actor=actor, reason=f"Import of {current.file_name} undone: {reason}", stamp=stamp)
        withdrawn.append({"id": activity.pk, **_withdrawal_payload(activity, codes)})
    current.undone_at, current.undone_by, current.undo_reason = stamp, actor, reason
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACTIVITY_IMPORT_UNDONE,
        target=current,
        group=group,
        summary=f"Undid the import of {current.file_name}: {len(withdrawn)} activities withdrawn. {reason}",
        payload={"file": current.file_name, "reason": reason, "withdrawn": withdrawn},
    )
    return current
