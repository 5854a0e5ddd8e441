"""Reads for the annual funding process.

Lists are scoped to the user through ``accounts.access`` and fetch what
their page shows in a fixed number of queries. Report figures (the cost
analysis, spend flags, last year's delivery) are dataclasses shared by the
pages and the exports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum, Value
from django.urls import reverse

from cpeg.accounts.access import get_for_user_or_404, is_officer, scope_group_records
from cpeg.core.audit import HistoryEntry, history_entries
from cpeg.core.audit_events import AuditEventType
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.core.models import AuditEvent
from cpeg.funding.choices import (
    BID_STATUSES,
    STAFF_CATEGORIES,
    ApplicationStatus,
    BudgetCategory,
    PaymentStatus,
    SpendReportStatus,
)
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
    SpendLine,
    SpendReport,
    WorkProgrammeItem,
)
from cpeg.funding.money import ZERO, round_money, share
from cpeg.groups.choices import StaffingModel
from cpeg.groups.models import EngagementGroup

# The annual review's threshold: "staffing represents over 75% of their
# total budget".
STAFFING_THRESHOLD = Decimal("75")
# Spend against the pro-rata budget is flagged when it is off by more than
# 10% of that category's pro-rata budget, and by more than £100 (so small
# categories do not raise flags over a few pounds).
SPEND_TOLERANCE_SHARE = Decimal("0.10")
SPEND_TOLERANCE_MINIMUM = Decimal("100.00")


# --- Rounds and applications -------------------------------------------------


def round_list() -> QuerySet:
    """Every round, newest first, with its counts of bids and awards."""
    return FundingRound.objects.annotate(
        bid_count=Count("applications", filter=Q(applications__status__in=BID_STATUSES), distinct=True),
        draft_count=Count("applications", filter=Q(applications__status=ApplicationStatus.DRAFT), distinct=True),
        award_total=Sum("awards__amount"),
    ).order_by("-financial_year")


def round_get(*, pk: int) -> FundingRound:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(FundingRound.objects.select_related("decided_by"), pk=pk)


def _with_totals(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(requested_total=Sum("budget_lines__amount"))


def round_applications(*, funding_round: FundingRound) -> list[FundingApplication]:
    """Every application in a round with its group, total and assessment."""
    return list(
        _with_totals(FundingApplication.objects.filter(funding_round=funding_round))
        .select_related("group__borough", "assessment__assessor", "assessment__moderator")
        .order_by("group__borough__name")
    )


def application_get_for(*, user, pk: int, perm: str = "funding.view_fundingapplication") -> FundingApplication:
    """One application the user may act on with ``perm``; 404 otherwise."""
    queryset = FundingApplication.objects.select_related("funding_round", "group__borough", "submitted_by")
    return get_for_user_or_404(user, queryset, perm, pk=pk)


# Before a round is decided a group sees its submitted application as
# "Submitted", whatever stage assessment has reached.
INTERNAL_STATUSES = frozenset({ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED})


def status_shown(user, application: FundingApplication) -> tuple[str, str]:
    """(status, label) of an application as ``user`` may see it: officers the
    real stage; anyone else "Submitted" until the round is decided."""
    status = application.status
    if status in INTERNAL_STATUSES and not is_officer(user) and not application.funding_round.is_decided:
        status = ApplicationStatus.SUBMITTED
    return status, ApplicationStatus(status).label


def can_see_scores(user, application: FundingApplication) -> bool:
    """Officers always; a group only once the round is decided, if it says so."""
    if is_officer(user):
        return True
    funding_round = application.funding_round
    return funding_round.is_decided and funding_round.show_scores_to_groups


@dataclass
class CategoryTotal:
    category: str
    label: str
    amount: Decimal
    lines: list


@dataclass
class ApplicationPage:
    application: FundingApplication
    categories: list[CategoryTotal]
    total: Decimal
    staffing_total: Decimal
    other_support: list
    consultations: list
    work_programme: list
    assessment: Assessment | None
    scores: list
    weighted_score: Decimal | None


def weighted_score(scores) -> Decimal | None:
    """Sum of score x weight as a percentage of the most possible, one place."""
    scores = list(scores)
    if not scores:
        return None
    got = sum(s.score * s.criterion.weight for s in scores)
    best = sum(AssessmentCriterion.MAX_SCORE * s.criterion.weight for s in scores)
    return share(got, best)


def application_page(*, application: FundingApplication, show_scores: bool) -> ApplicationPage:
    """Everything an application page shows, totals worked out from the lines."""
    lines = list(application.budget_lines.all())
    by_category = defaultdict(list)
    for line in lines:
        by_category[line.category].append(line)
    categories = [
        CategoryTotal(value, label, sum((x.amount for x in by_category[value]), ZERO), by_category[value])
        for value, label in BudgetCategory.choices
        if by_category[value]
    ]
    assessment = None
    scores = []
    if show_scores:
        assessment = Assessment.objects.filter(application=application).select_related("assessor", "moderator").first()
        if assessment:
            scores = list(assessment.scores.select_related("criterion").order_by("criterion__position"))
    return ApplicationPage(
        application=application,
        categories=categories,
        total=sum((x.amount for x in lines), ZERO),
        staffing_total=sum((x.amount for x in by_category[BudgetCategory.STAFFING]), ZERO),
        other_support=list(application.other_support.all()),
        consultations=list(application.consultations.all()),
        work_programme=list(application.work_programme.all()),
        assessment=assessment,
        scores=scores,
        weighted_score=weighted_score(scores),
    )


@dataclass
class GroupFundingPage:
    group: EngagementGroup
    open_rounds: list
    applications: list
    awards: list


def group_funding_page(*, group: EngagementGroup) -> GroupFundingPage:
    """A group's applications, the rounds it may apply to and its awards."""
    applications = list(
        _with_totals(group.funding_applications.all())
        .select_related("funding_round")
        .order_by("-funding_round__financial_year")
    )
    applied = {a.funding_round_id for a in applications}
    open_rounds = [
        r for r in FundingRound.objects.filter(status="open").order_by("-financial_year") if r.pk not in applied
    ]
    awards = list(
        group.funding_awards.select_related("funding_round")
        .prefetch_related("payments")
        .order_by("-funding_round__financial_year")
    )
    return GroupFundingPage(group=group, open_rounds=open_rounds, applications=applications, awards=awards)


