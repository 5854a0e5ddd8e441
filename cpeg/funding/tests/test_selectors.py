"""Report figures checked against values worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from cpeg.activities.models import Activity
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


def _activities(group, kind, count, attendance, held_on=dt.date(2024, 6, 1)):
    for n in range(count):
        Activity.objects.create(
            group=group, activity_type=kind, title=f"{kind} {n}", held_on=held_on, public_attendance=attendance
        )


@pytest.fixture
def four_groups():
    funding_round = _round()
    a = _award(
        funding_round,
        "camden",
        StaffingModel.DIRECT,
        "40000",
        [("staffing", "30000"), ("staff_office", "5000"), ("venue", "5000")],
    )
    b = _award(
        funding_round,
        "lambeth",
        StaffingModel.DIRECT,
        "40000",
        [("staffing", "38000"), ("staff_office", "1000"), ("other", "1000")],
    )
    c = _award(
        funding_round,
        "wandsworth",
        StaffingModel.COUNCIL,
        "20000",
        [("staffing", "6000"), ("staff_office", "4000"), ("meetings", "10000")],
    )
    d = _award(
        funding_round,
        "merton",
        StaffingModel.VOLUNTARY,
        "24000",
        [("staffing", "16000"), ("staff_office", "4000"), ("publicity", "5000")],
    )
    _activities(a.group, "public_meeting", 4, 50)
    _activities(a.group, "targeted_event", 2, 30)
    _activities(b.group, "public_meeting", 5, 40)
    _activities(c.group, "public_meeting", 4, 20)
    _activities(c.group, "targeted_event", 1, 20)
    _activities(c.group, "newsletter", 1, None)
    _activities(a.group, "public_meeting", 3, 100, held_on=dt.date(2025, 4, 2))  # next year: not counted
    return a, b, c, d


def test_cost_analysis_matches_the_hand_worked_figures(four_groups):
    a, b, c, d = four_groups
    analysis = selectors.cost_analysis(year=YEAR)
    overall = analysis.overall
    # Staffing 90,000 of a 125,000 budget; with staff office costs 104,000.
    assert overall.budget_total == D("125000")
    assert overall.staffing_share == D("72.0")
    assert overall.staff_and_office_share == D("83.2")
    assert (overall.lowest_share, overall.highest_share) == (D("30.0"), D("95.0"))
    # Camden is exactly 75%: "over 75%" counts Lambeth only.
    assert overall.over_threshold == 1
    # Awards 124,000 over 13 meetings, 3 events and 560 attendees.
    assert overall.cost_per_public_meeting == D("9538.46")
    assert overall.cost_per_targeted_event == D("41333.33")
    assert overall.cost_per_attendee == D("221.43")

    groups = {g.group.pk: g for g in analysis.groups}
    camden = groups[a.group.pk]
    assert (camden.staffing_share, camden.staff_and_office_share) == (D("75.0"), D("87.5"))
    assert (camden.cost_per_public_meeting, camden.cost_per_targeted_event) == (D("10000.00"), D("20000.00"))
    assert camden.cost_per_attendee == D("153.85")
    assert groups[b.group.pk].cost_per_targeted_event is None
    assert groups[c.group.pk].cost_per_attendee == D("200.00")
    merton = groups[d.group.pk]
    # The share is of the budget (25,000), though the award was 24,000.
    assert merton.staffing_share == D("64.0")
    assert merton.cost_per_public_meeting is None

    by_model = {m.label: m for m in analysis.by_model}
    direct = by_model[StaffingModel.DIRECT.label]
    assert (direct.count, direct.staffing_share, direct.staff_and_office_share) == (2, D("85.0"), D("92.5"))
    assert (direct.lowest_share, direct.highest_share, direct.over_threshold) == (D("75.0"), D("95.0"), 1)
    assert by_model[StaffingModel.COUNCIL.label].staffing_share == D("30.0")
    assert by_model[StaffingModel.VOLUNTARY.label].staff_and_office_share == D("80.0")


def test_cost_analysis_runs_three_queries_whatever_the_number_of_groups(four_groups, django_assert_num_queries):
    with django_assert_num_queries(3):
        selectors.cost_analysis(year=YEAR)


def test_budget_lines_behind_a_figure_are_those_of_the_awarded_application(four_groups):
    a = four_groups[0]
    lines = selectors.budget_lines_for(group=a.group, year=YEAR, categories=["staffing", "staff_office"])
    assert sum(line.amount for line in lines) == D("35000")


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
