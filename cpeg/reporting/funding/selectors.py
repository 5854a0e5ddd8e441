"""Funding figures that read other apps: last year's delivery at
assessment and the annual review's cost analysis.

Last year's delivery sets a group's awarded budget beside what it did: its
SLA targets (agreements), activities (activities) and quarterly returns
(monitoring, through ``monitoring.selectors`` only). The cost analysis
divides each award by the activity record's counts. Both are dataclasses
the pages (and the funding assessment page, the one view outside this app
that imports them) share. Who sees which group's figures comes from
``accounts.access`` (``funding.view_every_group_cost`` and the group
permissions), never from a role test here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from cpeg.accounts.access import scope_group_records
from cpeg.activities.choices import ActivityType
from cpeg.activities.selectors import activity_totals, output_counts
from cpeg.agreements.choices import MeasureType
from cpeg.agreements.selectors import sla_targets_for_groups
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.choices import BudgetCategory
from cpeg.funding.models import Award, BudgetLine
from cpeg.funding.money import ZERO, round_money, share
from cpeg.funding.selectors import scale_budget
from cpeg.groups.choices import StaffingModel
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring.selectors import returns_record

# The annual review's threshold: "staffing represents over 75% of their
# total budget".
STAFFING_THRESHOLD = Decimal("75")


def _held_by(year: FinancialYear, today: dt.date | None) -> tuple[dt.date, bool]:
    """The last day whose activities count as delivered in ``year``, and
    whether that is short of the year's end (a part year: "to date").

    Only activities that have happened are delivery: a meeting planned
    for next month is not. (``activities.selectors.output_counts`` gains a
    ``held_by`` argument in work not yet landed; until then the range is
    cut at today here.)
    """
    today = today or timezone.localdate()
    return min(year.ends_on, today), today < year.ends_on


def exact_share(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole``, unrounded: what a threshold is
    judged on (75.04% is over 75%; 74.975% is not, though both show 75.0%)."""
    if not whole:
        return None
    return Decimal(part or 0) * 100 / whole


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
    to_date: bool = False  # the year has not ended: figures so far

    @property
    def outputs_met(self) -> int:
        return sum(1 for o in self.outputs if o.target is not None and o.delivered >= o.target)

    @property
    def outputs_with_targets(self) -> int:
        return sum(1 for o in self.outputs if o.target is not None)


def previous_year_delivery(*, group: EngagementGroup, year: FinancialYear, today: dt.date | None = None) -> Delivery:
    """Outputs delivered against the SLA targets, returns on time and support
    needed, for ``year`` (usually the year before the round's).

    The targets are those monitoring judged the group against: its latest
    signed SLA version for the year, not a variation it has yet to sign
    (``agreements.selectors.sla_targets_for_groups``). Only counted outputs
    have a target to meet. Returns owed, on time and the support asked for
    are monitoring's own figures (``monitoring.selectors.returns_record``),
    owed only for quarters that have ended. Only activities held on or
    before ``today`` count; in a year not yet over the figures are "to date".
    """
    held_by, to_date = _held_by(year, today)
    delivery = Delivery(year=year, to_date=to_date)
    targets = sla_targets_for_groups(group_ids=[group.pk], financial_year=year.start_year).get(group.pk, [])
    delivered = output_counts(group_ids=[group.pk], starts_on=year.starts_on, ends_on=held_by)
    delivery.outputs = [
        OutputDelivery(
            t.code,
            t.output,
            t.annual_target if t.measure == MeasureType.COUNT else None,
            delivered[(group.pk, t.code)],
        )
        for t in targets
    ]
    # Counted as the activity lists count them: never a withdrawn activity.
    held = activity_totals(group_ids=[group.pk], starts_on=year.starts_on, ends_on=year.ends_on, held_by=held_by)
    delivery.public_meetings = held[group.pk].count(ActivityType.PUBLIC_MEETING)
    delivery.targeted_events = held[group.pk].count(ActivityType.TARGETED_EVENT)
    delivery.attendance = held[group.pk].public_attendance
    award = Award.objects.filter(group=group, funding_round__financial_year=year.start_year).first()
    delivery.award = award.amount if award else None
    record = returns_record(group=group, year=year, today=today)
    delivery.monitoring_available = True
    delivery.returns_expected = record.owed
    delivery.returns_on_time = record.on_time
    delivery.support_needed = record.support_needed
    return delivery


# --- Cost analysis -----------------------------------------------------------