# --- Change history -------------------------------------------------------------


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


# --- Last year's delivery (assessment panel) --------------------------------


@dataclass
class OutputDelivery:
    code: str
    output: str
    target: int | None
    delivered: int


@dataclass
class Delivery:
    """A group's delivery in a year, shown beside its next application."""

    year: FinancialYear
    outputs: list[OutputDelivery] = field(default_factory=list)
    returns_expected: int = 0
    returns_on_time: int | None = None
    support_needed: list[str] = field(default_factory=list)
    public_meetings: int = 0
    targeted_events: int = 0
    attendance: int = 0
    award: Decimal | None = None
    monitoring_available: bool = False

    @property
    def outputs_met(self) -> int:
        return sum(1 for o in self.outputs if o.target is not None and o.delivered >= o.target)

    @property
    def outputs_with_targets(self) -> int:
        return sum(1 for o in self.outputs if o.target is not None)


def expected_returns(group, year: FinancialYear) -> int:
    """The quarterly returns a group owed for ``year``: one for each quarter
    that ended on or after the day it was set up (as the monitoring app
    opens them), so a group set up mid-year owes fewer than four."""
    established = group.established_on
    return sum(1 for q in year.quarters if established is None or established <= q.ends_on)


def _monitoring_delivery(delivery: Delivery, group, year: FinancialYear) -> None:
    """Returns submitted on time and support asked for, from the group's
    quarterly returns for the year (two queries).

    Support counts once the return asking for it has been submitted, as on
    the monitoring dashboard: a draft's request never reached the authority.
    """
    from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

    returns = list(
        QuarterlyReturn.objects.filter(group=group, financial_year=year.start_year, archived_at__isnull=True)
    )
    submitted = [r for r in returns if r.first_submitted_at is not None]
    delivery.monitoring_available = True
    delivery.returns_expected = expected_returns(group, year)
    delivery.returns_on_time = sum(1 for r in submitted if not r.was_late)
    delivery.support_needed = [
        f"Q{quarter}, {output}: {text}"
        for quarter, output, text in ReturnLine.objects.filter(quarterly_return__in=submitted)
        .exclude(support_requested="")
        .order_by("quarterly_return__quarter", "position")
        .values_list("quarterly_return__quarter", "output", "support_requested")
    ]


