"""The return pages, through the test client (the dashboard and the scorecard:
``reporting/tests/test_monitoring_views.py``)."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, ManagerFactory, OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.monitoring import services
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.monitoring.models import MonitoringSettings, QuarterlyReturn
from cpeg.monitoring.services import line_field_key
from cpeg.monitoring.tests.factories import (
    activity,
    camden_with_activities,
    complete_lines,
    groups_with_returns,
    q2_return,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch):
    """Pretend today is 1 October 2025 (Q2 2025/26 has just ended)."""
    day = dt.date(2025, 10, 1)
    monkeypatch.setattr("cpeg.monitoring.views._today", lambda: day)
    return day


@pytest.fixture
def camden(today):
    return camden_with_activities()


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


def test_visiting_the_returns_page_opens_nothing_but_an_officer_can_open_the_missing_returns(client, camden, admin):
    """Returns open every morning (the command); a visit never writes. An
    officer's "Open missing returns" button opens those still missing."""
    url = reverse("monitoring:return-list", kwargs={"pk": camden.pk})
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert QuarterlyReturn.objects.filter(group=camden).count() == 0
    assert b"Open missing returns" not in response.content
    assert client.post(reverse("monitoring:returns-open", kwargs={"pk": camden.pk})).status_code == 403
    assert QuarterlyReturn.objects.filter(group=camden).count() == 0

    officer = OfficerFactory()
    client.force_login(officer)
    assert b"Open missing returns" in client.get(url).content
    response = client.post(reverse("monitoring:returns-open", kwargs={"pk": camden.pk}), follow=True)
    assert response.redirect_chain == [(url, 302)]
    # 2024/25 Q4, 2025/26 Q1 and Q2, each opened by the officer.
    assert QuarterlyReturn.objects.filter(group=camden).count() == 3
    assert b"Opened 3 returns" in response.content
    assert b"Q2 2025/26" in response.content
    assert b"Q4 2024/25" in response.content
    assert set(AuditEvent.objects.filter(event_type="RETURN_OPENED").values_list("actor", flat=True)) == {officer.pk}
    again = client.post(reverse("monitoring:returns-open", kwargs={"pk": camden.pk}), follow=True)
    assert b"No returns were missing" in again.content


def test_the_group_updates_a_drafts_figures_from_the_activity_record_by_asking(client, camden, admin):
    """Viewing or editing a draft shows its figures as stored; the group's
    "Update figures" button brings them up to date (audited)."""
    qr = q2_return(camden)
    activity(camden, dt.date(2025, 9, 1), "newsletters")
    client.force_login(admin)
    page = client.get(qr.get_absolute_url()).content.decode()
    assert "Update figures from the activity record" in page
    client.get(reverse("monitoring:return-edit", kwargs={"pk": qr.pk}))
    assert qr.lines.get(output_code="newsletters").count_to_date == 0
    response = client.post(reverse("monitoring:return-refresh", kwargs={"pk": qr.pk}), follow=True)
    assert b"Figures updated from the activity record" in response.content
    assert qr.lines.get(output_code="newsletters").count_to_date == 1
    assert AuditEvent.objects.get(event_type="RETURN_FIGURES_UPDATED").actor == admin
    # An officer sees the return but cannot change it.
    client.force_login(OfficerFactory())
    assert "Update figures" not in client.get(qr.get_absolute_url()).content.decode()
    assert client.post(reverse("monitoring:return-refresh", kwargs={"pk": qr.pk})).status_code == 404


def test_a_submitted_returns_figures_cannot_be_updated(client, camden, admin):
    qr = q2_return(camden)
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin)
    client.force_login(admin)
    assert "Update figures" not in client.get(qr.get_absolute_url()).content.decode()
    response = client.post(reverse("monitoring:return-refresh", kwargs={"pk": qr.pk}), follow=True)
    assert b"This return has been submitted, so it cannot be changed." in response.content
    assert not AuditEvent.objects.filter(event_type="RETURN_FIGURES_UPDATED").exists()