class _CostFigures:
    """The review's ratios, for one group or a set: staffing shares of what
    was awarded (each budget scaled to its award), and the award divided by
    meetings, events and attendees."""

    budget_total: Decimal
    awarded: Decimal
    staffing: Decimal
    staff_office: Decimal
    awarded_staffing: Decimal
    awarded_staff_office: Decimal
    public_meetings: int
    targeted_events: int
    attendees: int

    @property
    def staffing_share(self) -> Decimal | None:
        return share(self.awarded_staffing, self.awarded)

    @property
    def staff_and_office_share(self) -> Decimal | None:
        return share(self.awarded_staffing + self.awarded_staff_office, self.awarded)

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
class GroupCost(_CostFigures):
    group: EngagementGroup
    award_id: int
    awarded: Decimal
    budget_total: Decimal
    staffing: Decimal
    staff_office: Decimal
    awarded_staffing: Decimal
    awarded_staff_office: Decimal
    public_meetings: int
    targeted_events: int
    attendees: int

    @property
    def over_threshold(self) -> bool:
        """Over 75% on the exact share, not the one rounded for display."""
        exact = exact_share(self.awarded_staffing, self.awarded)
        return exact is not None and exact > STAFFING_THRESHOLD

    @property
    def over_but_shown_at_threshold(self) -> bool:
        """Over 75%, though the share shows as 75.0%: the page says so."""
        return self.over_threshold and self.staffing_share == STAFFING_THRESHOLD


@dataclass
class CostSummary(_CostFigures):
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
    def awarded_staffing(self) -> Decimal:
        return sum((g.awarded_staffing for g in self.groups), ZERO)

    @property
    def awarded_staff_office(self) -> Decimal:
        return sum((g.awarded_staff_office for g in self.groups), ZERO)

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


@dataclass
class CostAnalysis:
    year: FinancialYear
    overall: CostSummary
    by_model: list[CostSummary]
    to_date: bool = False  # the year has not ended: activities so far
    held_by: dt.date | None = None  # the last day whose activities count

    @property
    def groups(self) -> list[GroupCost]:
        return self.overall.groups


def cost_analysis_years() -> list[FinancialYear]:
    """Years with awards, newest first."""
    years = Award.objects.values_list("funding_round__financial_year", flat=True).distinct()
    return [FinancialYear(y) for y in sorted(set(years), reverse=True)]


def cost_analysis(*, year: FinancialYear, today: dt.date | None = None) -> CostAnalysis:
    """The share of each group's awarded budget spent on staffing (and on
    staffing plus staff office costs), the range, the count above 75%, the
    same by staffing model, and the cost per public meeting, targeted event
    and attendee. Three queries, whatever the number of groups.

    Shares are of what was awarded: the budget lines of the application
    that won the award, scaled to the award (as spend monitoring does;
    ``funding.selectors.scale_budget``). "Over 75%" is judged on the exact
    share. Costs per meeting, event and attendee divide the award by the
    activities held in the year up to ``today`` (planned ones are not
    delivery; a year not yet over is "to date"), counted as the activity
    lists count them (``activity_totals``: a withdrawn activity never
    counts). Groups are put under
    their current staffing model.
    """
    held_by, to_date = _held_by(year, today)
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
    # The activities held, as the activity lists and the review's collective
    # delivery count them (``activities.selectors.activity_totals``): never a
    # withdrawn one, nothing planned after ``held_by``.
    activity = activity_totals(
        group_ids=[a.group_id for a in awards], starts_on=year.starts_on, ends_on=year.ends_on, held_by=held_by
    )
    groups = []
    for award in awards:
        budget = lines.get(award.pk, {})
        scaled = scale_budget(budget, award.amount)
        counts = activity[award.group_id]
        groups.append(
            GroupCost(
                group=award.group,
                award_id=award.pk,
                awarded=award.amount,
                budget_total=sum(budget.values(), ZERO),
                staffing=budget.get(BudgetCategory.STAFFING, ZERO),
                staff_office=budget.get(BudgetCategory.STAFF_OFFICE, ZERO),
                awarded_staffing=scaled.get(BudgetCategory.STAFFING, ZERO),
                awarded_staff_office=scaled.get(BudgetCategory.STAFF_OFFICE, ZERO),
                public_meetings=counts.count(ActivityType.PUBLIC_MEETING),
                targeted_events=counts.count(ActivityType.TARGETED_EVENT),
                attendees=counts.public_attendance,
            )
        )
    by_model = []
    for value, label in StaffingModel.choices:
        members = [g for g in groups if g.group.staffing_model == value]
        if members:
            by_model.append(CostSummary(label=label, groups=members, model=value))
    return CostAnalysis(
        year=year,
        overall=CostSummary(label="All groups", groups=groups),
        by_model=by_model,
        to_date=to_date,
        held_by=held_by,
    )


def budget_lines_for(*, group: EngagementGroup, year: FinancialYear, categories=None) -> list[BudgetLine]:
    """The awarded budget lines behind a group's cost figures for a year."""
    queryset = BudgetLine.objects.filter(
        application__group=group, application__award__funding_round__financial_year=year.start_year
    ).select_related("application")
    if categories:
        queryset = queryset.filter(category__in=categories)
    return list(queryset.order_by("category", "pk"))


def cost_groups_visible(*, user, analysis: CostAnalysis) -> list[GroupCost]:
    """The per-group rows ``user`` may see: officers every group, a link
    member only the groups in their boroughs (the London-wide figures stay
    visible to them)."""
    if user.has_perm("funding.view_every_group_cost"):
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
    if user.has_perm("funding.view_every_group_cost"):
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