def previous_year_delivery(*, group: EngagementGroup, year: FinancialYear) -> Delivery:
    """Outputs delivered against the SLA targets, returns on time and support
    needed, for ``year`` (usually the year before the round's).

    The targets are those monitoring judged the group against: its latest
    signed SLA version for the year, not a variation it has yet to sign
    (``agreements.selectors.sla_targets_for_groups``). Only counted outputs
    have a target to meet.
    """
    from cpeg.activities.choices import ActivityType
    from cpeg.activities.models import Activity
    from cpeg.activities.selectors import output_counts
    from cpeg.agreements.choices import MeasureType
    from cpeg.agreements.selectors import sla_targets_for_groups

    delivery = Delivery(year=year)
    targets = sla_targets_for_groups(group_ids=[group.pk], financial_year=year.start_year).get(group.pk, [])
    delivered = output_counts(group_ids=[group.pk], starts_on=year.starts_on, ends_on=year.ends_on)
    delivery.outputs = [
        OutputDelivery(
            t.code,
            t.output,
            t.annual_target if t.measure == MeasureType.COUNT else None,
            delivered[(group.pk, t.code)],
        )
        for t in targets
    ]
    in_year = Q(held_on__gte=year.starts_on, held_on__lte=year.ends_on)
    counts = dict(
        Activity.objects.filter(in_year, group=group).values_list("activity_type").annotate(n=Count("id")).order_by()
    )
    delivery.public_meetings = counts.get(ActivityType.PUBLIC_MEETING, 0)
    delivery.targeted_events = counts.get(ActivityType.TARGETED_EVENT, 0)
    delivery.attendance = Activity.objects.filter(in_year, group=group).aggregate(n=Sum("public_attendance"))["n"] or 0
    award = Award.objects.filter(group=group, funding_round__financial_year=year.start_year).first()
    delivery.award = award.amount if award else None
    _monitoring_delivery(delivery, group, year)
    return delivery


# --- Allocation ---------------------------------------------------------------


@dataclass
class AllocationRow:
    application: FundingApplication
    requested: Decimal
    recommended: Decimal | None
    award: Decimal | None
    weighted_score: Decimal | None
    what_if: Decimal | None = None


@dataclass
class AllocationPage:
    funding_round: FundingRound
    rows: list[AllocationRow]
    total_requested: Decimal
    total_recommended: Decimal
    total_awarded: Decimal
    remaining: Decimal
    errors: dict
    drafts: int

    @property
    def ready_to_decide(self) -> bool:
        return (
            bool(self.rows)
            and not self.errors
            and all(r.application.status == ApplicationStatus.MODERATED and r.award is not None for r in self.rows)
        )


# The columns the allocation page shows: it lists every bid in the round
# (2,000 in the benchmark), so it reads no long texts and no timestamps.
ALLOCATION_COLUMNS = (
    "pk",
    "status",
    "award_amount",
    "group__name",
    "group__borough__name",
    "assessment__recommended_amount",
    "assessment__moderated_amount",
)


