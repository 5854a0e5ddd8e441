import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cpeg.activities.choices import ActivityType
from cpeg.activities.selectors import activity_totals, output_counts, upcoming_public_meetings
from cpeg.activities.tests.factories import ActivityEvidenceFactory, ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

pytestmark = pytest.mark.django_db

Q1_2025 = (dt.date(2025, 4, 1), dt.date(2025, 6, 30))


def _activity(group, held_on, activity_type=ActivityType.PUBLIC_MEETING, codes=(), attendance=None):
    activity = ActivityFactory(group=group, held_on=held_on, activity_type=activity_type, public_attendance=attendance)
    for code in codes:
        ActivityEvidenceFactory(activity=activity, output_code=code)
    return activity


@pytest.fixture
def fixture_groups():
    """Camden and Hackney's activities either side of Q1 2025/26's edges."""
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    islington = EngagementGroupFactory(borough=borough("islington"))
    # Camden, inside Q1 (first and last day count):
    _activity(camden, dt.date(2025, 4, 1), codes=["public-meetings", "policing-pledge"], attendance=40)
    _activity(camden, dt.date(2025, 6, 30), codes=["public-meetings"], attendance=55)
    _activity(camden, dt.date(2025, 5, 5), ActivityType.NEWSLETTER, codes=["newsletters"])
    _activity(camden, dt.date(2025, 5, 20), ActivityType.TARGETED_EVENT, codes=["policing-pledge"], attendance=12)
    # Camden, outside Q1 either side:
    _activity(camden, dt.date(2025, 3, 31), codes=["public-meetings"], attendance=99)
    _activity(camden, dt.date(2025, 7, 1), codes=["public-meetings"], attendance=99)
    # Hackney, inside Q1:
    _activity(hackney, dt.date(2025, 5, 1), codes=["public-meetings"], attendance=30)
    _activity(hackney, dt.date(2025, 6, 1), ActivityType.NEWSLETTER, codes=["newsletters"])
    _activity(hackney, dt.date(2025, 6, 2), ActivityType.NEWSLETTER, codes=["newsletters"])
    return camden, hackney, islington


def test_output_counts_counts_each_groups_activities_per_output_in_one_query(fixture_groups, django_assert_num_queries):
    camden, hackney, islington = fixture_groups
    with django_assert_num_queries(1):
        counts = output_counts(
            group_ids=[camden.pk, hackney.pk, islington.pk], starts_on=Q1_2025[0], ends_on=Q1_2025[1]
        )
    assert dict(counts) == {
        (camden.pk, "public-meetings"): 2,
        (camden.pk, "policing-pledge"): 2,
        (camden.pk, "newsletters"): 1,
        (hackney.pk, "public-meetings"): 1,
        (hackney.pk, "newsletters"): 2,
    }
    assert counts[(islington.pk, "public-meetings")] == 0


def test_output_counts_only_counts_the_groups_asked_for(fixture_groups):
    camden, hackney, _ = fixture_groups
    counts = output_counts(group_ids=[hackney.pk], starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31))
    assert dict(counts) == {(hackney.pk, "public-meetings"): 1, (hackney.pk, "newsletters"): 2}


def test_activity_totals_counts_types_and_adds_up_attendance_in_one_query(fixture_groups, django_assert_num_queries):
    camden, hackney, islington = fixture_groups
    with django_assert_num_queries(1):
        totals = activity_totals(
            group_ids=[camden.pk, hackney.pk, islington.pk], starts_on=Q1_2025[0], ends_on=Q1_2025[1]
        )
    assert totals[camden.pk].count(ActivityType.PUBLIC_MEETING) == 2
    assert totals[camden.pk].count(ActivityType.NEWSLETTER) == 1
    assert totals[camden.pk].count(ActivityType.TARGETED_EVENT) == 1
    assert totals[camden.pk].total == 4
    assert totals[camden.pk].public_attendance == 40 + 55 + 12
    assert totals[hackney.pk].by_type[ActivityType.NEWSLETTER] == 2
    assert totals[hackney.pk].public_attendance == 30
    assert totals[islington.pk].total == 0
    assert totals[islington.pk].public_attendance == 0


@pytest.fixture
def camden_meetings():
    camden = EngagementGroupFactory(borough=borough("camden"))
    town_hall = VenueFactory(group=camden, name="Camden Town Hall")
    today = timezone.localdate()
    week = dt.timedelta(days=7)
    ActivityFactory(group=camden, title="Last month's meeting", held_on=today - 4 * week)
    ActivityFactory(
        group=camden,
        title="Next public meeting",
        held_on=today + 2 * week,
        starts_at=dt.time(19, 0),
        venue=town_hall,
        public_attendance=None,
    )
    ActivityFactory(
        group=camden,
        title="Face the People",
        activity_type=ActivityType.FACE_THE_PEOPLE,
        held_on=today + week,
        venue_text="Swiss Cottage Library",
        public_attendance=None,
    )
    ActivityFactory(
        group=camden,
        title="Executive training",
        activity_type=ActivityType.TRAINING,
        held_on=today + week,
        public_attendance=None,
    )
    ActivityFactory(group=camden, title="Closed meeting", held_on=today + week, is_public=False, public_attendance=None)
    return camden


def test_upcoming_public_meetings_are_the_public_ones_from_today_in_date_order(camden_meetings):
    today = timezone.localdate()
    meetings = upcoming_public_meetings(group=camden_meetings, today=today)
    assert meetings == [
        {
            "date": today + dt.timedelta(days=7),
            "title": "Face the People",
            "venue": "Swiss Cottage Library",
            "time": None,
        },
        {
            "date": today + dt.timedelta(days=14),
            "title": "Next public meeting",
            "venue": "Camden Town Hall",
            "time": dt.time(19, 0),
        },
    ]


def test_the_next_meetings_appear_on_the_groups_public_page(client, camden_meetings):
    response = client.get(reverse("public:group-detail", kwargs={"slug": camden_meetings.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Next public meeting" in html
    assert "Camden Town Hall" in html
    assert "7:00pm" in html
    assert "Face the People" in html
    assert "Closed meeting" not in html
    assert "Executive training" not in html
    assert "Last month&#x27;s meeting" not in html