def test_a_group_never_sees_another_groups_returns(client, camden):
    qr = q2_return(camden)
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    client.force_login(GroupAdminFactory(group=hackney))
    for name in ("return-detail", "return-edit", "return-review"):
        assert client.get(reverse(f"monitoring:{name}", kwargs={"pk": qr.pk})).status_code == 404
    assert client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk})).status_code == 404
    assert client.get(reverse("monitoring:return-list", kwargs={"pk": camden.pk})).status_code == 404
    assert client.get(reverse("reporting:monitoring-scorecard", kwargs={"pk": camden.pk})).status_code == 404


def _answers(qr, **overrides):
    data = {"version": qr.version}
    for line in qr.lines.all():
        data[line_field_key(line, "rag")] = line.rag or Rag.GREEN
        data[line_field_key(line, "progress")] = "On plan"
    data.update(overrides)
    return data


def _section_url(qr, number=1):
    return reverse("monitoring:return-section", kwargs={"pk": qr.pk, "number": number})


def test_the_group_fills_in_the_section_checks_its_answers_and_submits(client, camden, admin):
    qr = q2_return(camden)
    client.force_login(admin)
    page = client.get(_section_url(qr))
    assert page.status_code == 200
    assert b"Pro-rata target" in page.content
    response = client.post(_section_url(qr), _answers(qr))
    assert response.status_code == 302
    assert response["Location"] == reverse("monitoring:return-edit", kwargs={"pk": qr.pk})
    qr.refresh_from_db()
    check = client.get(reverse("monitoring:return-check", kwargs={"pk": qr.pk}))
    assert b"still missing" not in check.content
    response = client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk}), {"version": qr.version})
    assert response.status_code == 302
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.SUBMITTED
    detail = client.get(qr.get_absolute_url())
    assert b"cannot be changed" in detail.content
    # Editing a submitted return: refused with a message, nothing changes.
    again = client.post(_section_url(qr), _answers(qr), follow=True)
    assert b"This return has been submitted, so it cannot be changed." in again.content
    qr.refresh_from_db()
    assert qr.version == 3


def test_an_override_without_a_reason_shows_the_error_on_the_line_and_saves_nothing(client, camden, admin):
    qr = q2_return(camden)
    meetings = qr.lines.get(output_code="public-meetings")  # 2 of 3: amber suggested
    client.force_login(admin)
    data = _answers(qr, **{line_field_key(meetings, "rag"): Rag.GREEN})
    response = client.post(_section_url(qr), data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert (
        "Enter why Hold at least 4 public meetings/events per annum is green when the figures suggest amber" in content
    )
    assert f'href="#id_{line_field_key(meetings, "rag_override_reason")}"' in content
    assert qr.lines.filter(progress="On plan").count() == 0


def test_submitting_with_empty_lines_lists_each_line(client, camden, admin):
    qr = q2_return(camden)
    client.force_login(admin)
    response = client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk}), {"version": qr.version})
    assert response.status_code == 400
    content = response.content.decode()
    assert "The return has not been submitted." in content
    assert "Select a RAG status for Sign up to SLA and take part in quarterly monitoring process" in content
    assert "Enter the progress on Publish and disseminate at least 4 newsletters" in content
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.DRAFT


def test_a_stale_form_is_refused_with_the_edit_conflict_message(client, camden, admin):
    qr = q2_return(camden)
    client.force_login(admin)
    assert client.post(_section_url(qr), _answers(qr)).status_code == 302
    response = client.post(_section_url(qr), _answers(qr, version=1))
    assert response.status_code == 400
    assert b"Someone else changed this record" in response.content


