"""The activities demo data loads through the services, with its defaults."""

import datetime as dt

import pytest

from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity, ActivityEvidence

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of TODAY (the shared fixture in conftest.py)."""


def test_the_demo_activities_load_with_public_page_defaults_and_evidence_history(demo):
    assert Activity.objects.count() > 500
    # The 2008/09 figures of the annual review, in the past financial year.
    past = Activity.objects.filter(held_on__range=(dt.date(2025, 4, 1), dt.date(2026, 3, 31)))
    assert past.filter(activity_type=ActivityType.TARGETED_EVENT).count() == 131
    assert not Activity.objects.filter(activity_type=ActivityType.TARGETED_EVENT, is_public=True).exists()
    upcoming = Activity.objects.filter(activity_type=ActivityType.PUBLIC_MEETING, held_on__gt=TODAY)
    assert upcoming.count() == 30
    assert not upcoming.filter(is_public=False).exists()
    assert ActivityEvidence.history.count() == ActivityEvidence.objects.count()
