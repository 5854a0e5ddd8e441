"""Correcting a custody visit's report after it was saved: who may (officers
any visit, a visitor only a visit they made on their own panel), the same
rules as recording it, optimistic locking, the audit and the history."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.core.audit_events import AuditEventType
from cpeg.core.errors import EditConflict
from cpeg.core.models import AuditEvent
from cpeg.core.tests.formdata import form_data
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.services import custody_issue_resolve, custody_visit_change
from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, custody_visitor, visitor_account

pytestmark = pytest.mark.django_db
JUNE = timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30))


def _edit_url(visit):
    return reverse("scrutiny:visit-edit", kwargs={"pk": visit.pk})


def _detail_url(visit):
    return reverse("scrutiny:visit-detail", kwargs={"pk": visit.pk})


def _posted(visit, **overrides):
    """What the edit form sends back when nothing on it was touched."""
    arrived = timezone.localtime(visit.visited_at)
    data = {
        "suite": visit.suite_id,
        "first_visitor": visit.first_visitor_id,
        "second_visitor": visit.second_visitor_id,
        "visited_on_0": str(arrived.day),
        "visited_on_1": str(arrived.month),
        "visited_on_2": str(arrived.year),
        "arrived_at": f"{arrived:%H:%M}",
        "minutes_to_gain_access": str(visit.minutes_to_gain_access),
        "version": str(visit.version),
    }
    for name in ("in_custody", "not_available", "not_offered", "offered", "accepted", "declined", "observed_only"):
        data[name] = str(getattr(visit, name))
    for name in ("rights_concerns", "health_concerns", "conditions_concerns", "issues_raised"):
        data[name] = getattr(visit, name)
    for name in ("unannounced", "access_refused", "issues_resolved"):
        if getattr(visit, name):
            data[name] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_officer_corrects_a_report_through_the_form_with_audit_and_history(client):
    visit = custody_visit(custody_panel("Camden"), visited_at=JUNE)
    officer = OfficerFactory()
    client.force_login(officer)
    page = client.get(_edit_url(visit))
    form = page.context["form"]
    assert form.initial["version"] == 1
    assert form.initial["in_custody"] == 6
    assert form.initial["visited_on"] == dt.date(2025, 6, 3)
    # Filled in as typed: the time to the minute, as the form reads it back.
    assert 'name="arrived_at" value="21:30"' in page.content.decode()
    response = client.post(
        _edit_url(visit),
        _posted(visit, in_custody="7", not_available="2", health_concerns="One detainee asked for a doctor; seen"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert response["Location"] == _detail_url(visit)
    assert _messages(response) == ["Visit report changed"]
    visit.refresh_from_db()
    assert (visit.in_custody, visit.not_available, visit.version) == (7, 2, 2)
    assert visit.updated_by == officer
    event = AuditEvent.objects.get(event_type=AuditEventType.CUSTODY_VISIT_CHANGED)
    assert event.actor == officer
    assert event.payload["changes"] == {
        "in_custody": {"old": 6, "new": 7},
        "not_available": {"old": 1, "new": 2},
        "health_concerns": {"old": "", "new": "One detainee asked for a doctor; seen"},
    }
    assert event.summary.startswith("Changed people in custody at the time, not available")
    assert "of the visit to" in event.summary
    assert "3 June 2025" in event.summary
    # The visit's page offers the change and shows its history in words.
    page = client.get(_detail_url(visit))
    html = page.content.decode()
    assert _edit_url(visit) in html
    assert "Change this report" in html
    changed = [entry for entry in page.context["history"] if entry.action == "Changed"]
    assert len(changed) == 1
    assert ("People in custody at the time", "6", "7") in changed[0].changes
    assert "People in custody at the time: 6 &rarr; 7" in html


def test_a_visitor_corrects_a_visit_they_made_and_must_stay_one_of_the_pair(client):
    camden = custody_panel("Camden")
    user, me = visitor_account(camden)
    partner = custody_visitor(camden, "Partner")
    visit = custody_visit(camden, first_visitor=partner, second_visitor=me, visited_at=JUNE)
    changed = custody_visit_change(visit=visit, actor=user, version=1, declined=0, accepted=4)
    assert (changed.accepted, changed.declined, changed.version) == (4, 0, 2)
    others = (custody_visitor(camden, "Third"), custody_visitor(camden, "Fourth"))
    with pytest.raises(ValidationError) as error:
        custody_visit_change(visit=visit, actor=user, version=2, first_visitor=others[0], second_visitor=others[1])
    assert "Record only visits you made" in error.value.message_dict["first_visitor"][0]
    # Through the form too, and the page offers them the change.
    client.force_login(user)
    assert _edit_url(visit) in client.get(_detail_url(visit)).content.decode()
    visit.refresh_from_db()
    response = client.post(_edit_url(visit), _posted(visit, unannounced=None))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert not visit.unannounced
    assert visit.version == 3


def test_a_visitor_may_not_change_another_pairs_visit_nor_another_panels(client):
    camden, islington = custody_panel("Camden"), custody_panel("Islington")
    user, _ = visitor_account(camden)
    theirs = custody_visit(camden, visited_at=JUNE)  # another pair on the visitor's panel
    elsewhere = custody_visit(islington, visited_at=JUNE)
    with pytest.raises(PermissionDenied):
        custody_visit_change(visit=theirs, actor=user, version=1, in_custody=9)
    client.force_login(user)
    # They may read the visit, so changing it is forbidden (403) and not offered.
    assert client.get(_edit_url(theirs)).status_code == 403
    assert client.post(_edit_url(theirs), _posted(theirs, in_custody="9")).status_code == 403
    assert _edit_url(theirs) not in client.get(_detail_url(theirs)).content.decode()
    # Another panel's visit is not theirs to see at all (404).
    assert client.get(_edit_url(elsewhere)).status_code == 404
    assert client.post(_edit_url(elsewhere), _posted(elsewhere, in_custody="9")).status_code == 404
    # A group's people read the borough's visits but never change them.
    admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("camden")))
    client.force_login(admin)
    assert client.get(_edit_url(theirs)).status_code == 403
    assert "Change this report" not in client.get(_detail_url(theirs)).content.decode()
    for visit in (theirs, elsewhere):
        visit.refresh_from_db()
        assert (visit.in_custody, visit.version) == (6, 1)
    assert not AuditEvent.objects.filter(event_type=AuditEventType.CUSTODY_VISIT_CHANGED).exists()


def test_a_stale_copy_is_refused(client):
    visit = custody_visit(custody_panel("Camden"), visited_at=JUNE)
    officer = OfficerFactory()
    custody_visit_change(visit=visit, actor=officer, version=1, rights_concerns="The rights leaflet was old")
    with pytest.raises(EditConflict):
        custody_visit_change(visit=visit, actor=officer, version=1, rights_concerns="Other text")
    visit.refresh_from_db()
    assert (visit.rights_concerns, visit.version) == ("The rights leaflet was old", 2)


def test_two_people_editing_at_once_see_each_others_changes(client):
    visit = custody_visit(custody_panel("Camden"), visited_at=JUNE)
    url = _edit_url(visit)
    alice, bob = OfficerFactory(first_name="Alice", last_name="Adams"), OfficerFactory()
    client.force_login(alice)
    alices = form_data(client.get(url).content.decode())
    client.force_login(bob)
    bobs = form_data(client.get(url).content.decode())
    client.force_login(alice)
    assert client.post(url, alices | {"rights_concerns": "The rights leaflet was old"}).status_code == 302
    client.force_login(bob)
    response = client.post(url, bobs | {"conditions_concerns": "Cell 2 dirty"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this record while you were editing it" in html
    assert "Alice Adams saved this record" in html
    visit.refresh_from_db()
    assert (visit.rights_concerns, visit.conditions_concerns, visit.version) == ("The rights leaflet was old", "", 2)
    # Saving again with Alice's answer kept lands both changes.
    again = form_data(html)
    assert again["conflict-rights_concerns"] == "theirs"
    assert client.post(url, again).status_code == 302
    visit.refresh_from_db()
    assert (visit.rights_concerns, visit.conditions_concerns, visit.version) == (
        "The rights leaflet was old",
        "Cell 2 dirty",
        3,
    )
    assert AuditEvent.objects.filter(event_type=AuditEventType.CUSTODY_VISIT_CHANGED).count() == 2


def test_every_broken_rule_is_shown_at_once_and_what_was_typed_is_kept(client):
    camden = custody_panel("Camden")
    visit = custody_visit(camden, visited_at=JUNE)
    client.force_login(OfficerFactory())
    typed = "Mr Smith asked for a blanket; custody number 01/12345"
    response = client.post(
        _edit_url(visit),
        _posted(
            visit,
            second_visitor=str(visit.first_visitor_id),
            offered="9",
            issues_raised=typed,
            rights_concerns="Leaflets out of date",
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"second_visitor", "offered", "in_custody", "issues_raised"}
    assert "must equal accepted" in errors["offered"][0]
    assert "name or a custody number" in errors["issues_raised"][0]
    html = response.content.decode()
    assert "Mr Smith asked for a blanket; custody number 01/12345" in html
    assert "Leaflets out of date" in html
    assert 'value="9"' in html
    visit.refresh_from_db()
    assert (visit.offered, visit.issues_raised, visit.rights_concerns, visit.version) == (4, "", "", 1)
    # Access refused keeps the counts rule: the counts must be 0.
    with pytest.raises(ValidationError) as error:
        custody_visit_change(visit=visit, actor=OfficerFactory(), version=1, access_refused=True)
    assert "leave the counts of people at 0" in error.value.message_dict["in_custody"][0]


def test_nothing_changed_saves_nothing(client):
    # A time saved with seconds, shown to the minute, is not a change.
    visit = custody_visit(custody_panel("Camden"), visited_at=JUNE + dt.timedelta(seconds=15))
    client.force_login(OfficerFactory())
    response = client.post(_edit_url(visit), _posted(visit))
    assert response.status_code == 302
    assert _messages(response) == ["No changes: the report is as it was"]
    visit.refresh_from_db()
    assert visit.version == 1
    assert visit.visited_at == JUNE + dt.timedelta(seconds=15)
    assert visit.history.count() == 1
    assert not AuditEvent.objects.filter(event_type=AuditEventType.CUSTODY_VISIT_CHANGED).exists()


def test_a_resolution_recorded_later_is_kept_and_needs_the_issues_raised(client):
    visit = custody_visit(custody_panel("Camden"), visited_at=JUNE, issues_raised="Cell 3 bell broken")
    officer = OfficerFactory()
    custody_issue_resolve(
        visit=visit, actor=officer, version=1, issues_resolved_on=dt.date(2025, 6, 9), resolution="Bell mended"
    )
    client.force_login(officer)
    visit.refresh_from_db()
    form = client.get(_edit_url(visit)).context["form"]
    assert "issues_resolved" not in form.fields
    response = client.post(_edit_url(visit), _posted(visit, issues_raised="", issues_resolved=None))
    assert response.status_code == 400
    assert "resolution was recorded on 9 June 2025" in response.context["form"].errors["issues_raised"][0]
    response = client.post(_edit_url(visit), _posted(visit, issues_raised="Cell 3 call bell broken"))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.issues_resolved
    assert visit.issues_resolved_on == dt.date(2025, 6, 9)
    assert visit.issues_raised == "Cell 3 call bell broken"


@pytest.mark.parametrize("size", [2, 30])
def test_bounded_queries(client, django_assert_max_num_queries, size):
    camden = custody_panel("Camden")
    visit = custody_visit(camden, visited_at=JUNE)
    for number in range(size):
        custody_visitor(camden, f"Visitor {number}")
    officer = OfficerFactory()
    for number in range(size):
        visit.refresh_from_db()
        custody_visit_change(visit=visit, actor=officer, version=visit.version, minutes_to_gain_access=number + 1)
    visit.refresh_from_db()
    client.force_login(officer)
    with django_assert_max_num_queries(10):
        assert client.get(_edit_url(visit)).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(_detail_url(visit)).status_code == 200
    with django_assert_max_num_queries(26):
        response = client.post(_edit_url(visit), _posted(visit, in_custody="8"))
        assert response.status_code == 302
