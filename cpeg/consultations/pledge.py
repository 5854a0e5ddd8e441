"""The Policing Pledge and public confidence at the groups' public meetings.

On one of its public meetings (an activity of the group) the group records
whether the borough commander reported performance figures and public
confidence figures, and the topics the public raised (``PledgeReport``,
one-to-one with the meeting; the activities app's models are untouched).
The counts per group and financial year (``pledge_counts``) are exact and
each links to the list of the meetings behind it (``SHOW``: the one filter
both use).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from cpeg.accounts.access import require_perm, scope_groups
from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity
from cpeg.consultations.models import PledgeReport
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup

# The meetings a borough commander reports to the public at.
PLEDGE_MEETING_TYPES = frozenset({ActivityType.PUBLIC_MEETING, ActivityType.FACE_THE_PEOPLE})
PLEDGE_FIELDS = ("performance_reported", "confidence_reported", "topics")

# What each count counts, and the same filter for the list behind it.
SHOW = {
    "recorded": Q(),
    "performance": Q(performance_reported=True),
    "confidence": Q(confidence_reported=True),
    "either": Q(performance_reported=True) | Q(confidence_reported=True),
    "neither": Q(performance_reported=False, confidence_reported=False),
}
SHOW_LABELS = {
    "recorded": "Public meetings with a report recorded",
    "performance": "Performance figures reported",
    "confidence": "Public confidence figures reported",
    "either": "Performance or confidence figures reported",
    "neither": "Neither reported",
}


def is_pledge_meeting(activity) -> bool:
    """A meeting a Policing Pledge report can be recorded on: one of the
    group's public meetings, held (not planned), not withdrawn."""
    return activity.activity_type in PLEDGE_MEETING_TYPES and not activity.is_withdrawn


def pledge_rule_errors(*, activity, values: dict, today: dt.date) -> dict[str, str]:
    """Every broken rule for a report, as {field: message}."""
    errors = {}
    if not is_pledge_meeting(activity):
        errors["__all__"] = (
            "A Policing Pledge report can only be recorded on a public meeting that has not been withdrawn"
        )
    elif activity.held_on > today:
        errors["__all__"] = "Record what was reported once the meeting has been held"
    for name, message in (
        ("performance_reported", "Select whether the borough commander reported performance figures"),
        ("confidence_reported", "Select whether the borough commander reported public confidence figures"),
    ):
        if values.get(name) not in (True, False):
            errors[name] = message
    return errors


@transaction.atomic
def pledge_report_save(*, activity: Activity, actor, data: dict, today: dt.date, loaded_version=None) -> PledgeReport:
    """Record (or change) what the borough commander reported at a public meeting."""
    require_perm(actor, "consultations.change_pledgereport", activity)
    activity = Activity.objects.select_for_update().select_related("group").get(pk=activity.pk)
    errors = pledge_rule_errors(activity=activity, values=data, today=today)
    if errors:
        raise ValidationError(errors)
    values = {name: data.get(name) for name in PLEDGE_FIELDS}
    values["topics"] = (values["topics"] or "").strip()
    existing = PledgeReport.objects.filter(activity=activity).first()
    if existing is None:
        report = PledgeReport(activity=activity, group=activity.group, created_by=actor, updated_by=actor, **values)
        report.full_clean()
        report.save()
        audit_record(
            actor=actor,
            event_type=AuditEventType.PLEDGE_REPORT_SAVED,
            target=report,
            group=activity.group,
            summary=f"Recorded the Policing Pledge report at {activity.title}",
        )
        return report
    report = lock_and_check_version(PledgeReport, existing.pk, loaded_version)
    changes = apply_changes(report, values, PLEDGE_FIELDS)
    if changes:
        save_new_version(report, actor=actor)
        audit_record(
            actor=actor,
            event_type=AuditEventType.PLEDGE_REPORT_SAVED,
            target=report,
            group=activity.group,
            summary=changes_summary(PledgeReport, list(changes), of=f"the Policing Pledge report at {activity.title}"),
            changes=changes,
        )
    return report


# --- Reads -------------------------------------------------------------------


def pledge_report_for(activity) -> PledgeReport | None:
    return PledgeReport.objects.filter(activity=activity).first()


def _in_year(year: FinancialYear) -> Q:
    return Q(
        activity__held_on__gte=year.starts_on,
        activity__held_on__lte=year.ends_on,
        activity__withdrawn_at__isnull=True,
    )


@dataclass(frozen=True)
class PledgeCounts:
    """One group's counts for a year; each is the length of its list."""

    recorded: int = 0
    performance: int = 0
    confidence: int = 0
    either: int = 0
    neither: int = 0


def pledge_counts(*, group_ids, year: FinancialYear) -> dict[int, PledgeCounts]:
    """Per group, the year's public meetings with a report, and those where
    performance, confidence, either or neither figures were reported. One
    aggregate query; meetings withdrawn are not counted."""
    rows = (
        PledgeReport.objects.filter(_in_year(year), group_id__in=list(group_ids))
        .order_by()
        .values("group_id")
        .annotate(**{key: Count("id", filter=condition) for key, condition in SHOW.items()})
    )
    return {row.pop("group_id"): PledgeCounts(**row) for row in rows}


def pledge_reports(*, group, year: FinancialYear, show: str = "recorded") -> QuerySet:
    """The group's reports behind one of its counts for the year."""
    return (
        PledgeReport.objects.filter(_in_year(year), group=group)
        .filter(SHOW.get(show, SHOW["recorded"]))
        .select_related("activity")
        .order_by("-activity__held_on", "-id")
    )


@dataclass
class PledgeRow:
    group: EngagementGroup
    counts: PledgeCounts


def pledge_summary(*, user, year: FinancialYear) -> tuple[list[PledgeRow], PledgeCounts]:
    """Every group the user may read with its counts for the year, and the
    London totals (sums of the exact counts). Two queries."""
    groups = list(
        scope_groups(user, EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED))
        .select_related("borough")
        .order_by("name")
    )
    counts = pledge_counts(group_ids=[g.pk for g in groups], year=year)
    rows = [PledgeRow(g, counts.get(g.pk, PledgeCounts())) for g in groups]
    totals = PledgeCounts(**{key: sum(getattr(r.counts, key) for r in rows) for key in SHOW})
    return rows, totals


def pledge_evidence(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[int, list[PledgeReport]]:
    """Per group, the reports at meetings held in the period where the
    commander reported performance or confidence figures: what evidences
    the "Policing Pledge/Confidence" output on a return. One query."""
    found: dict[int, list[PledgeReport]] = {}
    for report in (
        PledgeReport.objects.filter(
            SHOW["either"],
            group_id__in=list(group_ids),
            activity__held_on__gte=starts_on,
            activity__held_on__lte=ends_on,
            activity__withdrawn_at__isnull=True,
        )
        .select_related("activity")
        .order_by("activity__held_on", "id")
    ):
        found.setdefault(report.group_id, []).append(report)
    return found
