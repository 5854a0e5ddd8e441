"""The London calendar of public meetings, the iCalendar feeds and published documents."""

import datetime as dt

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cpeg.activities.choices import ActivityType, DocumentType
from cpeg.activities.tests.factories import ActivityDocumentFactory, ActivityFactory
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import Borough
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"), name="Camden CPEG")


def meeting(group, days, **kwargs):
    kwargs.setdefault("public_attendance", None)
    return ActivityFactory(group=group, held_on=TODAY + dt.timedelta(days=days), **kwargs)


def parse(response) -> icalendar.Calendar:
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_the_feed_is_valid_icalendar_with_one_event_per_coming_public_meeting(client, camden, settings):
    settings.SITE_URL = "https://cpeg.example.org"
    hall = VenueFactory(group=camden, name="Town Hall", address="Judd Street\nLondon", postcode="WC1H 9JE")
    timed = meeting(camden, 7, title="Winter public meeting", starts_at=dt.time(19, 0), venue=hall)
    all_day = meeting(camden, 30, title="Face the People", activity_type=ActivityType.FACE_THE_PEOPLE)
    meeting(camden, -1, title="Held yesterday")
    meeting(camden, 3, title="Not for the public", is_public=False)
    meeting(camden, 4, title="A newsletter", activity_type=ActivityType.NEWSLETTER, is_public=True)
    withdrawn = meeting(camden, 5, title="Withdrawn")
    withdrawn.withdrawn_at, withdrawn.withdrawal_reason = timezone.now(), "Entered twice"
    withdrawn.save()
    meeting(camden, 400, title="Over a year away")

    calendar = parse(client.get(reverse("public:group-meetings-feed", kwargs={"slug": camden.slug})))
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == [
        "Winter public meeting (Camden CPEG)",
        "Face the People (Camden CPEG)",
    ]
    first, second = events
    assert str(first["UID"]) == f"activity-{timed.pk}@cpeg.example.org"
    start = first.decoded("DTSTART")
    assert start == dt.datetime(2026, 12, 1, 19, 0, tzinfo=start.tzinfo)
    assert start.utcoffset() == dt.timedelta(0)  # Greenwich time in December
    assert first.decoded("DTEND") - start == dt.timedelta(hours=2)
    assert str(first["LOCATION"]) == "Town Hall, Judd Street, London, WC1H 9JE"
    assert str(first["URL"]) == f"https://cpeg.example.org{camden.get_public_url()}"
    # The timezone the timed event names is in the feed.
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    # No start time: an all-day event.
    assert second.decoded("DTSTART") == TODAY + dt.timedelta(days=30)
    assert second.decoded("DTEND") == TODAY + dt.timedelta(days=31)
    assert str(second["UID"]) == f"activity-{all_day.pk}@cpeg.example.org"


def test_a_moved_meeting_keeps_its_uid_and_raises_its_sequence(client, camden):
    moved = meeting(camden, 7, title="Winter public meeting")
    url = reverse("public:meetings-feed")
    before = parse(client.get(url)).walk("VEVENT")[0]
    moved.held_on += dt.timedelta(days=1)
    moved.version += 1
    moved.save()
    after = parse(client.get(url)).walk("VEVENT")[0]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert after.decoded("DTSTART") == before.decoded("DTSTART") + dt.timedelta(days=1)


def test_the_london_feed_and_calendar_leave_out_unpublished_and_disbanded_groups(client, camden):
    hidden = EngagementGroupFactory(borough=borough("hackney"), is_published=False)
    gone = EngagementGroupFactory(borough=borough("islington"), status=GroupStatus.DISBANDED)
    meeting(camden, 7, title="Camden meeting")
    meeting(hidden, 7, title="Unpublished group's meeting")
    meeting(gone, 7, title="Disbanded group's meeting")
    titles = [str(e["SUMMARY"]) for e in parse(client.get(reverse("public:meetings-feed"))).walk("VEVENT")]
    assert titles == ["Camden meeting (Camden CPEG)"]
    page = client.get(reverse("public:meeting-calendar"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Camden meeting" in html
    assert "1 in all" in html
    assert "Unpublished group" not in html
    assert "Disbanded group" not in html
    assert client.get(reverse("public:group-meetings-feed", kwargs={"slug": hidden.slug})).status_code == 404


def test_the_calendar_shows_three_months_by_month(client, camden):
    meeting(camden, 7, title="December meeting")
    meeting(camden, 40, title="January meeting")
    meeting(camden, 120, title="March meeting, too far ahead")
    page = client.get(reverse("public:meeting-calendar"))
    months = [(month.strftime("%B %Y"), [m.title for m in rows]) for month, rows in page.context["months"]]
    assert months == [("December 2026", ["December meeting"]), ("January 2027", ["January meeting"])]


@pytest.mark.parametrize("groups", [2, 12])
def test_the_calendar_and_feed_run_a_fixed_number_of_queries(client, django_assert_max_num_queries, groups):
    for index, place in enumerate(Borough.objects.order_by("name")[:groups]):
        group = EngagementGroupFactory(borough=place, status=GroupStatus.ACTIVE, is_published=index % 2 == 0)
        hall = VenueFactory(group=group)
        for days in (3, 20, 50):
            meeting(group, days, venue=hall, starts_at=dt.time(18, 30))
    with django_assert_max_num_queries(4):
        assert client.get(reverse("public:meeting-calendar")).status_code == 200
    with django_assert_max_num_queries(4):
        assert client.get(reverse("public:meetings-feed")).status_code == 200


def test_the_group_page_offers_its_published_newsletters_and_annual_reports(client, camden):
    public = ActivityFactory(group=camden, newsletter=True, is_public=True, held_on=dt.date(2026, 7, 1))
    private = ActivityFactory(group=camden, newsletter=True, is_public=False, title="Draft newsletter")
    newsletter = ActivityDocumentFactory(
        activity=public, document_type=DocumentType.NEWSLETTER, original_name="summer-2026.pdf"
    )
    minutes = ActivityDocumentFactory(activity=public, document_type=DocumentType.MINUTES, original_name="minutes.pdf")
    hidden = ActivityDocumentFactory(
        activity=private, document_type=DocumentType.NEWSLETTER, original_name="draft-newsletter.pdf"
    )
    html = client.get(camden.get_public_url()).content.decode()
    assert "summer-2026.pdf" in html
    assert "July 2026" in html
    assert "minutes.pdf" not in html
    assert "draft-newsletter.pdf" not in html

    def download(document):
        return client.get(reverse("public:group-document", kwargs={"slug": camden.slug, "pk": document.pk}))

    response = download(newsletter)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="summer-2026.pdf"'
    assert download(minutes).status_code == 404
    assert download(hidden).status_code == 404
    public.withdrawn_at, public.withdrawal_reason = timezone.now(), "Wrong file"
    public.save()
    assert download(newsletter).status_code == 404