def allocation_page(*, funding_round: FundingRound) -> AllocationPage:
    """Every bid's request, recommendation and award, with the running total
    against the pot and any breach of cap, floor or pot. Four queries."""
    from cpeg.funding.models import CriterionScore
    from cpeg.funding.services import check_awards

    applications = list(
        _with_totals(FundingApplication.objects.filter(funding_round=funding_round, status__in=BID_STATUSES))
        .select_related("group__borough", "assessment")
        .only(*ALLOCATION_COLUMNS)
        .order_by("group__borough__name")
    )
    # Weighted scores added up in the database: score x weight, and the
    # most the same criteria could give (5 x weight), per assessment.
    scores = {
        application_id: share(got, best)
        for application_id, got, best in CriterionScore.objects.filter(
            assessment__application__funding_round=funding_round
        )
        .values_list("assessment__application_id")
        .annotate(
            got=Sum(F("score") * F("criterion__weight")),
            best=Sum(Value(AssessmentCriterion.MAX_SCORE) * F("criterion__weight")),
        )
    }
    rows = []
    for application in applications:
        assessment = getattr(application, "assessment", None)
        rows.append(
            AllocationRow(
                application=application,
                requested=application.requested_total or ZERO,
                recommended=assessment.final_recommendation if assessment else None,
                award=application.award_amount,
                weighted_score=scores.get(application.pk) if assessment else None,
            )
        )
    awarded = sum((r.award for r in rows if r.award is not None), ZERO)
    drafts = FundingApplication.objects.filter(funding_round=funding_round, status=ApplicationStatus.DRAFT).count()
    return AllocationPage(
        funding_round=funding_round,
        rows=rows,
        total_requested=sum((r.requested for r in rows), ZERO),
        total_recommended=sum((r.recommended for r in rows if r.recommended is not None), ZERO),
        total_awarded=awarded,
        remaining=funding_round.pot_amount - awarded,
        errors=check_awards(funding_round, {r.application.pk: r.award for r in rows}),
        drafts=drafts,
    )


# --- Awards, payments and spend ------------------------------------------------


def award_get_for(*, user, pk: int, perm: str = "funding.view_fundingapplication") -> Award:
    queryset = Award.objects.select_related("funding_round", "group__borough", "application", "reconciled_by")
    return get_for_user_or_404(user, queryset, perm, pk=pk)


def round_awards(*, funding_round: FundingRound) -> list[Award]:
    """A decided round's awards with payments, for the payments page."""
    return list(
        Award.objects.filter(funding_round=funding_round)
        .select_related("group__borough")
        .prefetch_related("payments")
        .order_by("group__borough__name")
    )


def award_budget_by_category(award: Award) -> dict[str, Decimal]:
    """The awarded budget by category: the application's lines scaled to
    the award when the award differs from the request."""
    rows = dict(
        BudgetLine.objects.filter(application_id=award.application_id)
        .values_list("category")
        .annotate(total=Sum("amount"))
    )
    return _scale_budget(rows, award.amount)


def _scale_budget(rows: dict, award_amount: Decimal) -> dict[str, Decimal]:
    """Scale category totals to the award in whole pence; the pence left
    over go to the largest remainders, so the categories always add up to
    exactly the award (``whatif.share_in_proportion``)."""
    from cpeg.funding.whatif import _to_pence, _to_pounds, share_in_proportion

    requested = sum(rows.values(), ZERO)
    if requested == 0 or requested == award_amount:
        return {k: round_money(v) for k, v in rows.items()}
    shares = share_in_proportion({k: _to_pence(v) for k, v in rows.items()}, _to_pence(award_amount))
    return {k: _to_pounds(v) for k, v in shares.items()}


@dataclass
class CategoryVariance:
    category: str
    label: str
    budget_to_date: Decimal
    spent_to_date: Decimal

    @property
    def difference(self) -> Decimal:
        return self.spent_to_date - self.budget_to_date

    @property
    def tolerance(self) -> Decimal:
        return max(round_money(self.budget_to_date * SPEND_TOLERANCE_SHARE), SPEND_TOLERANCE_MINIMUM)

    @property
    def flag(self) -> str:
        if self.difference > self.tolerance:
            return "overspend"
        if -self.difference > self.tolerance:
            return "underspend"
        return ""


