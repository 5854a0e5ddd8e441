"""Pages say names, not codes, and count in proper English (issue 9)."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.activities.tests.factories import ActivityEvidenceFactory, ActivityFactory
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.tests.factories import EngagementGroupFactory, borough


@pytest.mark.django_db
def test_the_activity_list_names_the_outputs_and_counts_one_member_of_the_public(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    year = FinancialYear.current()
    activity = ActivityFactory(group=camden, held_on=year.starts_on + dt.timedelta(days=10), public_attendance=1)
    ActivityEvidenceFactory(activity=activity, output_code="olympics")
    client.force_login(GroupAdminFactory(group=camden))
    html = client.get(reverse("activities:activity-list", kwargs={"pk": camden.pk})).content.decode()
    assert "Olympics - Facilitate Olympics Engagement Team" in html
    assert ">olympics<" not in html
    assert "olympics, " not in html
    assert "1 member of the public attending" in html


def _delivery(**counts):
    values = {
        "year": FinancialYear(2025),
        "award": None,
        "outputs_met": 1,
        "outputs_with_targets": 1,
        "public_meetings": 1,
        "targeted_events": 1,
        "attendance": 1,
        "returns_on_time": None,
        "returns_expected": 4,
        "support_needed": [],
        "outputs": [],
    }
    return SimpleNamespace(**{**values, **counts})


def test_last_years_delivery_counts_in_the_singular_and_the_plural():
    one = render_to_string("reporting/funding/_delivery.html", {"delivery": _delivery()})
    assert "1 of 1 counted output</dd>" in one
    assert "1 public meeting, 1 targeted event, 1 person attending" in one
    many = render_to_string(
        "reporting/funding/_delivery.html",
        {"delivery": _delivery(public_meetings=4, targeted_events=0, attendance=120, outputs_with_targets=3)},
    )
    assert "4 public meetings, 0 targeted events, 120 people attending" in many
    assert "1 of 3 counted outputs" in many
