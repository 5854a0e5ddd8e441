"""The scrutiny demo: the Met's October 2018 searches imported and placed,
Camden's monitoring meeting recorded."""

import datetime as dt

import pytest
from django.db.models import Count
from django.urls import reverse

from cpeg.scrutiny.choices import ImportStatus
from cpeg.scrutiny.models import MonitoringMeeting, StopSearch, StopSearchImport

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of 24 November 2026 (the shared fixture in conftest.py)."""


def test_october_2018_is_imported_and_placed(demo):
    record = StopSearchImport.objects.get(month=dt.date(2018, 10, 1), status=ImportStatus.DONE)
    assert record.rows_total == StopSearch.objects.count() == 12654
    assert record.no_location == 1152
    assert record.in_borough + record.outside_boroughs + record.no_location == 12654
    assert StopSearch.objects.filter(borough__slug="camden").exists()


def test_camden_admin_sees_the_meeting_and_the_figures(demo, client):
    from cpeg.accounts.models import User

    meeting = MonitoringMeeting.objects.get(group__borough__slug="camden")
    client.force_login(User.objects.get(username="camden-admin"))
    response = client.get(reverse("scrutiny:borough-figures", kwargs={"pk": meeting.group.borough_id}))
    assert response.status_code == 200
    assert response.context["period"].key == "2018-Q3"
    assert response.context["figures"].total == StopSearch.objects.filter(borough=meeting.group.borough).count()


def test_four_panels_have_a_year_of_visits(demo):
    from cpeg.scrutiny.demo import ICV_PANELS
    from cpeg.scrutiny.models import CustodyVisit

    per_panel = dict(CustodyVisit.objects.values_list("panel__name").annotate(n=Count("id")))
    assert set(per_panel) == set(ICV_PANELS)
    # Camden has the demo visitor's own three visits as well.
    assert per_panel == {name: 16 if name == "Camden" else 13 for name in ICV_PANELS}


def test_the_demo_visitor_signs_in_to_their_panel_with_issues_outstanding(demo, client):
    from django.contrib.auth import get_user_model

    from cpeg.accounts.navigation import start_url
    from cpeg.scrutiny.demo import VISITOR_USERNAME
    from cpeg.scrutiny.models import CustodyPanel
    from cpeg.scrutiny.selectors import outstanding_issues

    user = get_user_model().objects.get(username=VISITOR_USERNAME)
    camden = CustodyPanel.objects.get(name="Camden")
    assert list(user.custody_visitor_records.values_list("panel", flat=True)) == [camden.pk]
    assert start_url(user) == reverse("scrutiny:panel-visits", kwargs={"pk": camden.pk})
    theirs = outstanding_issues(user=user).filter(created_by=user)
    assert theirs.count() == 2
    assert outstanding_issues(user=user).exclude(panel=camden).count() == 0
    resolved = camden.visits.filter(created_by=user, issues_resolved=True).get()
    assert resolved.resolution.startswith("New hearing loop")
    response = client.post(reverse("accounts:sign-in"), {"username": VISITOR_USERNAME, "password": "demo"})
    assert response.status_code == 302
    assert client.get(reverse("scrutiny:outstanding-issues")).status_code == 200
