"""Policing Pledge and confidence at public meetings: recorded on the
meeting, counted per group and year exactly, each count its list."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities.choices import ActivityType
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.consultations import pledge
from cpeg.consultations.models import PledgeReport
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)
YEAR = FinancialYear(2025)


def _report(meeting, performance, confidence, topics=""):
    admin = GroupAdminFactory(group=meeting.group)
    return pledge.pledge_report_save(
        activity=meeting,
        actor=admin,
        data={"performance_reported": performance, "confidence_reported": confidence, "topics": topics},
        today=TODAY,
    )


def test_a_report_is_recorded_once_per_meeting_then_changed_and_audited():
    meeting = ActivityFactory(group=EngagementGroupFactory(borough=borough("camden")))
    report = _report(meeting, True, False, "Burglary")
    again = pledge.pledge_report_save(
        activity=meeting,
        actor=GroupAdminFactory(group=meeting.group),
        data={"performance_reported": True, "confidence_reported": True, "topics": "Burglary"},
        today=TODAY,
        loaded_version=report.version,
    )
    assert again.pk == report.pk
    assert PledgeReport.objects.count() == 1
    assert again.confidence_reported is True
    events = AuditEvent.objects.filter(event_type="PLEDGE_REPORT_SAVED", group=meeting.group)
    assert events.count() == 2
    assert "public confidence" in events.order_by("created_at").last().summary


def test_only_public_meetings_held_and_the_groups_own_people():
    camden = EngagementGroupFactory(borough=borough("camden"))
    newsletter = ActivityFactory(group=camden, newsletter=True)
    with pytest.raises(ValidationError, match="only be recorded on a public meeting"):
        _report(newsletter, True, True)
    planned = ActivityFactory(group=camden, held_on=TODAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="once the meeting has been held"):
        _report(planned, True, True)
    meeting = ActivityFactory(group=camden)
    with pytest.raises(ValidationError) as error:
        pledge.pledge_report_save(activity=meeting, actor=OfficerFactory(), data={}, today=TODAY)
    assert set(error.value.message_dict) == {"performance_reported", "confidence_reported"}
    hackney = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        pledge.pledge_report_save(
            activity=meeting,
            actor=hackney,
            data={"performance_reported": True, "confidence_reported": True},
            today=TODAY,
        )


def test_counts_per_group_and_year_match_hand_computation():
    camden = EngagementGroupFactory(borough=borough("camden"))
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    plan = [
        (camden, dt.date(2025, 5, 1), True, True),
        (camden, dt.date(2025, 9, 1), True, False),
        (camden, dt.date(2026, 1, 1), False, False),
        (camden, dt.date(2026, 5, 1), True, True),  # next year: not counted in 2025/26
        (hackney, dt.date(2025, 6, 1), False, True),
    ]
    for group, day, performance, confidence in plan:
        _report(ActivityFactory(group=group, held_on=day), performance, confidence)
    withdrawn = ActivityFactory(group=camden, held_on=dt.date(2025, 7, 1))
    _report(withdrawn, True, True)
    withdrawn.withdrawn_at = dt.datetime(2025, 8, 1, tzinfo=dt.UTC)
    withdrawn.withdrawal_reason = "Cancelled"
    withdrawn.save()
    counts = pledge.pledge_counts(group_ids=[camden.pk, hackney.pk], year=YEAR)
    assert counts[camden.pk] == pledge.PledgeCounts(recorded=3, performance=2, confidence=1, either=2, neither=1)
    assert counts[hackney.pk] == pledge.PledgeCounts(recorded=1, performance=0, confidence=1, either=1, neither=0)
    for key in pledge.SHOW:
        assert pledge.pledge_reports(group=camden, year=YEAR, show=key).count() == getattr(counts[camden.pk], key)


def test_each_figure_on_the_group_page_links_to_exactly_the_meetings_it_counts(client):
    camden = EngagementGroupFactory(borough=borough("camden"))
    for day, performance, confidence in [
        (dt.date(2025, 5, 1), True, True),
        (dt.date(2025, 9, 1), True, False),
        (dt.date(2026, 1, 1), False, False),
    ]:
        _report(ActivityFactory(group=camden, held_on=day), performance, confidence)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    url = reverse("consultations:group-pledge", args=[camden.pk]) + "?year=2025"
    html = client.get(url).content.decode()
    links = re.findall(r'href="([^"]+show=(\w+))" data-count="(\d+)"', html.replace("&amp;", "&"))
    assert {key for _url, key, _n in links} == set(pledge.SHOW) - {"recorded"}
    for link, key, count in links:
        page = client.get(link).content.decode()
        assert page.count('href="/activities/') == int(count), key


def test_the_meeting_page_leads_to_the_form_which_records_the_report(client, time_machine):
    time_machine.move_to(dt.datetime(2026, 11, 24, 12, tzinfo=dt.UTC))
    camden = EngagementGroupFactory(borough=borough("camden"))
    meeting = ActivityFactory(group=camden, held_on=dt.date(2026, 10, 1))
    client.force_login(GroupAdminFactory(group=camden))
    detail = client.get(reverse("activities:activity-detail", args=[meeting.pk])).content.decode()
    form_url = reverse("consultations:pledge-report", args=[meeting.pk])
    assert form_url in detail
    page = client.post(form_url, {"topics": "Knife crime"})
    assert page.status_code == 400
    assert "Select whether the borough commander reported performance figures" in page.content.decode()
    assert "Knife crime" in page.content.decode()
    page = client.post(
        form_url, {"performance_reported": "True", "confidence_reported": "False", "topics": "Knife crime"}
    )
    assert page.status_code == 302
    report = PledgeReport.objects.get(activity=meeting)
    assert (report.performance_reported, report.confidence_reported, report.group) == (True, False, camden)
    detail = client.get(reverse("activities:activity-detail", args=[meeting.pk])).content.decode()
    assert "Knife crime" in detail
    # A Face the People session is a public meeting too; a training session is not.
    training = ActivityFactory(group=camden, activity_type=ActivityType.TRAINING, public_attendance=None)
    assert client.get(reverse("consultations:pledge-report", args=[training.pk])).status_code == 302


def test_the_summary_reads_the_same_number_of_queries_for_more_groups(client, django_assert_max_num_queries):
    slugs = ["camden", "hackney", "islington", "lambeth", "southwark", "lewisham"]
    client.force_login(OfficerFactory())
    url = reverse("consultations:pledge-summary") + "?year=2025"
    for slug in slugs[:2]:
        _report(ActivityFactory(group=EngagementGroupFactory(borough=borough(slug))), True, False)
    with django_assert_max_num_queries(25) as few:
        assert client.get(url).status_code == 200
    for slug in slugs[2:]:
        _report(ActivityFactory(group=EngagementGroupFactory(borough=borough(slug))), True, True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    # Totals by hand: 6 meetings recorded, 6 with performance, 4 with confidence.
    assert re.search(r"<tfoot>.*?<strong>6</strong>.*?<strong>6</strong>.*?<strong>4</strong>", html, re.S)
