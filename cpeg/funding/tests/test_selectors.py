"""Report figures checked against values worked out by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

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
        budget = selectors._scale_budget(rows, award)
        assert set(budget) == set(rows)
        assert sum(budget.values()) == award, (rows, award)
        for category, amount in budget.items():
            assert abs(amount - rows[category] * award / requested) < D("0.01"), (rows, award)


# --- Returns expected of a group set up mid-year (fix 18) -------------------------------


@pytest.mark.parametrize(
    ("established_on", "expected"),
    [
        (None, 4),
        (dt.date(2001, 4, 1), 4),
        (dt.date(2024, 6, 30), 4),  # set up on the last day of Q1: owes Q1
        (dt.date(2024, 7, 1), 3),
        (dt.date(2024, 11, 15), 2),
        (dt.date(2025, 3, 31), 1),
        (dt.date(2025, 4, 1), 0),  # set up after the year
    ],
)
def test_returns_expected_count_only_the_quarters_since_the_group_was_set_up(established_on, expected):
    group = EngagementGroupFactory(borough=borough("camden"), established_on=established_on)
    delivery = selectors.previous_year_delivery(group=group, year=YEAR)
    assert delivery.returns_expected == expected


# --- Cost analysis for a link member (fix 3) ---------------------------------------------


def test_a_link_member_sees_only_their_boroughs_groups_but_every_groups_totals(four_groups):
    from cpeg.accounts.tests.factories import LinkMemberFactory

    a, b, c, d = four_groups  # camden, lambeth, wandsworth, merton
    link = LinkMemberFactory(boroughs=[borough("camden"), borough("islington")])
    analysis = selectors.cost_analysis(year=YEAR)
    assert [g.group for g in selectors.cost_groups_visible(user=link, analysis=analysis)] == [a.group]
    across = selectors.cost_lines_across_groups(user=link, year=YEAR, categories=["staffing"])
    assert {line.application.group_id for line in across.lines} == {a.group_id}
    assert across.total == D("30000")
    assert across.hidden_groups == 3


def test_lines_across_groups_filter_by_category_and_staffing_model(four_groups, django_assert_num_queries):
    from cpeg.accounts.access import roles_of
    from cpeg.accounts.tests.factories import OfficerFactory

    officer = OfficerFactory()
    roles_of(officer)  # the roles are read once per request, before counting
    with django_assert_num_queries(4):
        across = selectors.cost_lines_across_groups(
            user=officer, year=YEAR, categories=["staffing", "staff_office"], model=StaffingModel.DIRECT
        )
    # Camden 30,000 + 5,000 and Lambeth 38,000 + 1,000.
    assert across.total == D("74000")
    assert [g.group.borough.slug for g in across.groups] == ["camden", "lambeth"]
    assert across.hidden_groups == 0


# --- Last year's delivery: judged against the signed SLA (review item 2) ------------------


def _delivery_year(group):
    """Camden's 2024/25, worked out by hand.

    Signed SLA (version 1): meetings 6 a year (a local variation), newsletters
    4, annual report 1 (counted); a yes/no and a narrative output. An officer
    then varies meetings to 2: a draft version 2 the group has not signed.

    Activities in the year: 3 meetings, 4 newsletters, 1 annual report (plus a
    meeting either side of the year, not counted). Against the signed targets
    newsletters and the annual report are met, meetings (3 of 6) are not:
    2 of 3 counted outputs. Against the draft it would wrongly be 3 of 3.

    Returns: Q1 on time; Q2 first submitted at 23:30 UTC on its due date,
    00:30 the next day in London, so late; Q3 on time, asking for support;
    Q4 still a draft, whose support request never reached the authority.
    On time: 2 of the 4 owed. Support needed: the Q3 request only.
    """
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.agreements import services as sla_services
    from cpeg.monitoring.tests.factories import QuarterlyReturnFactory, ReturnLineFactory, activity, group_sla

    signed = group_sla(group, 2024, targets={"public-meetings": 6})
    draft = sla_services.group_sla_output_vary(
        sla=signed,
        code="public-meetings",
        actor=OfficerFactory(),
        data={"measure": "count", "annual_target": 2, "reason": "Fewer halls available"},
        loaded_version=signed.version,
    )
    assert (draft.version_number, draft.status, draft.superseded_at) == (2, "draft", None)
    for day in (dt.date(2024, 5, 10), dt.date(2024, 9, 12), dt.date(2025, 2, 20)):
        activity(group, day, "public-meetings")
    activity(group, dt.date(2024, 3, 30), "public-meetings")  # 2023/24
    activity(group, dt.date(2025, 4, 2), "public-meetings")  # 2025/26
    for day in (dt.date(2024, 6, 1), dt.date(2024, 9, 1), dt.date(2024, 12, 1), dt.date(2025, 3, 1)):
        activity(group, day, "newsletters")
    activity(group, dt.date(2025, 3, 20), "annual-report")

    def submitted(year, month, day, hour=10, minute=0, tz=None):
        when = dt.datetime(year, month, day, hour, minute)
        return when.replace(tzinfo=tz) if tz else timezone.make_aware(when)

    QuarterlyReturnFactory(
        group=group,
        financial_year=2024,
        quarter=1,
        status="accepted",
        due_on=dt.date(2024, 7, 21),
        first_submitted_at=submitted(2024, 7, 15),
    )
    QuarterlyReturnFactory(
        group=group,
        financial_year=2024,
        quarter=2,
        status="accepted",
        due_on=dt.date(2024, 10, 21),
        first_submitted_at=submitted(2024, 10, 21, 23, 30, tz=dt.UTC),
    )
    q3 = QuarterlyReturnFactory(
        group=group,
        financial_year=2024,
        quarter=3,
        status="submitted",
        due_on=dt.date(2025, 1, 21),
        first_submitted_at=submitted(2025, 1, 20),
    )
    ReturnLineFactory(quarterly_return=q3, output="Hold public meetings", support_requested="Help finding a hall")
    ReturnLineFactory(quarterly_return=q3, output="Publish newsletters")
    q4 = QuarterlyReturnFactory(group=group, financial_year=2024, quarter=4, due_on=dt.date(2025, 4, 21))
    ReturnLineFactory(quarterly_return=q4, output="Publish newsletters", support_requested="Never sent")
    earlier = QuarterlyReturnFactory(
        group=group,
        financial_year=2023,
        quarter=4,
        status="accepted",
        due_on=dt.date(2024, 4, 21),
        first_submitted_at=submitted(2024, 4, 10),
    )
    ReturnLineFactory(quarterly_return=earlier, output="Hold public meetings", support_requested="Last year's")


def test_last_years_delivery_is_judged_against_the_signed_sla_not_an_unsigned_variation():
    group = EngagementGroupFactory(borough=borough("camden"))
    _delivery_year(group)
    delivery = selectors.previous_year_delivery(group=group, year=YEAR)
    assert [(o.code, o.target, o.delivered) for o in delivery.outputs] == [
        ("public-meetings", 6, 3),
        ("sla-monitoring", None, 0),
        ("newsletters", 4, 4),
        ("annual-report", 1, 1),
        ("two-way-engagement", None, 0),
    ]
    assert (delivery.outputs_met, delivery.outputs_with_targets) == (2, 3)
    assert delivery.public_meetings == 3
    assert (delivery.returns_on_time, delivery.returns_expected) == (2, 4)
    assert delivery.support_needed == ["Q3, Hold public meetings: Help finding a hall"]


def test_the_assessment_page_shows_last_years_delivery(client):
    from cpeg.accounts.tests.factories import OfficerFactory
    from cpeg.funding.tests.factories import FundingApplicationFactory

    group = EngagementGroupFactory(borough=borough("camden"))
    _delivery_year(group)
    application = FundingApplicationFactory(
        group=group, funding_round=FundingRoundFactory(financial_year=2025), submitted=True
    )
    client.force_login(OfficerFactory())
    page = client.get(reverse("funding:application-assess", kwargs={"pk": application.pk})).content.decode()
    assert "Delivery in 2024/25" in page
    assert "2 of 3 counted outputs" in page
    assert "2 of 4" in page
    assert "Q3, Hold public meetings: Help finding a hall" in page
    assert "Never sent" not in page