@dataclass
class SpendFlag:
    """How a group's spend compares with its pro-rata budget for the year so far.

    ``quarter`` is the latest quarter reported (None if none yet);
    ``overspent`` and ``underspent`` list the categories off by more than
    the tolerance (10% of the pro-rata budget, and more than £100).
    """

    group_id: int
    award_id: int
    financial_year: int
    quarter: int | None
    budget_to_date: Decimal
    spent_to_date: Decimal
    categories: list[CategoryVariance]

    @property
    def overspent(self) -> list[CategoryVariance]:
        return [c for c in self.categories if c.flag == "overspend"]

    @property
    def underspent(self) -> list[CategoryVariance]:
        return [c for c in self.categories if c.flag == "underspend"]

    @property
    def is_flagged(self) -> bool:
        return bool(self.overspent or self.underspent)

    @property
    def status(self) -> str:
        if self.quarter is None:
            return "not_reported"
        if self.overspent and self.underspent:
            return "overspend_and_underspend"
        if self.overspent:
            return "overspend"
        if self.underspent:
            return "underspend"
        return "on_track"

    @property
    def label(self) -> str:
        return {
            "not_reported": "No spend reported",
            "overspend_and_underspend": "Overspend and underspend",
            "overspend": "Overspend",
            "underspend": "Underspend",
            "on_track": "On track",
        }[self.status]

    @property
    def url(self) -> str:
        return reverse(
            "funding:spend-report",
            kwargs={"pk": self.group_id, "year": self.financial_year, "quarter": self.quarter or 1},
        )


def _variances(budget: dict, spent: dict, quarter: int) -> list[CategoryVariance]:
    fraction = Quarter(2000, quarter).elapsed_fraction
    out = []
    for value, label in BudgetCategory.choices:
        if value not in budget and value not in spent:
            continue
        out.append(
            CategoryVariance(
                category=value,
                label=label,
                budget_to_date=round_money(budget.get(value, ZERO) * fraction),
                spent_to_date=spent.get(value, ZERO),
            )
        )
    return out


def spend_flags_for(*, group_ids, financial_year: int) -> dict[int, SpendFlag]:
    """Underspend and overspend by category against the pro-rata budget, for
    the monitoring dashboard: group id -> SpendFlag. Two queries.

    Only groups with an award in ``financial_year`` appear. The pro-rata
    budget to the end of quarter N is N/4 of the awarded budget
    (``award_budget_by_category``); spend is the total reported for
    quarters 1 to N, N being the latest quarter the group has reported.
    """
    group_ids = list(group_ids)
    budget_rows = (
        BudgetLine.objects.filter(
            application__award__group_id__in=group_ids,
            application__award__funding_round__financial_year=financial_year,
        )
        .values("application__award__id", "application__award__group_id", "application__award__amount", "category")
        .annotate(total=Sum("amount"))
    )
    awards = {}
    for row in budget_rows:
        award = awards.setdefault(
            row["application__award__id"],
            {"group": row["application__award__group_id"], "amount": row["application__award__amount"], "lines": {}},
        )
        award["lines"][row["category"]] = row["total"]
    spend_rows = (
        SpendLine.objects.filter(report__award_id__in=list(awards))
        .values("report__award_id", "report__quarter", "category")
        .annotate(total=Sum("amount"))
    )
    spend = defaultdict(list)
    for row in spend_rows:
        spend[row["report__award_id"]].append(row)
    flags = {}
    for award_id, info in awards.items():
        rows = spend.get(award_id, [])
        quarter = max((r["report__quarter"] for r in rows), default=None)
        budget = _scale_budget(info["lines"], info["amount"])
        spent = defaultdict(lambda: ZERO)
        for r in rows:
            spent[r["category"]] += r["total"]
        categories = _variances(budget, spent, quarter) if quarter else []
        flags[info["group"]] = SpendFlag(
            group_id=info["group"],
            award_id=award_id,
            financial_year=financial_year,
            quarter=quarter,
            budget_to_date=sum((c.budget_to_date for c in categories), ZERO),
            spent_to_date=sum((c.spent_to_date for c in categories), ZERO),
            categories=categories,
        )
    return flags


@dataclass
class SpendPosition:
    award: Award
    quarter: int
    report: SpendReport | None
    budget: dict
    this_quarter: dict
    variances: list[CategoryVariance]


