"""Writes for independent custody visiting: visit reports and the issues they raise."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import custody_visitor_records_of, is_officer, require_perm
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.scrutiny.models import CustodyPanel, CustodyVisit

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
