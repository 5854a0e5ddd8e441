import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities import services
from cpeg.activities.choices import ActivityType, DocumentType
from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence
from cpeg.activities.services import ATTENDANCE_MESSAGE
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.activities.tests.helpers import disband, pdf, zip_bytes
from cpeg.core.errors import EditConflict
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"), established_on=dt.date(2010, 6, 1))


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


def meeting(**overrides):
    data = {
        "activity_type": ActivityType.PUBLIC_MEETING,
        "title": "Spring public meeting",
        "held_on": dt.date(2025, 5, 14),
        "starts_at": dt.time(19, 0),
        "public_attendance": 65,
        "borough_commander_present": True,
        "local_authority_present": True,
        "other_partners_present": "Probation Service",
        "topics": "Stop and search",
        "outputs": ["stop-and-search"],
    }
    return data | overrides


def codes(activity):
    return sorted(activity.evidence.values_list("output_code", flat=True))


# --- Recording -----------------------------------------------------------------


def test_recording_a_public_meeting_evidences_its_default_output_and_the_ticked_ones(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    assert activity.group == camden
    assert activity.public_attendance == 65
    assert activity.is_public is True
    assert codes(activity) == ["public-meetings", "stop-and-search"]


def test_a_newsletter_evidences_the_newsletters_output(camden, admin):
    activity = services.activity_create(
        group=camden,
        actor=admin,
        data={"activity_type": ActivityType.NEWSLETTER, "title": "Summer newsletter", "held_on": dt.date(2025, 7, 1)},
    )
    assert codes(activity) == ["newsletters"]


def test_a_targeted_event_evidences_only_what_is_ticked(camden, admin):
    activity = services.activity_create(
        group=camden,
        actor=admin,
        data=meeting(activity_type=ActivityType.TARGETED_EVENT, outputs=["diversity-monitoring"]),
    )
    assert codes(activity) == ["diversity-monitoring"]


def test_recording_writes_an_audit_event_and_history(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    event = AuditEvent.objects.get(event_type="ACTIVITY_RECORDED")
    assert event.target_id == activity.pk
    assert event.group == camden
    assert event.actor == admin
    assert activity.history.count() == 1


def test_an_officer_may_record_for_any_group(camden):
    activity = services.activity_create(group=camden, actor=OfficerFactory(), data=meeting())
    assert activity.pk is not None


def test_another_groups_administrator_cannot_record_an_activity(camden):
    hackney_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        services.activity_create(group=camden, actor=hackney_admin, data=meeting())
    assert not Activity.objects.exists()


def test_a_link_member_cannot_record_an_activity(camden):
    link = LinkMemberFactory(boroughs=[borough("camden")])
    with pytest.raises(PermissionDenied):
        services.activity_create(group=camden, actor=link, data=meeting())


def test_an_unknown_type_is_refused(camden, admin):
    with pytest.raises(ValidationError, match="Select the type of activity"):
        services.activity_create(group=camden, actor=admin, data=meeting(activity_type="party"))
    assert not Activity.objects.exists()


def test_a_negative_attendance_is_refused_with_the_whole_number_message(camden, admin):
    with pytest.raises(ValidationError) as caught:
        services.activity_create(group=camden, actor=admin, data=meeting(public_attendance=-3))
    assert caught.value.message_dict == {"public_attendance": [ATTENDANCE_MESSAGE]}
    assert ATTENDANCE_MESSAGE == "Members of the public attending must be a whole number from 0 to 100,000"


def test_attendance_cannot_be_entered_for_a_meeting_that_has_not_happened(camden, admin):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="once it has happened"):
        services.activity_create(group=camden, actor=admin, data=meeting(held_on=tomorrow))
    planned = services.activity_create(
        group=camden, actor=admin, data=meeting(held_on=tomorrow, public_attendance=None)
    )
    assert planned.public_attendance is None


def test_a_date_before_the_financial_year_the_group_was_set_up_in_is_refused(camden, admin):
    # Set up on 1 June 2010: the 2010/11 financial year began 1 April 2010.
    with pytest.raises(ValidationError, match="on or after 1 April 2010"):
        services.activity_create(group=camden, actor=admin, data=meeting(held_on=dt.date(2010, 3, 31)))
    activity = services.activity_create(group=camden, actor=admin, data=meeting(held_on=dt.date(2010, 4, 1)))
    assert activity.held_on == dt.date(2010, 4, 1)


def test_a_date_after_the_end_of_next_financial_year_is_refused(camden, admin):
    last = FinancialYear.current(timezone.localdate()).next().ends_on
    with pytest.raises(ValidationError, match=f"on or before {last:%-d %B %Y}"):
        services.activity_create(
            group=camden, actor=admin, data=meeting(held_on=last + dt.timedelta(days=1), public_attendance=None)
        )
    planned = services.activity_create(group=camden, actor=admin, data=meeting(held_on=last, public_attendance=None))
    assert planned.held_on == last


def test_without_a_set_up_date_dates_go_back_five_financial_years(admin, camden):
    camden.established_on = None
    camden.save()
    first = FinancialYear(FinancialYear.current(timezone.localdate()).start_year - 5).starts_on
    assert (first.month, first.day) == (4, 1)
    with pytest.raises(ValidationError) as caught:
        services.activity_create(group=camden, actor=admin, data=meeting(held_on=first - dt.timedelta(days=1)))
    assert caught.value.message_dict == {
        "held_on": [
            f"The date must be on or after {first:%-d %B %Y}: the group's set-up date is not recorded, "
            "so activities can go back 5 financial years"
        ]
    }
    activity = services.activity_create(group=camden, actor=admin, data=meeting(held_on=first))
    assert activity.held_on == first


# --- Disbanded groups -----------------------------------------------------------


def test_an_officer_records_a_disbanded_groups_activities_up_to_the_day_it_was_disbanded(camden):
    disband(camden, on=dt.datetime(2025, 9, 30, 15, 0, tzinfo=dt.UTC))
    officer = OfficerFactory()
    with pytest.raises(ValidationError) as caught:
        services.activity_create(group=camden, actor=officer, data=meeting(held_on=dt.date(2025, 10, 1)))
    assert caught.value.message_dict == {
        "held_on": ["The date must be on or before 30 September 2025, when the group was disbanded"]
    }
    last = services.activity_create(group=camden, actor=officer, data=meeting(held_on=dt.date(2025, 9, 30)))
    assert last.held_on == dt.date(2025, 9, 30)


def test_the_disbanding_date_is_the_latest_change_to_disbanded(camden):
    disband(camden, on=dt.datetime(2023, 5, 1, 9, 0, tzinfo=dt.UTC))
    disband(camden, on=dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.UTC), status=GroupStatus.ACTIVE)
    disband(camden, on=dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC))
    # Saved again while disbanded: still disbanded since 1 March 2025.
    camden.description = "Wound up by the authority"
    camden.save()
    assert services.group_disbanded_on(group=camden) == dt.date(2025, 3, 1)
    bounds = services.activity_date_bounds(group=camden, today=dt.date(2026, 11, 24))
    assert (bounds.first, bounds.last) == (dt.date(2010, 4, 1), dt.date(2025, 3, 1))