def spend_position(*, award: Award, quarter: int) -> SpendPosition:
    """One quarter's spend report with the year's budget and spend to date."""
    reports = list(
        SpendReport.objects.filter(award=award, quarter__lte=quarter).prefetch_related("lines").order_by("quarter")
    )
    report = next((r for r in reports if r.quarter == quarter), None)
    to_date = defaultdict(lambda: ZERO)
    for r in reports:
        for line in r.lines.all():
            to_date[line.category] += line.amount
    budget = award_budget_by_category(award)
    this_quarter = {line.category: line.amount for line in report.lines.all()} if report else {}
    return SpendPosition(
        award=award,
        quarter=quarter,
        report=report,
        budget=budget,
        this_quarter=this_quarter,
        variances=_variances(budget, to_date, quarter),
    )


def payments_total(award: Award) -> tuple[Decimal, Decimal]:
    """(paid, scheduled) for an award whose payments are prefetched."""
    payments = list(award.payments.all())
    paid = sum((p.amount for p in payments if p.status == PaymentStatus.PAID), ZERO)
    return paid, sum((p.amount for p in payments), ZERO) - paid


@dataclass
class ReconciliationFigures:
    """The end-of-year reconciliation as worked out from the records."""

    paid: Decimal
    spent: Decimal
    spent_by_quarter: dict  # quarter number -> Decimal (reported quarters only)
    draft_quarters: list[int]

    @property
    def calculated_return(self) -> Decimal:
        return max(ZERO, self.paid - self.spent)

    @property
    def unreported_quarters(self) -> list[int]:
        return [n for n in (1, 2, 3, 4) if n not in self.spent_by_quarter]


def reconciliation_figures(*, award: Award) -> ReconciliationFigures:
    """Paid (the paid instalments), spent (every spend report's lines, by
    quarter) and any draft spend reports, for an award. Three queries."""
    # SQLite sums decimals as floating point: round back to pence.
    paid = round_money(award.payments.filter(status=PaymentStatus.PAID).aggregate(total=Sum("amount"))["total"] or 0)
    spent_by_quarter = {
        quarter: round_money(total or 0)
        for quarter, total in SpendReport.objects.filter(award=award)
        .values_list("quarter")
        .annotate(total=Sum("lines__amount"))
        .order_by("quarter")
    }
    drafts = list(
        SpendReport.objects.filter(award=award, status=SpendReportStatus.DRAFT)
        .order_by("quarter")
        .values_list("quarter", flat=True)
    )
    return ReconciliationFigures(
        paid=paid,
        spent=sum(spent_by_quarter.values(), ZERO),
        spent_by_quarter=spent_by_quarter,
        draft_quarters=drafts,
    )


def payment_get_for(*, user, pk: int) -> Payment:
    return get_for_user_or_404(user, Payment.objects.select_related("award__group"), "funding.manage_payments", pk=pk)


# --- Cost analysis -----------------------------------------------------------


@dataclass
class GroupCost:
    group: EngagementGroup
    award_id: int
    awarded: Decimal
    budget_total: Decimal
    staffing: Decimal
    staff_office: Decimal
    public_meetings: int
    targeted_events: int
    attendees: int

    @property
    def staffing_share(self) -> Decimal | None:
        return share(self.staffing, self.budget_total)

    @property
    def staff_and_office_share(self) -> Decimal | None:
        return share(self.staffing + self.staff_office, self.budget_total)

    @property
    def over_threshold(self) -> bool:
        return self.staffing_share is not None and self.staffing_share > STAFFING_THRESHOLD

    @property
    def cost_per_public_meeting(self) -> Decimal | None:
        return round_money(self.awarded / self.public_meetings) if self.public_meetings else None

    @property
    def cost_per_targeted_event(self) -> Decimal | None:
        return round_money(self.awarded / self.targeted_events) if self.targeted_events else None

    @property
    def cost_per_attendee(self) -> Decimal | None:
        return round_money(self.awarded / self.attendees) if self.attendees else None


