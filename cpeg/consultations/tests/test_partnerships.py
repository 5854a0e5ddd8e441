"""Local partnership structures: ward panels with the CPEG executive
members who chair or attend them, and the chairs' forum (LCP2) with its
meetings, attendance by group and minutes."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.consultations import partnerships
from cpeg.consultations.models import ChairsForumMeeting, WardPanel
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, ExecutiveMembershipFactory, borough

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


def test_panels_record_who_chairs_and_attends_and_the_borough_counts(camden):
    chair = ExecutiveMembershipFactory(group=camden)
    secretary = ExecutiveMembershipFactory(group=camden, role="secretary")
    admin = GroupAdminFactory(group=camden)
    data = {"ward": "Belsize", "cluster": "North", "chair": chair, "attendees": [secretary]}
    panel = partnerships.panel_save(borough=borough("camden"), actor=admin, data=data)
    partnerships.panel_save(
        borough=borough("camden"), actor=admin, data={"ward": "Frognal", "cluster": "North", "attendees": [chair]}
    )
    partnerships.panel_save(borough=borough("camden"), actor=admin, data={"ward": "Holborn", "cluster": ""})
    page = partnerships.borough_partnerships(borough=borough("camden"))
    # By hand: three panels, one chaired by the CPEG, two chaired or attended.
    assert (page.panels, page.chaired, page.attended) == (3, 1, 2)
    assert [name for name, _panels in page.clusters] == ["North", "No cluster"]
    assert AuditEvent.objects.filter(event_type="WARD_PANEL_SAVED").count() == 3
    changed = partnerships.panel_save(
        borough=borough("camden"),
        actor=admin,
        panel=panel,
        data={**data, "attendees": []},
        loaded_version=panel.version,
    )
    assert list(changed.attendees.all()) == []
    assert "the executive members who attend" in AuditEvent.objects.latest("created_at").summary


def test_a_panel_is_refused_a_duplicate_ward_or_another_boroughs_executive(camden):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    hackney_chair = ExecutiveMembershipFactory(group=hackney)
    officer = OfficerFactory()
    partnerships.panel_save(borough=borough("camden"), actor=officer, data={"ward": "Belsize"})
    with pytest.raises(ValidationError) as error:
        partnerships.panel_save(
            borough=borough("camden"), actor=officer, data={"ward": "belsize", "chair": hackney_chair}
        )
    assert set(error.value.message_dict) == {"ward", "attendees"}
    with pytest.raises(PermissionDenied):
        partnerships.panel_save(
            borough=borough("camden"),
            actor=GroupAdminFactory(group=hackney),
            data={"ward": "Frognal"},
        )


def test_forum_attendance_per_group_is_the_length_of_its_list(client, camden):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    officer = OfficerFactory()
    plan = [
        (dt.date(2025, 5, 12), [camden, hackney]),
        (dt.date(2025, 9, 12), [camden]),
        (dt.date(2026, 5, 12), [camden]),
    ]
    for day, groups in plan:
        partnerships.meeting_save(actor=officer, data={"held_on": day, "title": f"LCP2 {day}"}, groups=groups)
    page = partnerships.forum_page(user=officer, year=FinancialYear(2025))
    assert dict((g.pk, n) for g, n in page.attendance) == {camden.pk: 2, hackney.pk: 1}
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    html = client.get(reverse("consultations:forum-list") + "?year=2025").content.decode()
    links = re.findall(r'href="(\?year=2025&amp;group=\d+)" data-count="(\d+)"', html)
    assert len(links) == 1  # a link member's boroughs' groups only
    for link, count in links:
        listed = client.get(reverse("consultations:forum-list") + link.replace("&amp;", "&")).content.decode()
        assert listed.count('id="meeting-') == int(count) == 2


def test_an_officer_records_a_meeting_with_checked_minutes_once(client, camden, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    client.force_login(OfficerFactory())
    url = reverse("consultations:forum-create")
    form_page = client.get(url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', form_page).group(1)
    fields = {
        "title": "LCP2 chairs' meeting",
        "held_on_0": "12",
        "held_on_1": "10",
        "held_on_2": "2026",
        "groups_attended": [camden.pk],
        "form_token": token,
    }
    bad = client.post(url, {**fields, "minutes": SimpleUploadedFile("minutes.pdf", b"not a pdf")})
    assert bad.status_code == 400
    assert not ChairsForumMeeting.objects.exists()
    for _ in range(2):  # the same form sent twice records one meeting
        page = client.post(url, {**fields, "minutes": SimpleUploadedFile("minutes.pdf", PDF, "application/pdf")})
        assert page.status_code == 302
    meeting = ChairsForumMeeting.objects.get()
    assert list(meeting.groups_attended.all()) == [camden]
    download = client.get(reverse("consultations:forum-minutes", args=[meeting.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    client.force_login(GroupAdminFactory(group=camden))
    assert client.get(reverse("consultations:forum-minutes", args=[meeting.pk])).status_code == 200
    assert client.get(reverse("consultations:forum-edit", args=[meeting.pk])).status_code == 403


def test_the_borough_page_through_the_form(client, camden):
    chair = ExecutiveMembershipFactory(group=camden)
    client.force_login(GroupAdminFactory(group=camden))
    url = reverse("consultations:panel-create", args=[borough("camden").pk])
    assert client.post(url, {"ward": ""}).status_code == 400
    page = client.post(url, {"ward": "Gospel Oak", "cluster": "North", "chair": chair.pk})
    assert page.status_code == 302
    html = client.get(page["Location"]).content.decode()
    assert "Gospel Oak" in html
    assert chair.person.full_name in html
    assert WardPanel.objects.get().chair == chair


def test_pages_read_the_same_number_of_queries_for_more_records(client, camden, django_assert_max_num_queries):
    officer = OfficerFactory()
    client.force_login(officer)
    seats = [ExecutiveMembershipFactory(group=camden) for _ in range(3)]
    day = dt.date(2025, 6, 1)
    urls = [
        reverse("consultations:borough-partnerships", args=[borough("camden").pk]),
        reverse("consultations:forum-list") + "?year=2025",
    ]

    def add(n):
        for i in range(n):
            partnerships.panel_save(
                borough=borough("camden"),
                actor=officer,
                data={"ward": f"Ward {WardPanel.objects.count()}", "chair": seats[0], "attendees": seats},
            )
            partnerships.meeting_save(actor=officer, data={"held_on": day, "title": f"LCP2 {i}"}, groups=[camden])

    add(1)
    for url in urls:
        with django_assert_max_num_queries(25) as few:
            assert client.get(url).status_code == 200
        add(4)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get(url).status_code == 200
