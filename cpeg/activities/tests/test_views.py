import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.activities import services
from cpeg.activities.choices import ActivityType
from cpeg.activities.models import Activity, ActivityDocument
from cpeg.activities.services import ATTENDANCE_MESSAGE
from cpeg.activities.tests.factories import ActivityDocumentFactory, ActivityEvidenceFactory, ActivityFactory
from cpeg.activities.tests.helpers import HEADERS, csv_upload, pdf
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return EngagementGroupFactory(borough=borough("camden"))


@pytest.fixture
def hackney():
    return EngagementGroupFactory(borough=borough("hackney"))


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


@pytest.fixture
def admin_client(client, admin):
    client.force_login(admin)
    return client


def form_data(**overrides):
    data = {
        "activity_type": "public_meeting",
        "title": "Spring public meeting",
        "held_on_0": "14",
        "held_on_1": "5",
        "held_on_2": "2025",
        "starts_at": "7pm",
        "venue": "",
        "venue_text": "Kentish Town Community Centre",
        "public_attendance": "65",
        "borough_commander_present": "on",
        "other_partners_present": "Probation Service",
        "topics": "Knife crime",
        "outputs": ["policing-pledge", "stop-and-search"],
        "is_public": "on",
    }
    return data | overrides


def test_a_group_administrator_records_an_activity(admin_client, camden):
    venue = VenueFactory(group=camden, name="Camden Town Hall")
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}), form_data(venue=str(venue.pk), venue_text="")
    )
    activity = Activity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:activity-detail", kwargs={"pk": activity.pk})
    assert activity.held_on == dt.date(2025, 5, 14)
    assert activity.starts_at == dt.time(19, 0)
    assert activity.venue == venue
    assert activity.borough_commander_present is True
    assert activity.local_authority_present is False
    assert sorted(activity.evidence.values_list("output_code", flat=True)) == [
        "policing-pledge",
        "public-meetings",
        "stop-and-search",
    ]
    page = admin_client.get(response["Location"]).content.decode()
    assert "Hold at least 4 public meetings/events per annum" in page
    assert "Policing Pledge/Confidence" in page


def test_the_form_lists_outputs_by_their_sla_wording_and_attendance_as_a_numeric_text_input(admin_client, camden):
    html = admin_client.get(reverse("activities:activity-create", kwargs={"pk": camden.pk})).content.decode()
    assert "Publish and disseminate at least 4 newsletters" in html
    assert 'name="public_attendance"' in html
    assert 'inputmode="numeric"' in html
    assert 'type="number"' not in html
    assert 'name="held_on_0"' in html


@pytest.mark.parametrize("attendance", ["-3", "lots", "4.5"])
def test_attendance_that_is_not_a_whole_number_is_refused_on_the_field(admin_client, camden, attendance):
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}), form_data(public_attendance=attendance)
    )
    assert response.status_code == 400
    assert response.context["form"].errors["public_attendance"] == [ATTENDANCE_MESSAGE]
    assert not Activity.objects.exists()


def test_a_service_rule_is_shown_on_the_date_field(admin_client, camden):
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}), form_data(held_on_2="1990")
    )
    assert response.status_code == 400
    assert "on or after 1 April 2001" in response.context["form"].errors["held_on"][0]


def test_editing_from_a_stale_page_shows_the_conflict(admin_client, camden, admin):
    activity = services.activity_create(
        group=camden,
        actor=admin,
        data={"activity_type": "newsletter", "title": "Spring newsletter", "held_on": dt.date(2025, 4, 20)},
    )
    services.activity_update(activity=activity, actor=admin, data={"title": "Changed"}, loaded_version=1)
    response = admin_client.post(
        reverse("activities:activity-edit", kwargs={"pk": activity.pk}),
        form_data(activity_type="newsletter", public_attendance="", version="1"),
    )
    assert response.status_code == 400
    assert "Someone else changed this record" in response.content.decode()
    assert Activity.objects.get().title == "Changed"


