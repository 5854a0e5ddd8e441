import pytest

from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.models import GroupSla, SlaTemplate

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_ctx(demo_data):
    """The demo as ``make run`` loads it, as of 24 November 2026 (the shared
    fixture in conftest.py, loaded once per test session)."""


def test_demo_has_templates_for_the_past_and_current_years(demo_ctx):
    assert set(SlaTemplate.objects.values_list("financial_year", flat=True)) >= {2025, 2026}


def test_every_group_has_a_countersigned_sla_for_the_past_year(demo_ctx):
    past = GroupSla.objects.filter(financial_year=2025, superseded_at__isnull=True)
    assert past.count() == 32
    assert set(past.values_list("status", flat=True)) == {SlaStatus.SIGNED}


def test_current_year_mixes_statuses_with_camden_draft_and_haringey_on_version_two(demo_ctx):
    current = GroupSla.objects.filter(financial_year=2026, superseded_at__isnull=True).select_related("group__borough")
    by_slug = {s.group.borough.slug: s for s in current}
    assert len(by_slug) == 31  # Sutton is suspended
    statuses = [s.status for s in by_slug.values()]
    assert statuses.count(SlaStatus.DRAFT) == 2
    assert statuses.count(SlaStatus.GROUP_SIGNED) == 3
    assert statuses.count(SlaStatus.SIGNED) == 26
    assert by_slug["camden"].status == SlaStatus.DRAFT
    camden_meetings = by_slug["camden"].outputs.get(code="public-meetings")
    assert camden_meetings.annual_target == 6
    assert camden_meetings.variation_reason == "Camden holds bi-monthly meetings agreed with the borough commander"
    assert by_slug["bromley"].outputs.get(code="olympics").is_removed is True
    assert by_slug["lambeth"].outputs.filter(variation="added").count() == 1
    haringey = by_slug["haringey"]
    assert haringey.version_number == 2
    assert haringey.status == SlaStatus.SIGNED
    assert haringey.previous.superseded_at is not None
    assert haringey.previous.status == SlaStatus.SIGNED
