"""make_scale_data: a tiny run makes the counts the plan says, and it
refuses a database that already holds data unless told."""

import pytest
from django.core.management import CommandError, call_command

from cpeg.accounts.models import RoleAssignment, User
from cpeg.activities.models import Activity, ActivityEvidence
from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaTemplateOutput
from cpeg.funding.models import (
    Assessment,
    Award,
    BudgetLine,
    CriterionScore,
    FundingApplication,
    FundingRound,
    Payment,
)
from cpeg.groups.models import EngagementGroup, ExecutiveMembership
from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

# 24 November 2026: financial years 2025/26 and 2026/27; six quarters ended
# (2025 Q1 to Q4, 2026 Q1 and Q2).
TODAY = "2026-11-24"


def _make(groups=3, years=2, **kwargs):
    call_command("make_scale_data", groups=groups, years=years, today=TODAY, stdout=None, **kwargs)


@pytest.mark.django_db
def test_a_tiny_run_makes_every_record_the_plan_says():
    _make()
    assert EngagementGroup.objects.count() == 3
    assert ExecutiveMembership.objects.count() == 6  # a chair and a secretary each
    officer = User.objects.get(username="scale-officer")
    assert officer.check_password("scale")
    assert RoleAssignment.objects.filter(role="group_admin").count() == 3
    assert GroupSla.objects.count() == 3 * 2
    outputs_per_year = SlaTemplateOutput.objects.filter(template__financial_year=2026).count()
    assert outputs_per_year > 0
    assert GroupSlaOutput.objects.count() == 3 * 2 * outputs_per_year
    assert QuarterlyReturn.objects.count() == 3 * 6
    assert ReturnLine.objects.count() == 3 * 6 * outputs_per_year
    # Activities up to today only, each with its evidence.
    assert Activity.objects.filter(held_on__gt="2026-11-24").count() == 0
    assert Activity.objects.count() == ActivityEvidence.objects.count() > 3 * 12
    # A decided round for 2025/26, an open round for 2026/27.
    assert list(FundingRound.objects.order_by("financial_year").values_list("financial_year", "status")) == [
        (2025, "decided"),
        (2026, "open"),
    ]
    assert FundingApplication.objects.count() == 3 * 2
    assert Award.objects.count() == 3
    assert Payment.objects.count() == 3 * 4
    assert BudgetLine.objects.count() == 3 * 2 * 7  # staffing, staff office and five more
    assert Assessment.objects.count() == 3
    assert CriterionScore.objects.count() == 3 * 4
    # Each award's instalments add up to the award; each bid's budget to its request.
    for award in Award.objects.all():
        assert sum(p.amount for p in award.payments.all()) == award.amount
    for bid in FundingApplication.objects.filter(funding_round__financial_year=2025):
        assert sum(line.amount for line in bid.budget_lines.all()) == bid.award_amount


@pytest.mark.django_db
def test_it_refuses_a_database_that_holds_data_unless_forced():
    _make(groups=2, years=1)
    with pytest.raises(CommandError, match="already holds"):
        _make(groups=2, years=1)
    assert EngagementGroup.objects.count() == 2
    _make(groups=2, years=1, force=True)
    assert EngagementGroup.objects.count() == 4
    assert FundingRound.objects.count() == 1  # the year's round is reused
    assert FundingApplication.objects.count() == 4
