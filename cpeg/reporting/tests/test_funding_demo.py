"""The demo data reproduces the shape of the 2009 annual review's analysis
(moved from funding's demo tests)."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from cpeg.core.fiscal import FinancialYear
from cpeg.reporting.funding import selectors as reporting_selectors

TODAY = "2026-11-24"


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of TODAY (the shared fixture in conftest.py)."""


@pytest.mark.django_db
def test_past_round_reproduces_the_review_staffing_shape(demo):
    past = FinancialYear(2025)
    analysis = reporting_selectors.cost_analysis(year=past)
    overall = analysis.overall
    assert overall.count == 32
    # The review's figures to the whole per cent (the README promises them):
    # 61% on staffing, 83% with staff office costs, 24% to 96%, eight over.
    whole = Decimal(1)
    assert overall.staffing_share.quantize(whole, rounding=ROUND_HALF_UP) == Decimal("61")
    assert overall.staff_and_office_share.quantize(whole, rounding=ROUND_HALF_UP) == Decimal("83")
    assert overall.lowest_share == Decimal("24.0")
    assert overall.highest_share == Decimal("96.0")
    assert overall.over_threshold == 8
    assert Decimal("1400000") <= overall.awarded <= Decimal("1600000")
    assert all(Decimal("20000") <= g.awarded <= Decimal("50000") for g in analysis.groups)
    by_model = {m.label: m for m in analysis.by_model}
    direct = by_model["Administrator directly contracted to the group"]
    council = by_model["Administrator employed within a council department"]
    assert direct.staffing_share > council.staffing_share
