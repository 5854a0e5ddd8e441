"""Reads for awards, payments, spend and the end-of-year reconciliation.

The awarded budget is the winning application's lines scaled to the award
(in whole pence, always adding up to it); spend is compared with its
pro-rata share to date. ``spend_flags_for`` and ``spend_position`` are the
figures the monitoring dashboard and scorecard show (through ``reporting``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from cpeg.accounts.access import get_for_user_or_404
from cpeg.core.fiscal import Quarter
from cpeg.funding.choices import BudgetCategory, PaymentStatus, SpendReportStatus
from cpeg.funding.models import Award, BudgetLine, FundingRound, Payment, SpendLine, SpendReport
from cpeg.funding.money import ZERO, round_money, share_in_proportion, to_pence, to_pounds

# Spend against the pro-rata budget is flagged when it is off by more than
# 10% of that category's pro-rata budget, and by more than £100 (so small
# categories do not raise flags over a few pounds).
SPEND_TOLERANCE_SHARE = Decimal("0.10")
SPEND_TOLERANCE_MINIMUM = Decimal("100.00")


def award_get_for(*, user, pk: int, perm: str = "funding.view_fundingapplication") -> Award:
    """One award the user may act on with ``perm``; 404 otherwise."""
    queryset = Award.objects.select_related("funding_round", "group__borough", "application", "reconciled_by")
    return get_for_user_or_404(user, queryset, perm, pk=pk)


def round_awards(*, funding_round: FundingRound) -> list[Award]:
    """A decided round's awards, each with what has been paid added up in
    the database (``paid_total``), for the payments page. (Prefetching every
    payment built 8,000 instances for 2,000 awards.)"""
    return list(round_awards_queryset(funding_round=funding_round))


def round_awards_queryset(*, funding_round: FundingRound) -> QuerySet:
    """``round_awards`` as a queryset, for the payments page to read a page
    of awards at a time (2,000 award instances took a second to build)."""
    return (
        Award.objects.filter(funding_round=funding_round)
        .select_related("group__borough")
        .annotate(paid_total=Sum("payments__amount", filter=Q(payments__status=PaymentStatus.PAID)))
        .order_by("group__borough__name", "pk")
    )


def round_payment_totals(*, funding_round: FundingRound) -> dict:
    """The round's number of awards, total awarded and total paid, added up
    in the database. Two queries."""
    awards = Award.objects.filter(funding_round=funding_round).aggregate(count=Count("pk"), awarded=Sum("amount"))
    paid = Payment.objects.filter(award__funding_round=funding_round, status=PaymentStatus.PAID).aggregate(
        paid=Sum("amount")
    )
    return {"count": awards["count"], "awarded": awards["awarded"] or ZERO, "paid": paid["paid"] or ZERO}


def award_budget_by_category(award: Award) -> dict[str, Decimal]:
    """The awarded budget by category: the application's lines scaled to
    the award when the award differs from the request."""
    rows = dict(
        BudgetLine.objects.filter(application_id=award.application_id)
        .values_list("category")
        .annotate(total=Sum("amount"))
    )
    return scale_budget(rows, award.amount)


def scale_budget(rows: dict, award_amount: Decimal) -> dict[str, Decimal]:
    """Scale category totals to the award in whole pence; the pence left
    over go to the largest remainders, so the categories always add up to
    exactly the award (``money.share_in_proportion``)."""
    requested = sum(rows.values(), ZERO)
    if requested == 0 or requested == award_amount:
        return {k: round_money(v) for k, v in rows.items()}
    shares = share_in_proportion({k: to_pence(v) for k, v in rows.items()}, to_pence(award_amount))
    return {k: to_pounds(v) for k, v in shares.items()}


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
        budget = scale_budget(info["lines"], info["amount"])
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
    """(paid, still to pay) for an award (from ``round_awards``' sum when
    it has one, else from its payments, prefetched or not).

    Still to pay is the award less what has been paid, whether or not the
    rest is scheduled (an imported award has no instalments at all).
    """
    if hasattr(award, "paid_total"):
        paid = award.paid_total or ZERO
    else:
        paid = sum((p.amount for p in award.payments.all() if p.status == PaymentStatus.PAID), ZERO)
    return paid, max(ZERO, award.amount - paid)


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
    """One instalment the user may pay; 404 otherwise."""
    return get_for_user_or_404(user, Payment.objects.select_related("award__group"), "funding.manage_payments", pk=pk)
