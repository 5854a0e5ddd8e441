"""Following up a custody visit's issues raised with the custody officer:
the outstanding issues London-wide and per panel, and recording how each
was resolved (officers and the panel's visitors, optimistic locking, audit)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.errors import EditConflict
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.models import CustodyVisit
from cpeg.scrutiny.services import custody_issue_resolve
from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, visitor_account

pytestmark = pytest.mark.django_db
JUNE = timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30))


def _issue(panel, text="The cell bell in cell 3 did not work", **fields):
    return custody_visit(panel, **{"visited_at": JUNE, "issues_raised": text, **fields})


def test_a_visitor_on_the_panel_records_the_resolution_with_audit_and_a_new_version():
    camden = custody_panel("Camden")
    user, _ = visitor_account(camden)
    visit = _issue(camden)
    assert visit.has_outstanding_issues
    resolved = custody_issue_resolve(
        visit=visit,
        actor=user,
        version=visit.version,
        issues_resolved_on=dt.date(2025, 6, 10),
        resolution="Bell repaired by the estates team",
    )
    visit.refresh_from_db()
    assert not visit.has_outstanding_issues
    assert (visit.issues_resolved_on, visit.resolution) == (dt.date(2025, 6, 10), "Bell repaired by the estates team")
    assert visit.version == resolved.version == 2
    event = AuditEvent.objects.get(event_type=AuditEventType.CUSTODY_ISSUE_RESOLVED)
    assert event.actor == user
    assert "10 June 2025" in event.summary


def test_every_broken_rule_is_reported_at_once():
    camden = custody_panel("Camden")
    visit = _issue(camden)
    with pytest.raises(ValidationError) as error:
        custody_issue_resolve(
            visit=visit,
            actor=OfficerFactory(),
            issues_resolved_on=timezone.localdate() + dt.timedelta(days=1),
            resolution="Mr Smith was given a blanket",
        )
    errors = error.value.message_dict
    assert "today or in the past" in errors["issues_resolved_on"][0]
    assert "looks like a name" in errors["resolution"][0]
    with pytest.raises(ValidationError) as error:
        custody_issue_resolve(
            visit=visit, actor=OfficerFactory(), issues_resolved_on=dt.date(2025, 6, 2), resolution=""
        )
    errors = error.value.message_dict
    assert "on or after the visit (3 June 2025)" in errors["issues_resolved_on"][0]
    assert errors["resolution"] == ["Enter what was done to resolve the issues"]
    no_issues = custody_visit(camden, visited_at=JUNE)
    with pytest.raises(ValidationError, match="raised no issues"):
        custody_issue_resolve(
            visit=no_issues, actor=OfficerFactory(), issues_resolved_on=dt.date(2025, 6, 4), resolution="Done"
        )
    visit.refresh_from_db()
    assert visit.has_outstanding_issues
    assert visit.version == 1


def test_a_stale_copy_is_refused():
    visit = _issue(custody_panel("Camden"))
    officer = OfficerFactory()
    custody_issue_resolve(
        visit=visit, actor=officer, version=1, issues_resolved_on=dt.date(2025, 6, 4), resolution="Bell mended"
    )
    with pytest.raises(EditConflict):
        custody_issue_resolve(
            visit=visit, actor=officer, version=1, issues_resolved_on=dt.date(2025, 6, 5), resolution="Other text"
        )
    visit.refresh_from_db()
    assert visit.resolution == "Bell mended"
    assert visit.version == 2


def test_only_officers_and_the_panels_visitors_record_resolutions():
    camden, islington = custody_panel("Camden"), custody_panel("Islington")
    visit = _issue(camden)
    islington_visitor, _ = visitor_account(islington, username="islington-visitor")
    camden_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("camden")))
    for actor in (islington_visitor, camden_admin):
        with pytest.raises(PermissionDenied):
            custody_issue_resolve(visit=visit, actor=actor, issues_resolved_on=dt.date(2025, 6, 4), resolution="x")
    assert CustodyVisit.objects.get(pk=visit.pk).has_outstanding_issues


def test_the_london_wide_list_counts_each_panel_and_links_to_exactly_its_issues(client):
    camden, islington = custody_panel("Camden"), custody_panel("Islington")
    camden_issues = [_issue(camden), _issue(camden, "Heating broken")]
    islington_issue = _issue(islington)
    _issue(camden, "Already mended", issues_resolved=True)  # resolved at the time
    custody_visit(camden, visited_at=JUNE)  # no issues
    client.force_login(OfficerFactory())
    response = client.get(reverse("scrutiny:outstanding-issues"))
    assert response.status_code == 200
    rows = {row.panel.name: row for row in response.context["rows"]}
    assert (rows["Camden"].count, rows["Islington"].count, response.context["total"]) == (2, 1, 3)
    assert {v.pk for v in response.context["page"]} == {*(v.pk for v in camden_issues), islington_issue.pk}
    page = client.get(rows["Camden"].url)
    assert [v.pk for v in page.context["page"]] == [v.pk for v in camden_issues]
    assert all(v.can_resolve for v in page.context["page"])
    # A visitor sees their own panel only.
    user, _ = visitor_account(camden)
    client.force_login(user)
    response = client.get(reverse("scrutiny:outstanding-issues"))
    assert [row.panel.name for row in response.context["rows"]] == ["Camden"]
    assert {v.pk for v in response.context["page"]} == {v.pk for v in camden_issues}


def test_the_form_shows_every_error_keeps_what_was_typed_and_saves(client):
    camden = custody_panel("Camden")
    user, _ = visitor_account(camden)
    visit = _issue(camden)
    client.force_login(user)
    url = reverse("scrutiny:visit-resolve", kwargs={"pk": visit.pk})
    assert client.get(url).context["form"].initial["version"] == 1
    data = {
        "issues_resolved_on_0": "2",
        "issues_resolved_on_1": "6",
        "issues_resolved_on_2": "2025",
        "resolution": "Custody no 01/12345 moved",
        "version": "1",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"issues_resolved_on", "resolution"}
    assert "Custody no 01/12345 moved" in response.content.decode()
    data.update(issues_resolved_on_0="12", resolution="Bell mended the next week")
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("scrutiny:panel-issues", kwargs={"pk": camden.pk})
    visit.refresh_from_db()
    assert visit.issues_resolved
    assert visit.issues_resolved_on == dt.date(2025, 6, 12)
    detail = client.get(reverse("scrutiny:visit-detail", kwargs={"pk": visit.pk})).content.decode()
    assert "Bell mended the next week" in detail
    assert "12 June 2025" in detail


def test_a_visit_with_no_issues_has_no_resolution_page(client):
    visit = custody_visit(custody_panel("Camden"), visited_at=JUNE)
    client.force_login(OfficerFactory())
    assert client.get(reverse("scrutiny:visit-resolve", kwargs={"pk": visit.pk})).status_code == 404


@pytest.mark.parametrize("size", [2, 30])
def test_bounded_queries(client, django_assert_max_num_queries, size):
    camden, islington = custody_panel("Camden"), custody_panel("Islington")
    for hour in range(size):
        _issue(camden if hour % 2 else islington, visited_at=JUNE + dt.timedelta(hours=hour))
    client.force_login(OfficerFactory())
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scrutiny:outstanding-issues")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("scrutiny:panel-issues", kwargs={"pk": camden.pk})).status_code == 200