def test_another_groups_people_get_not_found_for_every_page(client, camden, hackney):
    activity = ActivityFactory(group=camden)
    document = ActivityDocumentFactory(activity=activity)
    client.force_login(GroupAdminFactory(group=hackney))
    urls = [
        reverse("activities:activity-list", kwargs={"pk": camden.pk}),
        reverse("activities:activity-create", kwargs={"pk": camden.pk}),
        reverse("activities:activity-detail", kwargs={"pk": activity.pk}),
        reverse("activities:activity-edit", kwargs={"pk": activity.pk}),
        reverse("activities:document-add", kwargs={"pk": activity.pk}),
        reverse("activities:document-download", kwargs={"pk": activity.pk, "document_pk": document.pk}),
        reverse("activities:document-delete", kwargs={"pk": activity.pk, "document_pk": document.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"confirm": "yes"}).status_code == 404, url
    assert ActivityDocument.objects.exists()


def test_a_link_member_reads_their_boroughs_activities_but_cannot_change_them(client, camden):
    activity = ActivityFactory(group=camden)
    client.force_login(LinkMemberFactory(boroughs=[borough("camden")]))
    html = client.get(reverse("activities:activity-list", kwargs={"pk": camden.pk})).content.decode()
    assert activity.title in html
    assert "Record an activity" not in html
    assert client.get(reverse("activities:activity-edit", kwargs={"pk": activity.pk})).status_code == 404


def _fill(group, count):
    for n in range(count):
        activity = ActivityFactory(group=group, held_on=dt.date(2025, 4, 1) + dt.timedelta(days=n))
        ActivityEvidenceFactory(activity=activity, output_code="public-meetings")
        ActivityEvidenceFactory(activity=activity, output_code="policing-pledge")
        ActivityDocumentFactory(activity=activity)


def test_the_list_page_runs_the_same_queries_for_3_or_24_activities(admin_client, camden, django_assert_num_queries):
    url = reverse("activities:activity-list", kwargs={"pk": camden.pk})
    _fill(camden, 3)
    admin_client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert admin_client.get(url).status_code == 200
    _fill(camden, 21)
    with django_assert_num_queries(len(few.captured_queries)):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 24
    assert len(few.captured_queries) <= 12


def test_the_list_is_filtered_by_financial_year_and_type_and_paginated(admin_client, camden):
    ActivityFactory(group=camden, title="Meeting in 2024/25", held_on=dt.date(2025, 3, 31))
    ActivityFactory(group=camden, title="Meeting in 2025/26", held_on=dt.date(2025, 4, 1))
    ActivityFactory(group=camden, newsletter=True, held_on=dt.date(2025, 5, 1))
    url = reverse("activities:activity-list", kwargs={"pk": camden.pk})
    page = admin_client.get(url, {"year": "2025", "type": "public_meeting"}).context["page"]
    assert [a.title for a in page] == ["Meeting in 2025/26"]
    page = admin_client.get(url, {"year": "2024"}).context["page"]
    assert [a.title for a in page] == ["Meeting in 2024/25"]
    ActivityFactory.create_batch(30, group=camden, held_on=dt.date(2023, 5, 1))
    response = admin_client.get(url, {"page": "2"})
    assert response.context["page"].number == 2
    assert len(response.context["page"].object_list) == 33 - 25


def test_a_document_is_uploaded_and_downloaded_through_the_checked_view(admin_client, camden):
    activity = ActivityFactory(group=camden)
    response = admin_client.post(
        reverse("activities:document-add", kwargs={"pk": activity.pk}),
        {"document_type": "minutes", "file": pdf("May minutes.pdf")},
    )
    assert response.status_code == 302
    document = ActivityDocument.objects.get()
    download = admin_client.get(
        reverse("activities:document-download", kwargs={"pk": activity.pk, "document_pk": document.pk})
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert 'attachment; filename="May minutes.pdf"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    detail = admin_client.get(reverse("activities:activity-detail", kwargs={"pk": activity.pk})).content.decode()
    assert "/media/" not in detail


def test_a_fake_pdf_upload_is_refused_on_the_file_field(admin_client, camden):
    activity = ActivityFactory(group=camden)
    response = admin_client.post(
        reverse("activities:document-add", kwargs={"pk": activity.pk}),
        {"document_type": "minutes", "file": pdf(content=b"MZ not a pdf")},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["file"][0].startswith("The selected file is not a real PDF file")
    assert not ActivityDocument.objects.exists()


def test_deleting_a_document_asks_first(admin_client, camden, django_capture_on_commit_callbacks):
    activity = ActivityFactory(group=camden)
    admin_client.post(
        reverse("activities:document-add", kwargs={"pk": activity.pk}), {"document_type": "minutes", "file": pdf()}
    )
    document = ActivityDocument.objects.get()
    url = reverse("activities:document-delete", kwargs={"pk": activity.pk, "document_pk": document.pk})
    assert admin_client.post(url, {}).status_code == 400
    assert admin_client.post(url, {"confirm": "no"}).status_code == 302
    assert ActivityDocument.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert admin_client.post(url, {"confirm": "yes"}).status_code == 302
    assert not ActivityDocument.objects.exists()


def test_an_officer_picks_the_group_when_importing(client, camden, hackney):
    client.force_login(OfficerFactory())
    url = reverse("activities:activity-import")
    rows = [["Public meeting", "Spring public meeting", "2025-05-14"]]
    response = client.post(url, {"file": csv_upload(rows, headers=HEADERS[:3])})
    assert response.status_code == 400
    assert response.context["form"].errors["group"] == ["Select the group"]
    response = client.post(url, {"group": str(hackney.pk), "file": csv_upload(rows, headers=HEADERS[:3])})
    assert response.status_code == 200
    assert "1 activity imported" in response.content.decode()
    assert Activity.objects.get().group == hackney


def test_a_group_administrator_imports_for_their_group_without_picking(admin_client, camden):
    html = admin_client.get(reverse("activities:activity-import")).content.decode()
    assert 'name="group"' not in html
    rows = [["Newsletter", "Summer newsletter", "01/07/2025"]]
    response = admin_client.post(
        reverse("activities:activity-import"), {"file": csv_upload(rows, headers=HEADERS[:3]), "action": "import"}
    )
    assert response.status_code == 200
    assert Activity.objects.get().group == camden


def test_the_import_page_lists_every_error_as_a_table_and_saves_nothing(admin_client, camden):
    rows = [
        ["Public meeting", "Spring public meeting", "2025-05-14", "", "", "-2"],
        ["Carnival", "Summer carnival", "2025-07-14", "", "", ""],
    ]
    response = admin_client.post(
        reverse("activities:activity-import"), {"file": csv_upload(rows, headers=HEADERS[:6]), "action": "import"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "has 2 problems. Nothing has been imported." in html
    assert ATTENDANCE_MESSAGE in html
    assert "Public attendance" in html
    assert "Enter a type from the list of types" in html
    assert not Activity.objects.exists()


def test_checking_a_file_only_shows_what_will_be_imported(admin_client, camden):
    rows = [["Public meeting", "Spring public meeting", "2025-05-14"], ["Newsletter", "Summer news", "2025-07-01"]]
    response = admin_client.post(
        reverse("activities:activity-import"), {"file": csv_upload(rows, headers=HEADERS[:3]), "action": "check"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The file is ready to import" in html
    assert "2 new activities will be imported" in html
    assert not Activity.objects.exists()


def test_a_file_problem_is_shown_on_the_file_field(admin_client, camden):
    response = admin_client.post(reverse("activities:activity-import"), {"file": csv_upload([], headers=["Title"])})
    assert response.status_code == 400
    assert response.context["form"].errors["file"][0].startswith("The file is missing the columns Type, Date")


def test_the_templates_download_as_csv_and_xlsx(admin_client):
    csv_response = admin_client.get(reverse("activities:import-template-csv"))
    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode().startswith("Type,Title,Date,Start time")
    xlsx_response = admin_client.get(reverse("activities:import-template-xlsx"))
    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    assert workbook["Activities"]["A1"].value == "Type"


def test_the_create_form_can_start_from_a_type(admin_client, camden):
    response = admin_client.get(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}), {"type": ActivityType.NEWSLETTER}
    )
    assert response.context["form"].initial["activity_type"] == "newsletter"


def test_changing_the_type_on_the_edit_form_moves_the_default_output(admin_client, camden, admin):
    activity = services.activity_create(
        group=camden,
        actor=admin,
        data={
            "activity_type": "public_meeting",
            "title": "Spring meeting",
            "held_on": dt.date(2025, 5, 14),
            "outputs": ["policing-pledge"],
        },
    )
    url = reverse("activities:activity-edit", kwargs={"pk": activity.pk})
    form = admin_client.get(url).context["form"]
    assert form.initial["outputs"] == ["policing-pledge"]
    response = admin_client.post(
        url,
        form_data(activity_type="targeted_event", public_attendance="", outputs=form.initial["outputs"], version="1"),
    )
    assert response.status_code == 302
    assert list(activity.evidence.values_list("output_code", flat=True)) == ["policing-pledge"]


def test_an_impossible_date_gets_a_plain_message(admin_client, camden):
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}), form_data(held_on_0="31", held_on_1="2")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["held_on"] == ["Date must be a real date, like 14 5 2025"]


def test_a_missing_date_is_asked_for(admin_client, camden):
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}),
        form_data(held_on_0="", held_on_1="", held_on_2="", activity_type="", title=""),
    )
    errors = response.context["form"].errors
    assert errors["held_on"] == ["Enter the date of the activity"]
    assert errors["activity_type"] == ["Select the type of activity"]
    assert errors["title"] == ["Enter the title of the activity"]


