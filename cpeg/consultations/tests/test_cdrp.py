"""CDRP meetings: the CPEG's seat filled or not, who attended from the
executive, the minutes; the attendance rate per group and year, each count
linked to exactly its meetings; the meetings feed the "two-way mechanisms"
return line; and the borough's link members on the partnerships page."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.consultations import cdrp, selectors
from cpeg.consultations.choices import TWO_WAY_OUTPUT
from cpeg.consultations.models import CdrpMeeting
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TODAY = dt.date(2026, 11, 24)
YEAR = FinancialYear(2026)


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def _record(actor, held_on, filled, attendees=(), **extra):
    data = {"held_on": held_on, "seat_filled": filled, "attendees": list(attendees), **extra}
    return cdrp.cdrp_meeting_save(borough=borough("camden"), actor=actor, data=data, today=TODAY)


def test_the_attendance_rate_is_the_meetings_with_the_seat_filled(camden):
    chair = ExecutiveMembershipFactory(group=camden)
    admin = GroupAdminFactory(group=camden)
    # By hand: seven of eight meetings this year with the seat filled (87.5%),
    # and one last year that does not count.
    for month in range(4, 11):
        _record(admin, dt.date(2026, month, 10), True, [chair])
    _record(admin, dt.date(2026, 11, 10), False)
    _record(admin, dt.date(2026, 3, 10), True)
    counts = cdrp.cdrp_attendance(group_ids=[camden.pk], year=YEAR)[camden.pk]
    assert (counts.meetings, counts.attended, counts.missed) == (8, 7, 1)
    assert counts.rate_text == "87.5%"
    assert CdrpMeeting.objects.filter(group=camden).count() == 9
    assert AuditEvent.objects.filter(event_type="CDRP_MEETING_SAVED").count() == 9
    assert cdrp.CdrpAttendance().rate_text == "–"


def test_a_meeting_is_refused_a_future_date_an_empty_seat_with_attendees_and_another_boroughs_executive(camden):
    chair = ExecutiveMembershipFactory(group=camden)
    hackney_chair = ExecutiveMembershipFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    officer = OfficerFactory()
    with pytest.raises(ValidationError) as error:
        _record(officer, TODAY + dt.timedelta(days=1), None, [chair])
    assert error.value.message_dict == {
        "held_on": ["The date of the meeting must be today or in the past"],
        "seat_filled": ["Select whether the CPEG's seat was filled"],
    }
    with pytest.raises(ValidationError, match="The seat was empty"):
        _record(officer, TODAY, False, [chair])
    with pytest.raises(ValidationError, match="Select executive members of a group in this borough"):
        _record(officer, TODAY, True, [hackney_chair])
    with pytest.raises(PermissionDenied):
        _record(GroupAdminFactory(group=hackney_chair.group), TODAY, True)
    with pytest.raises(PermissionDenied):
        _record(LinkMemberFactory(boroughs=[borough("camden")]), TODAY, True)


def test_changing_a_meeting_is_version_checked_and_audited(camden):
    chair = ExecutiveMembershipFactory(group=camden)
    officer = OfficerFactory()
    meeting = _record(officer, dt.date(2026, 6, 1), False)
    changed = cdrp.cdrp_meeting_save(
        borough=borough("camden"),
        actor=officer,
        data={"held_on": meeting.held_on, "seat_filled": True, "attendees": [chair], "notes": "ASB strategy"},
        today=TODAY,
        meeting=meeting,
        loaded_version=meeting.version,
    )
    assert changed.seat_filled is True
    assert list(changed.attendees.all()) == [chair]
    summary = AuditEvent.objects.latest("id").summary
    assert "who attended for the CPEG" in summary
    assert "the CPEG's seat was filled" in summary


def test_the_meetings_with_the_seat_filled_evidence_the_two_way_mechanisms_output(camden):
    officer = OfficerFactory()
    filled = _record(officer, dt.date(2026, 7, 1), True)
    _record(officer, dt.date(2026, 8, 1), False)
    records = selectors.evidence_records(
        group_ids=[camden.pk], starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31)
    )
    assert records[camden.pk, TWO_WAY_OUTPUT] == [filled]


def test_each_count_links_to_exactly_its_meetings_and_minutes_download(camden, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    chair = ExecutiveMembershipFactory(group=camden)
    admin = GroupAdminFactory(group=camden)
    client.force_login(admin)
    add = reverse("consultations:cdrp-create", args=[borough("camden").pk])
    form = client.get(add).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', form).group(1)
    # Every error at once, what was typed kept.
    page = client.post(add, {"held_on_0": "31", "held_on_1": "12", "held_on_2": "2026", "notes": "Budget"})
    assert page.status_code == 400
    html = page.content.decode()
    assert 'href="#id_seat_filled' in html
    assert "must be today or in the past" in html
    assert "Budget" in html
    fields = {
        "form_token": token,
        "held_on_0": "10",
        "held_on_1": "6",
        "held_on_2": "2026",
        "seat_filled": "True",
        "attendees": [chair.pk],
        "minutes": SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf"),
    }
    assert client.post(add, fields).status_code == 302
    fields["minutes"] = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    assert client.post(add, fields).status_code == 302  # sent twice: one meeting
    assert CdrpMeeting.objects.count() == 1
    _record(admin, dt.date(2026, 7, 10), False)
    _record(admin, dt.date(2026, 8, 10), True)
    url = reverse("consultations:cdrp-list", args=[borough("camden").pk]) + "?year=2026"
    html = client.get(url).content.decode()
    assert '<td class="govuk-table__cell govuk-table__cell--numeric" data-figure="rate">66.7%</td>' in html
    for key, expected in {"meetings": 3, "attended": 2, "missed": 1}.items():
        link, value = re.search(rf'href="([^"]+)" data-figure="{key}">(\d+)<', html).groups()
        assert int(value) == expected
        listed = client.get(link.replace("&amp;", "&")).content.decode()
        assert listed.count('class="govuk-summary-card" id="cdrp-meeting-') == expected
    meeting = CdrpMeeting.objects.get(minutes_name="minutes.pdf")
    download = client.get(reverse("consultations:cdrp-minutes", args=[meeting.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    client.force_login(GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney"))))
    assert client.get(reverse("consultations:cdrp-minutes", args=[meeting.pk])).status_code == 404


def test_the_partnerships_page_lists_the_boroughs_link_members_and_its_cdrp_attendance(camden, client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    LinkMemberFactory(boroughs=[borough("camden")], first_name="Lena", last_name="Link", email="lena@example.org")
    LinkMemberFactory(boroughs=[borough("hackney")], first_name="Harry", last_name="Elsewhere")
    LinkMemberFactory(boroughs=[borough("camden")], first_name="Gone", last_name="Away", is_active=False)
    officer = OfficerFactory()
    _record(officer, dt.date(2026, 6, 1), True)
    _record(officer, dt.date(2026, 7, 1), False)
    client.force_login(officer)
    html = client.get(reverse("consultations:borough-partnerships", args=[borough("camden").pk])).content.decode()
    links = re.search(r'<ul class="govuk-list" id="link-members">(.*?)</ul>', html, re.S).group(1)
    assert "Lena Link" in links
    assert "lena@example.org" in links
    assert "Harry" not in links
    assert "Gone" not in links
    assert re.search(r'data-figure="attended">1</a> of <a [^>]+data-figure="meetings">2</a>', html)
    assert "(50%)" in html


def test_the_cdrp_page_reads_the_same_number_of_queries_for_more_meetings(
    camden, client, django_assert_max_num_queries
):
    officer = OfficerFactory()
    chair = ExecutiveMembershipFactory(group=camden)
    _record(officer, dt.date(2026, 5, 1), True, [chair])
    client.force_login(officer)
    url = reverse("consultations:cdrp-list", args=[borough("camden").pk]) + "?year=2026"
    with django_assert_max_num_queries(20) as few:
        assert client.get(url).status_code == 200
    for month in range(6, 11):
        _record(officer, dt.date(2026, month, 1), True, [chair, ExecutiveMembershipFactory(group=camden)])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_the_cdrp_pages_write_nothing_on_a_get(camden, client):
    officer = OfficerFactory()
    meeting = _record(officer, dt.date(2026, 6, 1), True)
    before = (AuditEvent.objects.count(), CdrpMeeting.history.count())
    client.force_login(GroupAdminFactory(group=camden))
    for url in (
        reverse("consultations:cdrp-list", args=[borough("camden").pk]),
        reverse("consultations:cdrp-create", args=[borough("camden").pk]),
        reverse("consultations:cdrp-edit", args=[meeting.pk]),
        reverse("consultations:borough-partnerships", args=[borough("camden").pk]),
    ):
        assert client.get(url).status_code == 200
    assert (AuditEvent.objects.count(), CdrpMeeting.history.count()) == before
