"""The demo data's funding rounds, applications, awards and payments (the
review's cost analysis of them: ``reporting/tests/test_funding_demo.py``)."""

from decimal import Decimal

import pytest

from cpeg.funding import selectors
from cpeg.funding.choices import ApplicationStatus, PaymentStatus, RoundStatus
from cpeg.funding.models import Award, FundingApplication, FundingRound, Payment

TODAY = "2026-11-24"


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of TODAY (the shared fixture in conftest.py)."""


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