def test_a_disbanded_group_whose_disbanding_date_is_unknown_records_nothing(camden):
    camden.status = GroupStatus.DISBANDED
    camden.save()
    camden.history.all().delete()
    with pytest.raises(ValidationError) as caught:
        services.activity_create(group=camden, actor=OfficerFactory(), data=meeting())
    assert caught.value.message_dict == {
        "held_on": ["This group has been disbanded: activities can no longer be recorded"]
    }
    assert not Activity.objects.exists()


def test_an_active_group_has_no_disbanding_date_and_its_history_is_not_read(camden, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert services.group_disbanded_on(group=camden) is None


# --- Show on the public page -----------------------------------------------------


@pytest.mark.parametrize(
    ("activity_type", "shown"),
    [
        (ActivityType.PUBLIC_MEETING, True),
        (ActivityType.FACE_THE_PEOPLE, True),
        (ActivityType.TARGETED_EVENT, False),
        (ActivityType.TRAINING, False),
    ],
)
def test_show_on_the_public_page_defaults_by_type(camden, admin, activity_type, shown):
    activity = services.activity_create(group=camden, actor=admin, data=meeting(activity_type=activity_type))
    assert activity.is_public is shown


def test_a_targeted_event_is_shown_when_the_group_says_so(camden, admin):
    data = meeting(activity_type=ActivityType.TARGETED_EVENT, is_public=True)
    assert services.activity_create(group=camden, actor=admin, data=data).is_public is True


def test_bulk_recording_defaults_show_on_the_public_page_by_type(camden, admin):
    items = [
        services.NewActivity(values={"activity_type": t, "title": t, "held_on": dt.date(2025, 5, 1)})
        for t in (ActivityType.PUBLIC_MEETING, ActivityType.TARGETED_EVENT)
    ]
    services.activity_bulk_record(group=camden, actor=admin, items=items)
    assert dict(Activity.objects.values_list("activity_type", "is_public")) == {
        "public_meeting": True,
        "targeted_event": False,
    }


def test_a_venue_of_another_group_is_refused(camden, admin):
    elsewhere = VenueFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(ValidationError, match="Select one of the group's venues"):
        services.activity_create(group=camden, actor=admin, data=meeting(venue=elsewhere))


def test_an_unknown_output_code_is_refused(camden, admin):
    with pytest.raises(ValidationError, match="Select SLA outputs from the list"):
        services.activity_create(group=camden, actor=admin, data=meeting(outputs=["world-peace"]))


# --- Editing -------------------------------------------------------------------


def test_editing_changes_the_details_and_replaces_the_ticked_outputs(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    updated = services.activity_update(
        activity=activity,
        actor=admin,
        data=meeting(title="Spring meeting (rescheduled)", outputs=["policing-pledge"]),
        loaded_version=activity.version,
    )
    assert updated.title == "Spring meeting (rescheduled)"
    assert updated.version == 2
    assert codes(updated) == ["policing-pledge", "public-meetings"]
    event = AuditEvent.objects.get(event_type="ACTIVITY_UPDATED")
    assert event.payload == {
        "fields": ["title"],
        "outputs_added": ["policing-pledge"],
        "outputs_removed": ["stop-and-search"],
        "changes": {"title": {"old": "Spring public meeting", "new": "Spring meeting (rescheduled)"}},
    }
    assert event.summary == "Changed title and the outputs evidenced of Spring meeting (rescheduled)"


def test_changing_the_type_moves_the_default_output(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting(outputs=[]))
    updated = services.activity_update(
        activity=activity,
        actor=admin,
        data={"activity_type": ActivityType.NEWSLETTER, "public_attendance": None, "outputs": []},
        loaded_version=activity.version,
    )
    assert codes(updated) == ["newsletters"]


def test_editing_from_a_stale_copy_is_refused_and_changes_nothing(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    services.activity_update(activity=activity, actor=admin, data={"title": "First"}, loaded_version=1)
    with pytest.raises(EditConflict):
        services.activity_update(activity=activity, actor=admin, data={"title": "Second"}, loaded_version=1)
    assert Activity.objects.get().title == "First"


def test_an_edit_is_held_to_the_same_rules(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    with pytest.raises(ValidationError, match=ATTENDANCE_MESSAGE):
        services.activity_update(
            activity=activity, actor=admin, data={"public_attendance": -1}, loaded_version=activity.version
        )
    assert Activity.objects.get().public_attendance == 65


def test_another_groups_administrator_cannot_edit(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    hackney_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        services.activity_update(activity=activity, actor=hackney_admin, data={"title": "x"}, loaded_version=1)


def evidence_history(activity):
    return [
        (r.history_type, r.output_code, r.history_user)
        for r in ActivityEvidence.history.filter(activity_id=activity.pk).order_by("history_id")
    ]


def test_outputs_added_and_removed_are_kept_in_the_evidence_history(camden, admin):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    officer = OfficerFactory()
    services.activity_update(
        activity=activity, actor=officer, data={"outputs": ["policing-pledge"]}, loaded_version=activity.version
    )
    assert evidence_history(activity) == [
        ("+", "public-meetings", admin),
        ("+", "stop-and-search", admin),
        ("-", "stop-and-search", officer),
        ("+", "policing-pledge", officer),
    ]


def test_bulk_recorded_activities_have_evidence_history(camden, admin):
    items = [
        services.NewActivity(values={"activity_type": "newsletter", "title": "News", "held_on": dt.date(2025, 5, 1)})
    ]
    [activity] = services.activity_bulk_record(group=camden, actor=admin, items=items)
    assert evidence_history(activity) == [("+", "newsletters", admin)]


# --- Locking the group ------------------------------------------------------------


def test_recording_an_activity_locks_the_groups_row(camden, admin, locks):
    services.activity_create(group=camden, actor=admin, data=meeting())
    assert locks == [EngagementGroup]


def test_editing_an_activity_locks_the_groups_row_then_the_activity(camden, admin, locks):
    activity = services.activity_create(group=camden, actor=admin, data=meeting())
    locks.clear()
    services.activity_update(activity=activity, actor=admin, data={"title": "Changed"}, loaded_version=1)
    assert locks == [EngagementGroup, Activity]


# --- Documents -----------------------------------------------------------------


@pytest.fixture
def activity(camden):
    return ActivityFactory(group=camden)


def add(activity, actor, file, document_type=DocumentType.MINUTES):
    return services.activity_document_add(activity=activity, actor=actor, document_type=document_type, file=file)


def test_uploading_real_minutes_stores_the_file_with_its_size_and_type(activity, admin):
    document = add(activity, admin, pdf("Minutes May 2025.pdf"))
    assert document.original_name == "Minutes May 2025.pdf"
    assert document.content_type == "application/pdf"
    assert document.size_bytes == len(pdf().read())
    with document.file.open("rb") as stored:
        assert stored.read().startswith(b"%PDF-")
    assert AuditEvent.objects.filter(event_type="ACTIVITY_DOCUMENT_ADDED", target_id=document.pk).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("minutes.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20),
        ("minutes.docx", zip_bytes({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<t/>"})),
        ("figures.xlsx", zip_bytes({"xl/workbook.xml": b"<w/>"})),
        ("minutes.odt", zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<c/>"})),
    ],
)
def test_every_allowed_type_is_accepted_when_it_is_what_it_claims(activity, admin, name, content):
    document = add(activity, admin, SimpleUploadedFile(name, content))
    assert document.original_name == name


def test_a_fake_pdf_is_refused_with_a_clear_message(activity, admin):
    with pytest.raises(ValidationError, match="The selected file is not a real PDF file"):
        add(activity, admin, pdf(content=b"<html>not a pdf</html>"))
    assert not ActivityDocument.objects.exists()


def test_a_spreadsheet_renamed_as_a_word_document_is_refused(activity, admin):
    with pytest.raises(ValidationError, match="not a real DOCX file"):
        add(activity, admin, SimpleUploadedFile("minutes.docx", zip_bytes({"xl/workbook.xml": b"<w/>"})))


def test_a_file_type_not_on_the_list_is_refused(activity, admin):
    with pytest.raises(ValidationError, match="must be a PDF, DOCX, ODT, DOC, XLSX, JPG or PNG"):
        add(activity, admin, SimpleUploadedFile("virus.exe", b"MZ\x90\x00"))


def test_a_file_over_the_size_limit_is_refused(activity, admin, settings):
    settings.UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError, match="must be smaller than 20 bytes"):
        add(activity, admin, pdf(content=b"%PDF-1.4" + b"x" * 30))
    assert not ActivityDocument.objects.exists()


def test_an_empty_file_is_refused(activity, admin):
    with pytest.raises(ValidationError, match="The selected file is empty"):
        add(activity, admin, pdf(content=b""))


def test_another_groups_administrator_cannot_upload(activity):
    hackney_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        add(activity, hackney_admin, pdf())


def test_deleting_a_document_removes_the_record_and_then_the_file(activity, admin, django_capture_on_commit_callbacks):
    document = add(activity, admin, pdf())
    storage, name = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_document_delete(document=document, actor=admin)
    assert not ActivityDocument.objects.exists()
    assert not storage.exists(name)
    event = AuditEvent.objects.get(event_type="ACTIVITY_DOCUMENT_DELETED")
    assert event.payload["name"] == "minutes.pdf"