def test_an_officer_returns_a_return_with_comments_and_then_accepts_the_resubmission(client, camden, admin):
    qr = q2_return(camden)
    complete_lines(qr)
    services.return_submit(quarterly_return=qr, actor=admin)
    officer = OfficerFactory()
    client.force_login(officer)
    url = reverse("monitoring:return-review", kwargs={"pk": qr.pk})
    response = client.post(url, {"decision": "return", "officer_comments": "", "version": 2})
    assert response.status_code == 400
    assert b"Enter your comments for the group" in response.content
    assert client.post(url, {"decision": "return", "officer_comments": "Add detail", "version": 2}).status_code == 302
    client.force_login(admin)
    detail = client.get(qr.get_absolute_url())
    assert b"Add detail" in detail.content
    qr.refresh_from_db()
    assert (
        client.post(reverse("monitoring:return-submit", kwargs={"pk": qr.pk}), {"version": qr.version}).status_code
        == 302
    )
    client.force_login(officer)
    assert client.post(url, {"decision": "accept", "version": qr.version + 1}).status_code == 302
    qr.refresh_from_db()
    assert qr.status == ReturnStatus.ACCEPTED
    page = client.get(qr.get_absolute_url()).content.decode()
    for event in ("opened", "submitted", "returned to the group with comments", "resubmitted", "accepted"):
        assert event in page


def test_a_manager_changes_the_settings_and_bad_numbers_are_refused(client):
    client.force_login(ManagerFactory())
    url = reverse("monitoring:settings")
    response = client.post(url, {"deadline_working_days": "0", "reminder_working_days_before": "x", "version": 1})
    assert response.status_code == 400
    assert b"The number of working days must be 1 or more" in response.content
    assert b"must be a whole number, like 5" in response.content
    ok = client.post(url, {"deadline_working_days": "20", "reminder_working_days_before": "3", "version": 1})
    assert ok.status_code == 302
    assert MonitoringSettings.load().deadline_working_days == 20


def test_the_returns_list_and_a_return_page_run_a_fixed_number_of_queries(client, today, django_assert_max_num_queries):
    (camden,) = groups_with_returns(1)
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(16):
        assert client.get(reverse("monitoring:return-list", kwargs={"pk": camden.pk})).status_code == 200
    qr = QuarterlyReturn.objects.filter(group=camden).order_by("-financial_year", "-quarter").first()
    with django_assert_max_num_queries(20):
        assert client.get(qr.get_absolute_url()).status_code == 200


# --- The support page's return address ------------------------------------------------------


@pytest.mark.parametrize(
    "next_url",
    ["/\\evil.example/", "//evil.example/", "https://evil.example/monitoring/", "javascript:alert(1)", "\\\\evil"],
)
def test_the_support_page_never_sends_the_officer_to_another_site(client, camden, admin, next_url):
    qr = q2_return(camden)
    complete_lines(qr, support_requested="Need a venue")
    services.return_submit(quarterly_return=qr, actor=admin)
    line = qr.lines.first()
    client.force_login(OfficerFactory())
    url = reverse("monitoring:support-provided", kwargs={"pk": line.pk}) + "?" + urlencode({"next": next_url})
    page = client.get(url)
    assert page.context["cancel_url"] == qr.get_absolute_url()
    response = client.post(url, {"support_given": "Found a hall", "version": line.version})
    assert response.status_code == 302
    assert response["Location"] == qr.get_absolute_url()


def test_the_support_page_returns_to_the_dashboard_page_it_came_from(client, camden, admin):
    qr = q2_return(camden)
    complete_lines(qr, support_requested="Need a venue")
    services.return_submit(quarterly_return=qr, actor=admin)
    line = qr.lines.first()
    client.force_login(OfficerFactory())
    back = "/monitoring/?year=2025&show=support&page=2"
    url = reverse("monitoring:support-provided", kwargs={"pk": line.pk}) + "?" + urlencode({"next": back})
    response = client.post(url, {"support_given": "Found a hall", "version": line.version})
    assert response["Location"] == back


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("monitoring:return-list", "get"),
        ("monitoring:returns-open", "post"),
        ("monitoring:return-detail", "get"),
        ("monitoring:return-refresh", "post"),
        ("monitoring:return-edit", "get"),
        ("monitoring:return-submit", "post"),
        ("monitoring:return-review", "get"),
        ("monitoring:support-provided", "get"),
    ],
)
def test_an_id_that_does_not_exist_is_a_404_not_a_server_error(client, name, method):
    client.force_login(OfficerFactory())
    url = reverse(name, kwargs={"pk": 2_147_483_647})
    assert getattr(client, method)(url).status_code == 404
    assert client.get(url.replace("2147483647", "0")).status_code in (404, 405)
