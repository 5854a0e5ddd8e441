"""The monitoring demo: returns in every state (the dashboard over it, with
some groups on track and some not: ``reporting/tests/test_monitoring_demo.py``)."""

import datetime as dt

import pytest

from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity
from cpeg.monitoring.choices import ReturnStatus
from cpeg.monitoring.models import QuarterlyReturn

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of 24 November 2026 (the shared fixture in conftest.py)."""


def _status(slug, year, quarter):
    return QuarterlyReturn.objects.get(group__slug__startswith=slug, financial_year=year, quarter=quarter).status


def test_last_year_is_all_accepted_with_two_late_returns(demo):
    past = QuarterlyReturn.objects.filter(financial_year=2025)
    groups = past.values("group").distinct().count()
    assert groups >= 31
    assert past.count() == groups * 4
    assert set(past.values_list("status", flat=True)) == {ReturnStatus.ACCEPTED}
    late = sorted(
        (r.group.borough.name, r.quarter)
        for r in past.select_related("group__borough")
        if r.first_submitted_at.date() > r.due_on
    )
    assert late == [("Barnet", 3), ("Ealing", 2)]


def test_this_years_latest_return_is_in_every_state(demo):
    latest = QuarterlyReturn.objects.filter(financial_year=2026, quarter=2)
    assert set(latest.values_list("status", flat=True)) == set(ReturnStatus.values)
    assert _status("camden", 2026, 2) == ReturnStatus.DRAFT
    assert _status("hackney", 2026, 2) == ReturnStatus.RETURNED
    assert _status("islington", 2026, 2) == ReturnStatus.SUBMITTED
    assert set(QuarterlyReturn.objects.filter(financial_year=2026, quarter=1).values_list("status", flat=True)) == {
        ReturnStatus.ACCEPTED
    }


def test_the_past_year_has_the_review_figures(demo):
    past = Activity.objects.filter(held_on__range=(dt.date(2025, 4, 1), dt.date(2026, 3, 31)))
    assert past.filter(activity_type=ActivityType.PUBLIC_MEETING).count() == 177
    assert past.filter(activity_type=ActivityType.TARGETED_EVENT).count() == 131
    assert past.filter(activity_type=ActivityType.CONSULTATION_PRODUCT).count() == 20


def test_most_groups_held_their_membership_review_this_spring(demo):
    reviews = Activity.objects.filter(
        evidence__output_code="membership-review", held_on__range=(dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    )
    assert 20 <= reviews.values("group").distinct().count() < 32
