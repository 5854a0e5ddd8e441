"""Withdrawing an activity, restoring it, and undoing a whole import (issue 9.2)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.activities import services
from cpeg.activities.models import Activity
from cpeg.activities.selectors import activity_totals, output_counts
from cpeg.activities.tests.helpers import csv_upload
from cpeg.core.audit_events import AuditEventType
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

YEAR = FinancialYear(2025)


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


@pytest.fixture
def officer():
    return OfficerFactory()


def _meeting(group, actor, title="Spring public meeting", held_on=dt.date(2025, 5, 14)):
    return services.activity_create(
        group=group,
        actor=actor,
        data={"activity_type": "public_meeting", "title": title, "held_on": held_on, "public_attendance": 40},
    )


def _count(group):
    return output_counts(group_ids=[group.pk], starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)[
        (group.pk, "public-meetings")
    ]


def test_a_withdrawn_activity_leaves_every_count_with_its_reason_audited(camden, admin):
    meeting = _meeting(camden, admin)
    assert _count(camden) == 1
    withdrawn = services.activity_withdraw(
        activity=meeting, actor=admin, reason="Entered twice", loaded_version=meeting.version
    )
    assert withdrawn.is_withdrawn is True
    assert withdrawn.withdrawn_by == admin
    assert withdrawn.withdrawal_reason == "Entered twice"
    assert _count(camden) == 0
    assert activity_totals(group_ids=[camden.pk], starts_on=YEAR.starts_on, ends_on=YEAR.ends_on)[camden.pk].total == 0
    event = AuditEvent.objects.get(event_type=AuditEventType.ACTIVITY_WITHDRAWN)
    assert event.actor == admin
    assert event.group == camden
    assert event.payload["reason"] == "Entered twice"
    assert event.payload["held_on"] == "2025-05-14"
    assert event.payload["outputs"] == ["public-meetings"]
    assert event.payload["financial_year"] == 2025
    assert Activity.objects.filter(pk=meeting.pk).exists()  # kept, never deleted


def test_withdrawing_needs_a_reason(camden, admin):
    meeting = _meeting(camden, admin)
    with pytest.raises(ValidationError, match="Enter why the activity is being withdrawn"):
        services.activity_withdraw(activity=meeting, actor=admin, reason="  ")
    assert Activity.objects.get(pk=meeting.pk).is_withdrawn is False


def test_an_activity_cannot_be_withdrawn_twice_or_edited_once_withdrawn(camden, admin):
    meeting = _meeting(camden, admin)
    services.activity_withdraw(activity=meeting, actor=admin, reason="Cancelled")
    with pytest.raises(InvalidTransition, match="has been withdrawn"):
        services.activity_withdraw(activity=meeting, actor=admin, reason="Again")
    with pytest.raises(InvalidTransition, match="has been withdrawn"):
        services.activity_update(activity=meeting, actor=admin, data={"title": "New title"}, loaded_version=None)


def test_another_groups_administrator_cannot_withdraw(camden, admin):
    meeting = _meeting(camden, admin)
    hackney_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        services.activity_withdraw(activity=meeting, actor=hackney_admin, reason="Not ours")


def test_only_an_officer_restores_and_the_activity_counts_again(camden, admin, officer):
    meeting = _meeting(camden, admin)
    services.activity_withdraw(activity=meeting, actor=admin, reason="Entered in error")
    with pytest.raises(PermissionDenied):
        services.activity_restore(activity=meeting, actor=admin)
    restored = services.activity_restore(activity=meeting, actor=officer)
    assert restored.is_withdrawn is False
    assert restored.withdrawal_reason == ""
    assert _count(camden) == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.ACTIVITY_RESTORED, actor=officer).count() == 1
    with pytest.raises(InvalidTransition, match="not withdrawn"):
        services.activity_restore(activity=meeting, actor=officer)


ROWS = [
    ["Public meeting", "Spring public meeting", "2025-05-14", "19:00", "", "65", "yes", "yes", "", "", "", "", ""],
    ["Newsletter", "Summer newsletter", "2025-07-01", "", "", "", "", "", "", "", "", "", ""],
]


def test_undoing_an_import_withdraws_all_its_activities_and_the_file_can_be_imported_again(camden, admin, officer):
    typed_in = _meeting(camden, admin, title="Typed in", held_on=dt.date(2025, 6, 1))
    result = services.activity_import(group=camden, actor=admin, file=csv_upload(ROWS))
    batch = result.batch
    assert batch.imported_count == 2
    assert _count(camden) == 2
    undone = services.activity_import_undo(batch=batch, actor=admin, reason="Wrong group's file")
    assert undone.is_undone is True
    assert set(Activity.objects.filter(withdrawn_at__isnull=False)) == set(batch.activities.all())
    assert Activity.objects.get(pk=typed_in.pk).is_withdrawn is False
    assert _count(camden) == 1
    event = AuditEvent.objects.get(event_type=AuditEventType.ACTIVITY_IMPORT_UNDONE)
    assert event.payload["reason"] == "Wrong group's file"
    assert sorted(item["held_on"] for item in event.payload["withdrawn"]) == ["2025-05-14", "2025-07-01"]
    with pytest.raises(InvalidTransition, match="already been undone"):
        services.activity_import_undo(batch=batch, actor=admin, reason="Again")
    # The same file imported again records the rows again...
    again = services.activity_import(group=camden, actor=admin, file=csv_upload(ROWS))
    assert again.imported == 2
    assert _count(camden) == 2
    # ...so restoring an undone copy would count a row twice: refused.
    old = batch.activities.get(title="Spring public meeting")
    with pytest.raises(ValidationError, match="imported again"):
        services.activity_restore(activity=old, actor=officer)


def test_another_groups_administrator_cannot_undo_an_import(camden, admin):
    batch = services.activity_import(group=camden, actor=admin, file=csv_upload(ROWS)).batch
    hackney_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        services.activity_import_undo(batch=batch, actor=hackney_admin, reason="Not ours")


# --- Pages ---------------------------------------------------------------------


def test_the_group_withdraws_from_the_activity_page_and_an_officer_restores(client, camden, admin, officer):
    meeting = _meeting(camden, admin)
    client.force_login(admin)
    page = client.get(reverse("activities:activity-detail", kwargs={"pk": meeting.pk})).text
    assert reverse("activities:activity-withdraw", kwargs={"pk": meeting.pk}) in page
    url = reverse("activities:activity-withdraw", kwargs={"pk": meeting.pk})
    refused = client.post(url, {"version": meeting.version, "reason": ""})
    assert refused.status_code == 400
    assert "Enter why the activity is being withdrawn" in refused.text
    response = client.post(url, {"version": meeting.version, "reason": "Entered twice"})
    assert response.status_code == 302
    page = client.get(reverse("activities:activity-detail", kwargs={"pk": meeting.pk})).text
    assert "Reason: Entered twice" in page
    assert reverse("activities:activity-restore", kwargs={"pk": meeting.pk}) not in page  # not an officer
    assert reverse("activities:activity-edit", kwargs={"pk": meeting.pk}) not in page
    client.force_login(officer)
    restore = reverse("activities:activity-restore", kwargs={"pk": meeting.pk})
    assert restore in client.get(reverse("activities:activity-detail", kwargs={"pk": meeting.pk})).text
    assert client.post(restore, {"confirm": "yes"}).status_code == 302
    assert Activity.objects.get(pk=meeting.pk).is_withdrawn is False


def test_the_import_page_offers_to_undo_what_it_just_imported(client, camden, admin):
    client.force_login(admin)
    response = client.post(reverse("activities:activity-import"), {"file": csv_upload(ROWS), "action": "import"})
    batch = camden.activity_imports.get()
    undo = reverse("activities:import-undo", kwargs={"pk": batch.pk})
    assert undo in response.text
    assert "2 activities from it will be withdrawn" in client.get(undo).text
    assert client.post(undo, {"reason": "Wrong file"}).status_code == 302
    assert camden.activities.filter(withdrawn_at__isnull=True).count() == 0


def test_the_list_shows_withdrawn_activities_only_when_asked(client, camden, admin):
    kept = _meeting(camden, admin, title="Kept")
    gone = _meeting(camden, admin, title="Gone", held_on=dt.date(2025, 6, 2))
    services.activity_withdraw(activity=gone, actor=admin, reason="Cancelled")
    client.force_login(admin)
    url = reverse("activities:activity-list", kwargs={"pk": camden.pk})
    assert list(client.get(url).context["page"]) == [kept]
    assert list(client.get(url, {"withdrawn": "yes"}).context["page"]) == [gone]