@dataclass
class CostSummary:
    """The annual review's figures for a set of groups."""

    label: str
    groups: list[GroupCost]
    model: str = ""  # the staffing model's value; "" for all groups

    @property
    def count(self) -> int:
        return len(self.groups)

    @property
    def budget_total(self) -> Decimal:
        return sum((g.budget_total for g in self.groups), ZERO)

    @property
    def awarded(self) -> Decimal:
        return sum((g.awarded for g in self.groups), ZERO)

    @property
    def staffing(self) -> Decimal:
        return sum((g.staffing for g in self.groups), ZERO)

    @property
    def staff_office(self) -> Decimal:
        return sum((g.staff_office for g in self.groups), ZERO)

    @property
    def staffing_share(self) -> Decimal | None:
        return share(self.staffing, self.budget_total)

    @property
    def staff_and_office_share(self) -> Decimal | None:
        return share(self.staffing + self.staff_office, self.budget_total)

    @property
    def lowest_share(self) -> Decimal | None:
        shares = [g.staffing_share for g in self.groups if g.staffing_share is not None]
        return min(shares) if shares else None

    @property
    def highest_share(self) -> Decimal | None:
        shares = [g.staffing_share for g in self.groups if g.staffing_share is not None]
        return max(shares) if shares else None

    @property
    def over_threshold(self) -> int:
        return sum(1 for g in self.groups if g.over_threshold)

    @property
    def public_meetings(self) -> int:
        return sum(g.public_meetings for g in self.groups)

    @property
    def targeted_events(self) -> int:
        return sum(g.targeted_events for g in self.groups)

    @property
    def attendees(self) -> int:
        return sum(g.attendees for g in self.groups)

    @property
    def cost_per_public_meeting(self) -> Decimal | None:
        return round_money(self.awarded / self.public_meetings) if self.public_meetings else None

    @property
    def cost_per_targeted_event(self) -> Decimal | None:
        return round_money(self.awarded / self.targeted_events) if self.targeted_events else None

    @property
    def cost_per_attendee(self) -> Decimal | None:
        return round_money(self.awarded / self.attendees) if self.attendees else None


@dataclass
class CostAnalysis:
    year: FinancialYear
    overall: CostSummary
    by_model: list[CostSummary]

    @property
    def groups(self) -> list[GroupCost]:
        return self.overall.groups


def cost_analysis_years() -> list[FinancialYear]:
    """Years with awards, newest first."""
    years = Award.objects.values_list("funding_round__financial_year", flat=True).distinct()
    return [FinancialYear(y) for y in sorted(set(years), reverse=True)]


def cost_analysis(*, year: FinancialYear) -> CostAnalysis:
    """The share of each group's awarded budget spent on staffing (and on
    staffing plus staff office costs), the range, the count above 75%, the
    same by staffing model, and the cost per public meeting, targeted event
    and attendee. Three queries, whatever the number of groups.

    Shares are of the budget lines of the application that won the award;
    costs per meeting, event and attendee divide the award by the activity
    record's counts for the year. Groups are put under their current
    staffing model.
    """
    from cpeg.activities.choices import ActivityType
    from cpeg.activities.models import Activity

    awards = list(
        Award.objects.filter(funding_round__financial_year=year.start_year)
        .select_related("group__borough")
        .order_by("group__borough__name")
    )
    lines = defaultdict(dict)
    for row in (
        BudgetLine.objects.filter(application__award__in=[a.pk for a in awards])
        .values_list("application__award__id", "category")
        .annotate(total=Sum("amount"))
    ):
        lines[row[0]][row[1]] = row[2]
    activity = defaultdict(lambda: {"meetings": 0, "events": 0, "people": 0})
    for group_id, activity_type, n, people in (
        Activity.objects.filter(
            group_id__in=[a.group_id for a in awards], held_on__gte=year.starts_on, held_on__lte=year.ends_on
        )
        .values_list("group_id", "activity_type")
        .annotate(n=Count("id"), people=Sum("public_attendance"))
    ):
        if activity_type == ActivityType.PUBLIC_MEETING:
            activity[group_id]["meetings"] += n
        elif activity_type == ActivityType.TARGETED_EVENT:
            activity[group_id]["events"] += n
        activity[group_id]["people"] += people or 0
    groups = []
    for award in awards:
        budget = lines.get(award.pk, {})
        counts = activity[award.group_id]
        groups.append(
            GroupCost(
                group=award.group,
                award_id=award.pk,
                awarded=award.amount,
                budget_total=sum(budget.values(), ZERO),
                staffing=budget.get(BudgetCategory.STAFFING, ZERO),
                staff_office=budget.get(BudgetCategory.STAFF_OFFICE, ZERO),
                public_meetings=counts["meetings"],
                targeted_events=counts["events"],
                attendees=counts["people"],
            )
        )
    by_model = []
    for value, label in StaffingModel.choices:
        members = [g for g in groups if g.group.staffing_model == value]
        if members:
            by_model.append(CostSummary(label=label, groups=members, model=value))
    return CostAnalysis(year=year, overall=CostSummary(label="All groups", groups=groups), by_model=by_model)


