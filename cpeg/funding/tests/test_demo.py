"""The demo data reproduces the shape of the 2009 annual review's analysis."""

from decimal import Decimal

import pytest

from cpeg.core.fiscal import FinancialYear
from cpeg.funding import selectors
from cpeg.funding.choices import ApplicationStatus, PaymentStatus, RoundStatus
from cpeg.funding.models import Award, FundingApplication, FundingRound, Payment

TODAY = "2026-11-24"


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of TODAY (the shared fixture in conftest.py)."""


@pytest.mark.django_db
def test_past_round_reproduces_the_review_staffing_shape(demo):
    past = FinancialYear(2025)
    analysis = selectors.cost_analysis(year=past)
    overall = analysis.overall
    assert overall.count == 32
    assert Decimal("60") <= overall.staffing_share <= Decimal("62")
    assert Decimal("82") <= overall.staff_and_office_share <= Decimal("84")
    assert overall.lowest_share == Decimal("24.0")
    assert overall.highest_share == Decimal("96.0")
    assert overall.over_threshold == 8
    assert Decimal("1400000") <= overall.awarded <= Decimal("1600000")
    assert all(Decimal("20000") <= g.awarded <= Decimal("50000") for g in analysis.groups)
    by_model = {m.label: m for m in analysis.by_model}
    direct = by_model["Administrator directly contracted to the group"]
    council = by_model["Administrator employed within a council department"]
    assert direct.staffing_share > council.staffing_share


@pytest.mark.django_db
def test_past_round_is_decided_and_fully_paid(demo):
    past = FundingRound.objects.get(financial_year=2025)
    assert past.status == RoundStatus.DECIDED
    assert not Payment.objects.filter(award__funding_round=past, status=PaymentStatus.SCHEDULED).exists()
    assert not Award.objects.filter(funding_round=past, reconciled_at__isnull=True).exists()
    # Worked out from the payments and four quarters of spend: spent in full.
    for award in Award.objects.filter(funding_round=past):
        assert (award.paid_amount, award.total_spent_amount, award.return_amount) == (
            award.amount,
            award.amount,
            Decimal("0.00"),
        )


@pytest.mark.django_db
def test_current_round_has_applications_in_every_state(demo):
    current = FundingRound.objects.get(financial_year=2027)
    states = set(FundingApplication.objects.filter(funding_round=current).values_list("status", flat=True))
    assert states == {
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.ASSESSED,
        ApplicationStatus.MODERATED,
    }
    assert FundingApplication.objects.filter(funding_round__financial_year=2026, status="decided").count() == 31


@pytest.mark.django_db
def test_this_years_spend_raises_flags_for_the_drifting_groups(demo):
    from cpeg.groups.models import EngagementGroup

    ids = list(EngagementGroup.objects.values_list("pk", flat=True))
    flags = selectors.spend_flags_for(group_ids=ids, financial_year=2026)
    flagged = {EngagementGroup.objects.get(pk=g).borough.slug for g, f in flags.items() if f.is_flagged}
    assert flagged == {"camden", "lewisham"}
    assert flags[EngagementGroup.objects.get(borough__slug="camden").pk].overspent[0].category == "publicity"
