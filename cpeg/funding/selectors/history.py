"""Reads for a funding record's past: its business events (``AuditEvent``)
and every field-level change (simple-history), newest first.

Before a group may see its scores (``workflow.can_see_scores``) its
application's history hides them too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from cpeg.core.audit import HistoryEntry, history_entries
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent
from cpeg.funding.choices import ApplicationStatus
from cpeg.funding.models import (
    Assessment,
    AssessmentCriterion,
    Award,
    BudgetLine,
    FundingApplication,
    FundingRound,
    LocalConsultation,
    OtherSupport,
    Payment,
    SpendReport,
    WorkProgrammeItem,
)
from cpeg.funding.workflow import INTERNAL_STATUSES


@dataclass
class RecordHistory:
    """What a funding record's page shows of its past: the business events
    (who did what, when: ``AuditEvent``) and every field-level change
    (simple-history), newest first."""

    events: list[AuditEvent]
    changes: list[HistoryEntry]


def _about(model: str, ids, **extra) -> Q:
    """AuditEvents whose target is one of ``ids`` (a list or a subquery) of
    the funding model named ``model``."""
    return Q(target_type__app_label="funding", target_type__model=model, target_id__in=ids, **extra)


def _events(condition: Q, *, hidden=()) -> list[AuditEvent]:
    """The events matching ``condition``, newest first, with their actors (one query)."""
    return list(
        AuditEvent.objects.filter(condition)
        .exclude(event_type__in=hidden)
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def round_history(*, funding_round: FundingRound, limit: int = 200) -> RecordHistory:
    """A round's events (set up, changed, criteria, awards saved, decided)
    and every change to it and its criteria. Three queries."""
    criteria = AssessmentCriterion.history.filter(funding_round_id=funding_round.pk)
    return RecordHistory(
        events=_events(
            _about("fundinground", [funding_round.pk]) | _about("assessmentcriterion", criteria.values("id"))
        ),
        changes=history_entries(
            ("Round", FundingRound.history.filter(id=funding_round.pk)),
            ("Criterion", criteria),
            limit=limit,
        ),
    )


# Before a group may see its scores (``can_see_scores``) its application's
# history must not show them either: no assessment or moderation events,
# no assessment record, no award amounts the manager tried before deciding,
# and the internal stages read "Submitted", as the status does.
ASSESSMENT_EVENTS = frozenset(
    {AuditEventType.FUNDING_APPLICATION_ASSESSED, AuditEventType.FUNDING_APPLICATION_MODERATED}
)


def _label(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name).capitalize()


def _without_assessment(entries: list[HistoryEntry]) -> list[HistoryEntry]:
    """An application's history entries as a group sees them before it may see its scores."""
    status, award = _label(FundingApplication, "status"), _label(FundingApplication, "award_amount")
    internal = {ApplicationStatus(s).label for s in INTERNAL_STATUSES}
    submitted = ApplicationStatus.SUBMITTED.label
    shown = []
    for entry in entries:
        if not entry.changes:
            shown.append(entry)
            continue
        changes = []
        for label, old, new in entry.changes:
            if label == award:
                continue
            if label == status:
                old = submitted if old in internal else old
                new = submitted if new in internal else new
                if old == new:
                    continue
            changes.append((label, old, new))
        if changes:
            entry.changes = changes
            shown.append(entry)
    return shown


def application_history(*, application: FundingApplication, show_scores: bool, limit: int = 200) -> RecordHistory:
    """An application's events and every change to it, its work programme,
    budget, other support, local consultation and (with ``show_scores``)
    its assessment. Seven queries, whatever the number of changes."""
    pk = application.pk
    lines = BudgetLine.history.filter(application_id=pk)
    support = OtherSupport.history.filter(application_id=pk)
    condition = (
        _about("fundingapplication", [pk])
        | _about("budgetline", lines.values("id"))
        | _about("othersupport", support.values("id"))
        | _about(
            "award",
            Award.objects.filter(application_id=pk).values("pk"),
            event_type=AuditEventType.FUNDING_AWARD_DECIDED,
        )
    )
    own = history_entries(
        ("Application", FundingApplication.history.filter(id=pk).select_related("group", "funding_round")),
        limit=limit,
    )
    sources = [
        ("Work programme", WorkProgrammeItem.history.filter(application_id=pk)),
        ("Budget line", lines),
        ("Other support", support),
        ("Local consultation", LocalConsultation.history.filter(application_id=pk)),
    ]
    if show_scores:
        sources.append(
            (
                "",
                Assessment.history.filter(application_id=pk).select_related(
                    "application__group", "application__funding_round"
                ),
            )
        )
    else:
        own = _without_assessment(own)
    changes = sorted(own + history_entries(*sources, limit=limit), key=lambda entry: entry.when, reverse=True)
    return RecordHistory(
        events=_events(condition, hidden=() if show_scores else ASSESSMENT_EVENTS),
        changes=changes[:limit],
    )


def award_history(*, award: Award, limit: int = 200) -> RecordHistory:
    """An award's events and every change to it (the reconciliation), its
    payments (scheduled, paid, by whom) and its spend reports. Four queries."""
    payments = Payment.history.filter(award_id=award.pk)
    reports = SpendReport.history.filter(award_id=award.pk)
    return RecordHistory(
        events=_events(
            _about("award", [award.pk])
            | _about("payment", payments.values("id"))
            | _about("spendreport", reports.values("id"))
        ),
        changes=history_entries(
            ("Award", Award.history.filter(id=award.pk).select_related("group", "funding_round")),
            ("Payment", payments),
            ("Spend report", reports.select_related("group")),
            limit=limit,
        ),
    )
