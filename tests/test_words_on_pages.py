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


def _title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0].strip()


@pytest.mark.django_db
def test_filtered_and_paged_lists_have_their_own_page_titles(client):
    from cpeg.accounts.tests.factories import OfficerFactory

    camden = EngagementGroupFactory(borough=borough("camden"))
    year = FinancialYear.current()
    for day in range(30):
        ActivityFactory(group=camden, held_on=year.starts_on + dt.timedelta(days=day))
    client.force_login(OfficerFactory())
    url = reverse("activities:activity-list", kwargs={"pk": camden.pk})
    titles = {
        _title(client.get(url).content.decode()),
        _title(client.get(url, {"page": 2}).content.decode()),
        _title(client.get(url, {"year": year.start_year, "type": "public_meeting"}).content.decode()),
        _title(client.get(reverse("groups:group-list")).content.decode()),
        _title(client.get(reverse("groups:group-list"), {"borough": "camden", "status": "active"}).content.decode()),
        _title(client.get(reverse("groups:person-list"), {"q": "smith"}).content.decode()),
        _title(client.get(reverse("groups:person-list")).content.decode()),
    }
    assert len(titles) == 7, titles
    assert f"Activities {year.label}: Public meeting - {camden.name} - CPEG Manager" in titles
    assert f"Activities - {camden.name} (page 2 of 2) - CPEG Manager" in titles