# --- Every error at once (review item 20) ------------------------------------


def test_the_date_rule_shows_with_the_other_errors_on_the_first_attempt(admin_client, camden):
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}),
        form_data(title="", held_on_2="1990", public_attendance="lots"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["title"] == ["Enter the title of the activity"]
    assert errors["public_attendance"] == [ATTENDANCE_MESSAGE]
    assert errors["held_on"] == [
        "The date must be on or after 1 April 2001, the start of the financial year the group was set up in"
    ]
    assert not Activity.objects.exists()


def test_the_venue_rule_shows_with_the_other_errors_on_the_first_attempt(admin_client, camden):
    venue = VenueFactory(group=camden, name="Camden Town Hall")
    response = admin_client.post(
        reverse("activities:activity-create", kwargs={"pk": camden.pk}),
        form_data(venue=str(venue.pk), venue_text="Somewhere else", starts_at="teatime"),
    )
    errors = response.context["form"].errors
    assert errors["starts_at"] == ["Enter the start time like 19:00 or 7pm"]
    assert errors["venue_text"] == ["Select a venue from the list or enter another venue, not both"]


def test_the_edit_form_shows_the_date_rule_with_the_other_errors(admin_client, camden):
    activity = ActivityFactory(group=camden)
    response = admin_client.post(
        reverse("activities:activity-edit", kwargs={"pk": activity.pk}),
        form_data(title="", held_on_2="2099", public_attendance="", version="1"),
    )
    errors = response.context["form"].errors
    assert set(errors) == {"title", "held_on"}
    assert errors["held_on"][0].startswith("The date must be on or before 31 March")


# --- Show on the public page (review item 15) --------------------------------


@pytest.mark.parametrize(
    ("query", "ticked"),
    [
        ({}, False),
        ({"type": "public_meeting"}, True),
        ({"type": "face_the_people"}, True),
        ({"type": "targeted_event"}, False),
    ],
)
def test_the_new_activity_form_shows_the_public_page_checkbox_ticked_by_the_types_default(
    admin_client, camden, query, ticked
):
    response = admin_client.get(reverse("activities:activity-create", kwargs={"pk": camden.pk}), query)
    assert response.context["form"].initial["is_public"] is ticked
    html = response.content.decode()
    assert 'name="is_public"' in html
    assert 'id="public-by-default-types"' in html


def test_an_unticked_targeted_event_is_not_shown_on_the_public_page(admin_client, camden):
    data = form_data(activity_type="targeted_event", public_attendance="")
    del data["is_public"]
    admin_client.post(reverse("activities:activity-create", kwargs={"pk": camden.pk}), data)
    assert Activity.objects.get().is_public is False


# --- The activity's history (review item 7) -----------------------------------


def test_the_activity_page_shows_outputs_evidenced_added_and_removed(admin_client, camden, admin):
    activity = services.activity_create(
        group=camden,
        actor=admin,
        data={"activity_type": "public_meeting", "title": "Spring meeting", "held_on": dt.date(2025, 5, 14)},
    )
    services.activity_update(activity=activity, actor=admin, data={"outputs": ["policing-pledge"]}, loaded_version=1)
    services.activity_update(activity=activity, actor=admin, data={"outputs": []}, loaded_version=2)
    history = (
        admin_client.get(reverse("activities:activity-detail", kwargs={"pk": activity.pk})).context["page"].history
    )
    evidenced = [(e.record_label, e.action) for e in history if e.record_label.startswith("Output evidenced")]
    assert evidenced == [
        ("Output evidenced: Policing Pledge/Confidence", "Removed"),
        ("Output evidenced: Policing Pledge/Confidence", "Added"),
        ("Output evidenced: Hold at least 4 public meetings/events per annum", "Added"),
    ]


def test_the_activity_page_runs_the_same_queries_for_a_short_or_a_long_history(
    admin_client, camden, admin, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    venues = [VenueFactory(group=camden, name=f"Hall {n}") for n in range(3)]
    activity = services.activity_create(
        group=camden,
        actor=admin,
        data={"activity_type": "public_meeting", "title": "Meeting", "held_on": dt.date(2025, 5, 14)},
    )
    ActivityDocumentFactory(activity=activity, created_by=admin)
    url = reverse("activities:activity-detail", kwargs={"pk": activity.pk})
    admin_client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as short:
        admin_client.get(url)
    outputs = [["policing-pledge"], ["stop-and-search"], [], ["policing-pledge", "two-way-engagement"]]
    for n in range(12):
        services.activity_update(
            activity=activity,
            actor=OfficerFactory() if n % 2 else admin,
            data={"title": f"Meeting {n}", "venue": venues[n % 3], "outputs": outputs[n % 4]},
            loaded_version=n + 1,
        )
        ActivityDocumentFactory(activity=activity, created_by=admin)
    with django_assert_num_queries(len(short.captured_queries)):
        response = admin_client.get(url)
    assert len(response.context["page"].history) > 30


# --- The import page's errors (title and summary) -----------------------------


def test_row_errors_are_summarised_above_the_heading_and_the_title_says_error(admin_client, camden):
    rows = [["Public meeting", "Spring public meeting", "2025-05-14", "", "", "-2"]]
    response = admin_client.post(
        reverse("activities:activity-import"), {"file": csv_upload(rows, headers=HEADERS[:6]), "action": "import"}
    )
    assert response.context["page_has_errors"] is True
    html = response.content.decode()
    title = html[html.index("<title>") + len("<title>") : html.index("</title>")].strip()
    assert title.startswith("Error: Import activities")
    main = html[html.index("<main") :]
    summary = main.index('class="govuk-error-summary"')
    assert summary < main.index("<h1")
    assert main.count('class="govuk-error-summary"') == 1
    assert ('href="#import-error-1">Row 2, column F, Public attendance: ' + ATTENDANCE_MESSAGE) in main[
        summary : main.index("<h1")
    ]
    assert 'id="import-error-1"' in main


def test_a_file_error_is_summarised_above_the_heading(admin_client, camden):
    response = admin_client.post(reverse("activities:activity-import"), {"file": csv_upload([], headers=["Title"])})
    html = response.content.decode()
    main = html[html.index("<main") :]
    assert main.index("govuk-error-summary") < main.index("<h1")
    assert main.count("govuk-error-summary__title") == 1
    assert html[html.index("<title>") + 7 :].lstrip().startswith("Error: ")


def test_a_good_import_has_no_error_in_the_title(admin_client, camden):
    rows = [["Newsletter", "Summer newsletter", "01/07/2025"]]
    response = admin_client.post(
        reverse("activities:activity-import"), {"file": csv_upload(rows, headers=HEADERS[:3]), "action": "import"}
    )
    assert response.context["page_has_errors"] is False
    html = response.content.decode()
    assert "Error:" not in html[: html.index("</title>")]
    assert "govuk-error-summary" not in html


def test_after_a_clean_check_import_saves_the_same_file_without_choosing_it_again(admin_client, camden, media_in_tmp):
    url = reverse("activities:activity-import")
    rows = [["Public meeting", "Spring public meeting", "2025-05-14"], ["Newsletter", "Summer news", "2025-07-01"]]
    checked = admin_client.post(url, {"file": csv_upload(rows, headers=HEADERS[:3]), "action": "check"})
    assert "Import these activities" in checked.content.decode()
    key = checked.context["checked_file"]
    token = checked.context["form"].form_token
    assert not Activity.objects.exists()

    response = admin_client.post(url, {"checked_file": key, "form_token": token, "action": "import"})
    assert response.status_code == 200
    assert "2 activities imported" in response.content.decode()
    assert sorted(Activity.objects.values_list("title", flat=True)) == ["Spring public meeting", "Summer news"]
    # The kept file is gone once imported, and a second press imports nothing more.
    assert not list((media_in_tmp / "import-checks").iterdir())
    again = admin_client.post(url, {"checked_file": key, "form_token": token, "action": "import"})
    assert again.status_code == 400
    assert Activity.objects.count() == 2


def test_a_kept_file_is_only_for_the_session_and_group_that_checked_it(
    client, admin_client, camden, hackney, media_in_tmp
):
    url = reverse("activities:activity-import")
    rows = [["Public meeting", "Spring public meeting", "2025-05-14"]]
    checked = admin_client.post(url, {"file": csv_upload(rows, headers=HEADERS[:3]), "action": "check"})
    key = checked.context["checked_file"]
    officer = OfficerFactory()
    client.force_login(officer)
    for group in (camden, hackney):
        response = client.post(url, {"checked_file": key, "group": str(group.pk), "action": "import"})
        assert response.status_code == 400
        assert response.context["form"].errors["file"] == [
            "Select the file again: the file you checked is no longer kept"
        ]
    assert not Activity.objects.exists()


def test_attendance_typed_with_a_thousands_comma_is_saved_and_an_absurd_number_is_refused(admin_client, camden):
    url = reverse("activities:activity-create", kwargs={"pk": camden.pk})
    response = admin_client.post(url, form_data(public_attendance="1,200"))
    assert response.status_code == 302
    assert Activity.objects.get().public_attendance == 1200
    response = admin_client.post(url, form_data(title="Another meeting", public_attendance="99999999999999"))
    assert response.status_code == 400
    assert response.context["form"].errors["public_attendance"] == [ATTENDANCE_MESSAGE]