def budget_lines_for(*, group: EngagementGroup, year: FinancialYear, categories=None) -> list[BudgetLine]:
    """The awarded budget lines behind a group's cost figures for a year."""
    queryset = BudgetLine.objects.filter(
        application__group=group, application__award__funding_round__financial_year=year.start_year
    ).select_related("application")
    if categories:
        queryset = queryset.filter(category__in=categories)
    return list(queryset.order_by("category", "pk"))


STAFF_CATEGORY_VALUES = sorted(c.value for c in STAFF_CATEGORIES)


def cost_groups_visible(*, user, analysis: CostAnalysis) -> list[GroupCost]:
    """The per-group rows ``user`` may see: officers every group, a link
    member only the groups in their boroughs (the London-wide figures stay
    visible to them)."""
    if is_officer(user):
        return list(analysis.groups)
    return [g for g in analysis.groups if user.has_perm("funding.view_fundingapplication", g.group)]


# A staffing model's figures are withheld from someone who cannot see every
# group under it when it has fewer groups than this: with one or two groups
# the "averages" are a group's own budget (small-number suppression, as in
# official statistics).
SMALL_GROUP_COUNT = 3


def cost_models_withheld(*, user, analysis: CostAnalysis, visible: list[GroupCost]) -> set[str]:
    """The staffing models whose figures ``user`` may not see: those with
    fewer than SMALL_GROUP_COUNT groups, some of them outside the groups
    ``user`` may see. Officers see every model."""
    if is_officer(user):
        return set()
    seen = {g.group.pk for g in visible}
    return {
        m.model
        for m in analysis.by_model
        if m.count < SMALL_GROUP_COUNT and any(g.group.pk not in seen for g in m.groups)
    }


@dataclass
class CostLinesAcross:
    """The budget lines behind a cost-analysis figure for every group (that
    the user may see) in a year, optionally one staffing model and some
    categories, with each group's figures."""

    year: FinancialYear
    categories: list[str]
    model: str
    groups: list[GroupCost]
    lines: list[BudgetLine]
    hidden_groups: int

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    @property
    def category_labels(self) -> list[str]:
        return [BudgetCategory(c).label for c in self.categories]

    @property
    def model_label(self) -> str:
        return StaffingModel(self.model).label if self.model else ""


def cost_lines_across_groups(*, user, year: FinancialYear, categories=(), model: str = "") -> CostLinesAcross:
    """The awarded budget lines of a year across groups, scoped to the user,
    filtered by category and staffing model. Four queries."""
    categories = [c for c in categories if c in BudgetCategory.values]
    model = model if model in StaffingModel.values else ""
    analysis = cost_analysis(year=year)
    in_model = [g for g in analysis.groups if not model or g.group.staffing_model == model]
    visible = [
        g for g in cost_groups_visible(user=user, analysis=analysis) if not model or g.group.staffing_model == model
    ]
    queryset = BudgetLine.objects.filter(application__award__funding_round__financial_year=year.start_year)
    queryset = scope_group_records(user, queryset, group_field="application__group")
    if categories:
        queryset = queryset.filter(category__in=categories)
    if model:
        queryset = queryset.filter(application__group__staffing_model=model)
    lines = list(
        queryset.select_related("application__group__borough").order_by(
            "application__group__borough__name", "category", "pk"
        )
    )
    return CostLinesAcross(
        year=year,
        categories=categories,
        model=model,
        groups=visible,
        lines=lines,
        hidden_groups=len(in_model) - len(visible),
    )


def scope_awards(user, queryset: QuerySet) -> QuerySet:
    return scope_group_records(user, queryset)
