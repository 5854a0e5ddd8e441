"""Spend figures checked against values worked out by hand (the cost analysis
and last year's delivery: ``reporting/tests/test_funding_*``)."""

import datetime as dt
from decimal import Decimal

import pytest

from cpeg.core.fiscal import FinancialYear
from cpeg.funding import selectors
from cpeg.funding.models import SpendLine, SpendReport
from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, FundingRoundFactory
from cpeg.groups.choices import StaffingModel
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

D = Decimal
pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


def _round():
    return FundingRoundFactory(
        decided=True,
        financial_year=YEAR.start_year,
        opens_on=dt.date(2023, 11, 1),
        closes_on=dt.date(2023, 12, 1),
        assessment_ends_on=dt.date(2024, 1, 1),
        decisions_on=dt.date(2024, 2, 1),
    )


def _award(funding_round, slug, model, amount, lines):
    group = EngagementGroupFactory(borough=borough(slug), staffing_model=model)
    award = AwardFactory(funding_round=funding_round, group=group, amount=D(amount))
    for category, value in lines:
        BudgetLineFactory(application=award.application, category=category, amount=D(value))
    return award


def _spend(award, quarter, amounts):
    report = SpendReport.objects.create(
        award=award, group=award.group, financial_year=award.funding_round.financial_year, quarter=quarter
    )
    for category, amount in amounts.items():
        SpendLine.objects.create(report=report, category=category, amount=D(amount))


def test_spend_flags_compare_spend_to_date_with_the_pro_rata_budget(django_assert_max_num_queries):
    funding_round = _round()
    under = _award(funding_round, "camden", StaffingModel.DIRECT, "40000", [("staffing", "30000"), ("venue", "10000")])
    # Awarded half the 40,000 asked: the budget is scaled to 15,000 / 5,000.
    over = _award(funding_round, "lambeth", StaffingModel.DIRECT, "20000", [("staffing", "30000"), ("venue", "10000")])
    quiet = _award(funding_round, "merton", StaffingModel.DIRECT, "20000", [("staffing", "20000")])
    _spend(under, 1, {"staffing": "7500", "venue": "2500"})
    _spend(under, 2, {"staffing": "7500", "venue": "500"})
    _spend(over, 1, {"staffing": "5000", "venue": "1250"})
    nobody = EngagementGroupFactory(borough=borough("hackney"))

    ids = [under.group_id, over.group_id, quiet.group_id, nobody.pk]
    with django_assert_max_num_queries(2):
        flags = selectors.spend_flags_for(group_ids=ids, financial_year=YEAR.start_year)

    assert nobody.pk not in flags
    first = flags[under.group_id]
    assert first.quarter == 2
    # Venue: 3,000 spent against 5,000 budgeted to Q2; tolerance 500.
    assert [(c.category, c.budget_to_date, c.spent_to_date) for c in first.underspent] == [
        ("venue", D("5000.00"), D("3000.00"))
    ]
    assert first.overspent == []
    assert first.status == "underspend"
    second = flags[over.group_id]
    # Staffing: 5,000 spent against 3,750 (a quarter of 15,000); tolerance 375.
    assert [(c.category, c.budget_to_date) for c in second.overspent] == [("staffing", D("3750.00"))]
    assert second.url.endswith(f"/funding/groups/{over.group_id}/spend/2024/1/")
    assert flags[quiet.group_id].status == "not_reported"
    assert flags[quiet.group_id].is_flagged is False


def test_spend_within_the_tolerance_is_not_flagged():
    funding_round = _round()
    award = _award(funding_round, "camden", StaffingModel.DIRECT, "30400", [("staffing", "30000"), ("training", "400")])
    # Training: 0 spent against 100 budgeted, within the 100 minimum tolerance.
    _spend(award, 1, {"staffing": "7800"})
    flag = selectors.spend_flags_for(group_ids=[award.group_id], financial_year=2024)[award.group_id]
    assert flag.status == "on_track"


# --- The awarded budget adds up to the award (fix 10) --------------------------------


def test_three_one_pound_lines_scaled_to_two_pounds_add_up_to_two_pounds():
    award = AwardFactory(amount=D("2.00"))
    for category in ("venue", "training", "other"):
        BudgetLineFactory(application=award.application, category=category, amount=D("1.00"))
    budget = selectors.award_budget_by_category(award)
    assert sum(budget.values()) == D("2.00")
    assert sorted(budget.values()) == [D("0.66"), D("0.67"), D("0.67")]


def test_the_awarded_budget_by_category_always_adds_up_to_the_award():
    """A property, over many seeded random budgets and awards: the scaled
    categories sum to exactly the award, and each is within a penny of its
    exact share."""
    import random

    from cpeg.funding.choices import BudgetCategory

    rng = random.Random(10)
    categories = list(BudgetCategory.values)
    for _ in range(500):
        rows = {
            c: (D(rng.randint(1, 5_000_000)) / 100).quantize(D("0.01"))
            for c in rng.sample(categories, rng.randint(1, len(categories)))
        }
        requested = sum(rows.values())
        award = (D(rng.randint(1, int(requested * 100) * 2)) / 100).quantize(D("0.01"))
        budget = selectors.scale_budget(rows, award)
        assert set(budget) == set(rows)
        assert sum(budget.values()) == award, (rows, award)
        for category, amount in budget.items():
            assert abs(amount - rows[category] * award / requested) < D("0.01"), (rows, award)
