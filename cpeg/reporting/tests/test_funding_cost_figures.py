"""Cost analysis figures an officer can stand behind (issue 8): over 75%
decided on exact shares, shares of what was awarded, only activities that
have happened, and counts that link to exactly the activities counted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.activities.models import Activity
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.tests.factories import AwardFactory, BudgetLineFactory, FundingRoundFactory
from cpeg.funding.tests.test_selectors import _award, _round
from cpeg.groups.choices import StaffingModel
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.reporting.funding import selectors

D = Decimal
pytestmark = pytest.mark.django_db
YEAR = FinancialYear(2024)


@pytest.fixture
def officer(db):
    return OfficerFactory()


def _activity(group, kind, held_on, attendance=10):
    return Activity.objects.create(
        group=group, activity_type=kind, title=f"{kind} {held_on}", held_on=held_on, public_attendance=attendance
    )


def test_over_75_percent_is_decided_on_the_exact_share_not_the_rounded_one(client, officer):
    """75.04% shows as 75.0% and is over; 74.975% shows the same and is not."""
    funding_round = _round()
    over = _award(funding_round, "camden", StaffingModel.DIRECT, "100000", [("staffing", "75040"), ("venue", "24960")])
    under = _award(
        funding_round, "hackney", StaffingModel.DIRECT, "100000", [("staffing", "74975"), ("venue", "25025")]
    )
    analysis = selectors.cost_analysis(year=YEAR)
    groups = {g.group.pk: g for g in analysis.groups}
    assert groups[over.group.pk].staffing_share == groups[under.group.pk].staffing_share == D("75.0")
    assert groups[over.group.pk].over_threshold is True
    assert groups[under.group.pk].over_threshold is False
    assert analysis.overall.over_threshold == 1
    client.force_login(officer)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    assert page.count("75.0% is over 75%") == 1


def test_shares_are_of_what_was_awarded_the_budget_scaled_to_the_award(client, officer):
    """Camden asked for 50,000 (40,000 staffing) and got 25,000; Hackney asked
    for 50,000 (10,000 staffing) and got it all. Of the 75,000 awarded,
    20,000 + 10,000 is staffing: 40%, not the 50% of the 100,000 asked for."""
    funding_round = _round()
    camden = _award(funding_round, "camden", StaffingModel.DIRECT, "25000", [("staffing", "40000"), ("venue", "10000")])
    _award(funding_round, "hackney", StaffingModel.DIRECT, "50000", [("staffing", "10000"), ("venue", "40000")])
    analysis = selectors.cost_analysis(year=YEAR)
    assert analysis.overall.staffing_share == D("40.0")
    assert {g.group.pk: g.staffing_share for g in analysis.groups}[camden.group.pk] == D("80.0")
    client.force_login(officer)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    assert "£100,000" not in page.split('id="headline"')[1].split("</div>")[0]
    assert "awarded" in page.split('id="headline"')[1].split("</div>")[0]
    assert "each group's budget scaled to its award" in page


def test_planned_activities_are_not_counted_as_delivered_and_a_part_year_says_to_date(client, officer):
    today = timezone.localdate()
    year = FinancialYear.current(today)
    funding_round = FundingRoundFactory(
        decided=True,
        financial_year=year.start_year,
        opens_on=year.starts_on - dt.timedelta(days=90),
        closes_on=year.starts_on - dt.timedelta(days=60),
        assessment_ends_on=year.starts_on - dt.timedelta(days=30),
        decisions_on=year.starts_on - dt.timedelta(days=10),
    )
    group = EngagementGroupFactory(borough=borough("camden"))
    award = AwardFactory(funding_round=funding_round, group=group, amount=D("40000"))
    BudgetLineFactory(application=award.application, category="staffing", amount=D("40000"))
    _activity(group, "public_meeting", today)
    _activity(group, "public_meeting", min(year.ends_on, today + dt.timedelta(days=7)))
    analysis = selectors.cost_analysis(year=year, today=today)
    if year.ends_on > today:
        assert analysis.to_date is True
    row = analysis.groups[0]
    assert (row.public_meetings, row.attendees) == (1, 10)
    assert row.cost_per_public_meeting == D("40000.00")
    client.force_login(officer)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    assert f"Cost analysis {year.label} to date" in page


def test_last_years_delivery_counts_only_what_has_happened():
    today = timezone.localdate()
    year = FinancialYear.current(today)
    group = EngagementGroupFactory(borough=borough("camden"))
    _activity(group, "public_meeting", today - dt.timedelta(days=1))
    _activity(group, "public_meeting", today + dt.timedelta(days=1))
    _activity(group, "targeted_event", today + dt.timedelta(days=2))
    delivery = selectors.previous_year_delivery(group=group, year=year, today=today)
    if today + dt.timedelta(days=2) <= year.ends_on:
        assert (delivery.public_meetings, delivery.targeted_events, delivery.attendance) == (1, 0, 10)
        assert delivery.to_date is True


def test_cost_analysis_counts_link_to_exactly_the_activities_counted(client, officer):
    funding_round = _round()
    camden = _award(funding_round, "camden", StaffingModel.DIRECT, "40000", [("staffing", "30000")])
    client.force_login(officer)
    page = client.get(reverse("reporting:cost-analysis")).content.decode()
    activities = reverse("activities:activity-list", kwargs={"pk": camden.group.pk})
    for query in (
        "year=2024&amp;type=public_meeting&amp;when=held",
        "year=2024&amp;type=targeted_event&amp;when=held",
        "year=2024&amp;when=held",
    ):
        assert f'href="{activities}?{query}"' in page, query


@pytest.mark.parametrize(
    ("today", "owed"),
    [
        (dt.date(2024, 6, 30), 0),  # Q1 ends today: not yet owed
        (dt.date(2024, 7, 1), 1),
        (dt.date(2024, 12, 2), 2),
        (dt.date(2025, 4, 1), 4),
    ],
)
def test_returns_owed_at_assessment_count_only_quarters_that_have_ended(today, owed):
    """ "Quarterly returns on time 2 of 4" in December counted Q3 and Q4."""
    group = EngagementGroupFactory(borough=borough("camden"))
    delivery = selectors.previous_year_delivery(group=group, year=YEAR, today=today)
    assert delivery.returns_expected == owed
    assert delivery.to_date is (today <= YEAR.ends_on)


def test_the_assessment_page_labels_a_part_year_to_date(client):
    from cpeg.accounts.tests.factories import ManagerFactory
    from cpeg.funding.tests.factories import FundingApplicationFactory

    today = timezone.localdate()
    funding_round = FundingRoundFactory(financial_year=FinancialYear.current(today).next().start_year)
    application = FundingApplicationFactory(
        funding_round=funding_round, group=EngagementGroupFactory(borough=borough("camden")), submitted=True
    )
    client.force_login(ManagerFactory())
    page = client.get(reverse("funding:application-assess", kwargs={"pk": application.pk})).content.decode()
    assert f"Delivery in {FinancialYear.current(today).label} to date" in page
