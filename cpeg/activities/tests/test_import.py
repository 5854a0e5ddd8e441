import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.activities import imports, services
from cpeg.activities.imports import COLUMNS, CONFLICT_MESSAGE, parse_activity_file, template_csv, template_xlsx
from cpeg.activities.models import Activity, ActivityEvidence
from cpeg.activities.services import ATTENDANCE_MESSAGE, activity_import
from cpeg.activities.tests.factories import PDF_BYTES
from cpeg.activities.tests.helpers import HEADERS, csv_upload, disband, xlsx_upload
from cpeg.core.models import AuditEvent
from cpeg.groups.models import EngagementGroup
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough

pytestmark = pytest.mark.django_db

GOOD_ROWS = [
    # Type, Title, Date, Start time, Venue, Attendance, BC, LA, Partners, Topics, Outputs, Notes
    [
        "Public meeting",
        "Spring public meeting",
        "2025-05-14",
        "19:00",
        "Town Hall",
        "65",
        "Yes",
        "yes",
        "",
        "ASB",
        "",
        "",
    ],
    ["newsletter", "Summer newsletter", "01/07/2025", "", "", "", "", "", "", "", "", "Printed 2,000"],
    [
        "Targeted event or conference",
        "Youth football and consultation",
        "2025-08-02",
        "2pm",
        "Talacre Sports Centre",
        "40",
        "no",
        "No",
        "Youth Offending Service",
        "Stop and search",
        "stop-and-search; two-way-engagement",
        "",
    ],
]


@pytest.fixture
def camden():
    group = EngagementGroupFactory(borough=borough("camden"), established_on=dt.date(2001, 4, 1))
    VenueFactory(group=group, name="Town Hall")
    return group


@pytest.fixture
def admin(camden):
    return GroupAdminFactory(group=camden)


def evidence_of(title):
    return sorted(ActivityEvidence.objects.filter(activity__title=title).values_list("output_code", flat=True))


def test_a_valid_csv_is_imported_with_evidence_venue_and_fingerprints(camden, admin):
    result = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert result.errors == []
    assert result.imported == 3
    assert result.already_recorded == 0
    meeting = Activity.objects.get(title="Spring public meeting")
    assert meeting.held_on == dt.date(2025, 5, 14)
    assert meeting.starts_at == dt.time(19, 0)
    assert meeting.venue.name == "Town Hall"
    assert meeting.venue_text == ""
    assert meeting.public_attendance == 65
    assert meeting.borough_commander_present is True
    assert meeting.local_authority_present is True
    assert len(meeting.import_key) == 64
    assert meeting.history.count() == 1
    newsletter = Activity.objects.get(title="Summer newsletter")
    assert newsletter.held_on == dt.date(2025, 7, 1)
    assert newsletter.notes == "Printed 2,000"
    event = Activity.objects.get(title="Youth football and consultation")
    assert event.starts_at == dt.time(14, 0)
    assert event.venue is None
    assert event.venue_text == "Talacre Sports Centre"
    assert evidence_of("Spring public meeting") == ["public-meetings"]
    assert evidence_of("Summer newsletter") == ["newsletters"]
    assert evidence_of("Youth football and consultation") == ["stop-and-search", "two-way-engagement"]
    audit = AuditEvent.objects.get(event_type="ACTIVITIES_IMPORTED")
    batch = meeting.import_batch
    assert audit.payload == {"file": "activities.csv", "imported": 3, "already_recorded": 0, "batch": batch.pk}
    assert set(batch.activities.all()) == set(Activity.objects.all())


def test_importing_the_same_file_twice_does_not_duplicate(camden, admin):
    activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    again = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert again.imported == 0
    assert again.already_recorded == 3
    assert Activity.objects.count() == 3
    assert AuditEvent.objects.filter(event_type="ACTIVITIES_IMPORTED").count() == 1


def test_a_file_with_one_new_row_imports_only_that_row(camden, admin):
    activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS[:2]))
    result = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert (result.imported, result.already_recorded) == (1, 2)
    assert Activity.objects.count() == 3


def test_an_xlsx_with_real_excel_dates_and_times_imports_like_the_csv(camden, admin):
    rows = [
        [
            "public_meeting",
            "Spring public meeting",
            dt.datetime(2025, 5, 14),
            dt.time(19, 0),
            "town hall",
            65,
            True,
            "Yes",
            None,
            "ASB",
            None,
            None,
        ],
    ]
    result = activity_import(group=camden, actor=admin, file=xlsx_upload(rows))
    assert result.imported == 1
    meeting = Activity.objects.get()
    assert meeting.held_on == dt.date(2025, 5, 14)
    assert meeting.starts_at == dt.time(19, 0)
    assert meeting.venue.name == "Town Hall"
    # The same meeting in the CSV has the same fingerprint: not imported twice.
    again = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS[:1]))
    assert (again.imported, again.already_recorded) == (0, 1)


def test_every_error_is_listed_by_row_and_column_and_nothing_is_saved(camden, admin):
    rows = [
        GOOD_ROWS[0],
        ["Picnic", "Summer picnic", "2025-07-01", "", "", "", "", "", "", "", "", ""],
        ["Public meeting", "Autumn meeting", "2025-10-09", "", "", "-5", "maybe", "", "", "", "", ""],
        ["Newsletter", "", "31/02/2025", "", "", "", "", "", "", "", "world-peace", ""],
        ["Public meeting", "Old meeting", "1999-06-01", "", "", "lots", "", "", "", "", "", ""],
    ]
    result = activity_import(group=camden, actor=admin, file=csv_upload(rows))
    found = [(e.row, e.column, e.field, e.message) for e in result.errors]
    assert found == [
        (3, "A", "Type", "Enter a type from the list of types, like Public meeting or Newsletter"),
        (4, "F", "Public attendance", ATTENDANCE_MESSAGE),
        (4, "G", "Borough commander present", "Enter yes or no"),
        (5, "C", "Date", "Enter the date as YYYY-MM-DD or DD/MM/YYYY, like 2025-05-14 or 14/05/2025"),
        (
            5,
            "K",
            "Outputs evidenced",
            "world-peace is not an SLA output code. Use codes from the list of outputs, like public-meetings, "
            "separated by ;",
        ),
        (5, "B", "Title", "Enter the title of the activity"),
        (6, "F", "Public attendance", ATTENDANCE_MESSAGE),
        (
            6,
            "C",
            "Date",
            "The date must be on or after 1 April 2001, the start of the financial year the group was set up in",
        ),
    ]
    assert result.rows == []
    assert not Activity.objects.exists()
    assert not AuditEvent.objects.filter(event_type="ACTIVITIES_IMPORTED").exists()


def test_a_row_repeated_in_the_file_is_an_error(camden, admin):
    result = activity_import(group=camden, actor=admin, file=csv_upload([GOOD_ROWS[0], GOOD_ROWS[1], GOOD_ROWS[0]]))
    assert [(e.row, e.message) for e in result.errors] == [(4, "This row is the same as row 2. Remove one")]
    assert not Activity.objects.exists()


def test_a_dry_run_reports_what_would_be_imported_and_saves_nothing(camden, admin):
    result = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS), dry_run=True)
    assert result.dry_run is True
    assert len(result.new_rows) == 3
    assert result.new_by_type == [("Public meeting", 1), ("Targeted event or conference", 1), ("Newsletter", 1)]
    assert result.new_date_range == (dt.date(2025, 5, 14), dt.date(2025, 8, 2))
    assert not Activity.objects.exists()


def test_columns_may_be_in_any_order_and_unknown_columns_are_ignored(camden, admin):
    upload = csv_upload(
        [["2025-05-14", "Spring public meeting", "Public meeting", "x"]], headers=["date", "TITLE", "Type", "Colour"]
    )
    result = activity_import(group=camden, actor=admin, file=upload)
    assert result.imported == 1
    assert result.ignored_columns == ["Colour"]


def test_a_windows_encoded_csv_is_read(camden, admin):
    upload = csv_upload([["Public meeting", "Café meeting", "2025-05-14"]], headers=HEADERS[:3], encoding="cp1252")
    activity_import(group=camden, actor=admin, file=upload)
    assert Activity.objects.get().title == "Café meeting"


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("activities.csv", PDF_BYTES), "The selected file is not a real CSV file"),
        (SimpleUploadedFile("activities.xlsx", b"Type,Title,Date\n"), "The selected file is not a real XLSX file"),
        (SimpleUploadedFile("activities.xlsx", b"PK\x03\x04 broken zip"), "The selected file is not a real XLSX file"),
        (SimpleUploadedFile("activities.csv", b""), "The selected file is empty"),
        (SimpleUploadedFile("activities.csv", b"\r\n\r\n"), "The selected file is empty"),
        (SimpleUploadedFile("activities.pdf", PDF_BYTES), "The selected file must be a CSV or XLSX file"),
        (SimpleUploadedFile("activities.xls", b"\xd0\xcf\x11\xe0"), "save an XLS file as XLSX first"),
    ],
    ids=["pdf-as-csv", "csv-as-xlsx", "broken-xlsx", "empty", "blank-lines", "pdf", "xls"],
)
def test_a_file_that_is_not_a_real_spreadsheet_gets_one_clear_message(camden, admin, upload, message):
    with pytest.raises(ValidationError) as caught:
        activity_import(group=camden, actor=admin, file=upload)
    assert list(caught.value.message_dict) == ["file"]
    assert message in caught.value.message_dict["file"][0]
    assert not Activity.objects.exists()


def test_a_file_with_only_the_column_names_is_refused(camden, admin):
    with pytest.raises(ValidationError, match="no activities in it"):
        activity_import(group=camden, actor=admin, file=csv_upload([]))


def test_a_file_over_the_size_limit_is_refused(camden, admin, settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="must be smaller than 100 bytes"):
        activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))


def test_missing_required_columns_are_named(camden, admin):
    upload = csv_upload([["Spring public meeting"]], headers=["Title"])
    with pytest.raises(ValidationError) as caught:
        activity_import(group=camden, actor=admin, file=upload)
    assert caught.value.message_dict["file"][0].startswith("The file is missing the columns Type, Date.")


def test_another_groups_administrator_cannot_import_for_the_group(camden):
    hackney_admin = GroupAdminFactory(group=EngagementGroupFactory(borough=borough("hackney")))
    with pytest.raises(PermissionDenied):
        activity_import(group=camden, actor=hackney_admin, file=csv_upload(GOOD_ROWS))


def test_an_officer_imports_for_the_group_they_pick(camden):
    result = activity_import(group=camden, actor=OfficerFactory(), file=csv_upload(GOOD_ROWS))
    assert result.imported == 3
    assert set(Activity.objects.values_list("group_id", flat=True)) == {camden.pk}


def test_the_same_row_for_two_groups_is_two_activities(camden, admin):
    hackney = EngagementGroupFactory(borough=borough("hackney"))
    officer = OfficerFactory()
    activity_import(group=camden, actor=officer, file=csv_upload(GOOD_ROWS[1:2]))
    result = activity_import(group=hackney, actor=officer, file=csv_upload(GOOD_ROWS[1:2]))
    assert result.imported == 1
    assert Activity.objects.count() == 2


def test_the_csv_template_is_the_row_of_column_names():
    assert template_csv() == ",".join(HEADERS) + "\r\n"
    assert [c.label for c in COLUMNS] == HEADERS


def test_the_xlsx_template_has_the_columns_and_a_guide():
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    assert workbook.sheetnames == ["Activities", "Guide"]
    assert [c.value for c in workbook["Activities"][1]] == HEADERS
    guide_codes = {row[1] for row in workbook["Guide"].iter_rows(values_only=True)}
    assert {"public_meeting", "newsletter", "public-meetings", "stop-and-search"} <= guide_codes


def test_a_filled_in_xlsx_template_imports(camden, admin):
    workbook = load_workbook(io.BytesIO(template_xlsx()))
    workbook["Activities"].append(["Face the People event", "Face the People 2025", dt.date(2025, 11, 20)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = activity_import(
        group=camden, actor=admin, file=SimpleUploadedFile("my activities.xlsx", buffer.getvalue())
    )
    assert result.imported == 1
    assert evidence_of("Face the People 2025") == ["two-way-engagement"]


def test_the_xlsx_template_offers_yes_or_no_for_show_on_public_page():
    sheet = load_workbook(io.BytesIO(template_xlsx()))["Activities"]
    assert sheet["M1"].value == "Show on public page"
    yes_no = [v for v in sheet.data_validations.dataValidation if v.formula1 == '"Yes,No"']
    assert any("M2:M5001" in str(v.sqref) for v in yes_no)


# --- Blank rows and the row limit (review item 5) ---------------------------


def _xlsx_with_spacers(activities: int, blanks_every: int, max_blanks: int | None = None):
    """Newsletters 1..n, with a blank row after every ``blanks_every``th
    (at most ``max_blanks`` of them)."""
    rows, blanks = [], 0
    for n in range(1, activities + 1):
        rows.append(["Newsletter", f"Newsletter {n}", "2025-05-14"])
        if n % blanks_every == 0 and (max_blanks is None or blanks < max_blanks):
            rows.append([None, None, None])
            blanks += 1
    return xlsx_upload(rows, headers=HEADERS[:3]), rows


def test_blank_spacer_rows_in_an_xlsx_are_skipped_and_every_activity_is_read(camden):
    """4,900 activities with 200 blank spacer rows: all 4,900 are read (the
    reviewer's file parsed to 4,850 with no error)."""
    upload, rows = _xlsx_with_spacers(4900, 24, max_blanks=200)
    assert sum(1 for row in rows if row[0] is None) == 200
    result = parse_activity_file(group=camden, file=upload)
    assert result.errors == []
    assert len(result.rows) == 4900
    assert result.rows[-1].values["title"] == "Newsletter 4900"
    # Row numbers are the spreadsheet's, blank rows included: the column
    # names, then 4,900 activities and 200 spacers.
    assert result.rows[-1].row == 1 + 4900 + 200


def test_a_file_over_the_row_limit_is_refused_whole_however_many_blank_rows_it_has(camden, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 100)
    upload, _rows = _xlsx_with_spacers(101, 2)
    with pytest.raises(ValidationError) as caught:
        parse_activity_file(group=camden, file=upload)
    assert caught.value.message_dict == {
        "file": ["The selected file has more than 100 activities. Split it into smaller files"]
    }


def test_a_file_at_the_row_limit_with_blank_rows_is_read_whole(camden, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 100)
    upload, _rows = _xlsx_with_spacers(100, 2)
    assert len(parse_activity_file(group=camden, file=upload).rows) == 100


def test_a_csv_over_the_row_limit_is_refused(camden, monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 2)
    with pytest.raises(ValidationError, match="more than 2 activities"):
        parse_activity_file(group=camden, file=csv_upload([GOOD_ROWS[0], [], GOOD_ROWS[1], GOOD_ROWS[2]]))


# --- Matching rows against everything recorded (review item 6) ----------------


def _typed_in(camden, admin, **overrides):
    """GOOD_ROWS[0], the Spring public meeting, entered through the form's service."""
    data = {
        "activity_type": "public_meeting",
        "title": "Spring public meeting",
        "held_on": dt.date(2025, 5, 14),
        "starts_at": dt.time(19, 0),
        "venue": camden.venues.get(),
        "public_attendance": 65,
        "borough_commander_present": True,
        "local_authority_present": True,
        "topics": "ASB",
    }
    return services.activity_create(group=camden, actor=admin, data=data | overrides)


def test_a_row_identical_to_an_activity_typed_in_is_skipped_as_already_recorded(camden, admin):
    typed = _typed_in(camden, admin)
    assert typed.import_key == ""
    result = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert result.errors == []
    assert (result.imported, result.already_recorded) == (2, 1)
    assert Activity.objects.filter(title="Spring public meeting").count() == 1
    assert AuditEvent.objects.get(event_type="ACTIVITIES_IMPORTED").payload["already_recorded"] == 1


def test_the_match_ignores_case_and_spaces_in_the_title(camden, admin):
    _typed_in(camden, admin)
    row = ["Public meeting", "  spring   PUBLIC meeting ", *GOOD_ROWS[0][2:]]
    result = activity_import(group=camden, actor=admin, file=csv_upload([row]))
    assert (result.errors, result.imported, result.already_recorded) == ([], 0, 1)


def test_a_row_that_differs_from_an_activity_typed_in_is_an_error_on_the_row(camden, admin):
    _typed_in(camden, admin, public_attendance=70)
    result = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert [(e.row, e.column, e.field, e.message, e.value) for e in result.errors] == [
        (2, "B", "Title", CONFLICT_MESSAGE, "Spring public meeting")
    ]
    assert CONFLICT_MESSAGE == (
        "An activity with this type, date and title is already recorded: change it on its page, or change the title"
    )
    assert Activity.objects.count() == 1
    assert not AuditEvent.objects.filter(event_type="ACTIVITIES_IMPORTED").exists()


def test_reimporting_a_corrected_file_reports_the_changed_row_and_saves_nothing(camden, admin):
    activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    corrected = [list(GOOD_ROWS[0]), GOOD_ROWS[1], GOOD_ROWS[2], ["Newsletter", "Autumn newsletter", "2025-10-01"]]
    corrected[0][5] = "70"  # attendance corrected from 65
    result = activity_import(group=camden, actor=admin, file=csv_upload(corrected))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "B", CONFLICT_MESSAGE)]
    assert Activity.objects.count() == 3
    assert not Activity.objects.filter(title="Autumn newsletter").exists()
    dry = activity_import(group=camden, actor=admin, file=csv_upload(corrected), dry_run=True)
    assert [e.row for e in dry.errors] == [2]


def test_a_different_start_time_or_date_is_a_different_activity(camden, admin):
    _typed_in(camden, admin)
    later = ["Public meeting", "Spring public meeting", "2025-05-14", "20:00"]
    next_day = ["Public meeting", "Spring public meeting", "2025-05-15", "19:00"]
    result = activity_import(group=camden, actor=admin, file=csv_upload([later, next_day], headers=HEADERS[:4]))
    assert (result.errors, result.imported) == ([], 2)


def test_only_the_columns_in_the_file_are_compared(camden, admin):
    _typed_in(camden, admin, outputs=["policing-pledge"], notes="Minutes to follow")
    row = ["Public meeting", "Spring public meeting", "14/05/2025", "7pm"]
    result = activity_import(group=camden, actor=admin, file=csv_upload([row], headers=HEADERS[:4]))
    assert (result.errors, result.imported, result.already_recorded) == ([], 0, 1)


def test_outputs_in_the_file_are_compared_with_the_outputs_evidenced(camden, admin):
    _typed_in(camden, admin, outputs=["policing-pledge"])
    same = list(GOOD_ROWS[0])
    same[10] = "policing-pledge"
    assert activity_import(group=camden, actor=admin, file=csv_upload([same])).already_recorded == 1
    other = list(GOOD_ROWS[0])
    other[10] = "stop-and-search"
    result = activity_import(group=camden, actor=admin, file=csv_upload([other]))
    assert [e.message for e in result.errors] == [CONFLICT_MESSAGE]


def test_an_exact_reimport_is_skipped_even_after_the_activity_was_corrected_on_its_page(camden, admin):
    activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    meeting = Activity.objects.get(title="Spring public meeting")
    services.activity_update(activity=meeting, actor=admin, data={"public_attendance": 70}, loaded_version=1)
    again = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert (again.errors, again.imported, again.already_recorded) == ([], 0, 3)
    assert Activity.objects.get(title="Spring public meeting").public_attendance == 70


def test_two_rows_for_the_same_activity_with_different_details_are_an_error(camden, admin):
    changed = list(GOOD_ROWS[0])
    changed[5] = "70"
    result = activity_import(group=camden, actor=admin, file=csv_upload([GOOD_ROWS[0], GOOD_ROWS[1], changed]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (4, "B", "This row has the same type, date, title and start time as row 2. Change the title, or remove one")
    ]
    assert not Activity.objects.exists()


# --- Disbanded groups and unknown set-up dates (review item 11) --------------


def test_an_import_refuses_rows_after_the_group_was_disbanded(camden):
    """An officer records a disbanded group's last activities, not later ones."""
    disband(camden, on=dt.datetime(2025, 6, 30, 12, 0, tzinfo=dt.UTC))
    result = activity_import(group=camden, actor=OfficerFactory(), file=csv_upload(GOOD_ROWS))
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "C", "The date must be on or before 30 June 2025, when the group was disbanded"),
        (4, "C", "The date must be on or before 30 June 2025, when the group was disbanded"),
    ]
    assert not Activity.objects.exists()


# --- Show on public page (review item 15) -------------------------------------


def test_show_on_public_page_defaults_by_type_and_takes_yes_or_no(camden, admin):
    rows = [
        ["Targeted event", "Youth session", "2025-06-01"],
        ["Targeted event", "Open day", "2025-06-02", "yes"],
        ["Public meeting", "June meeting", "2025-06-03"],
        ["Public meeting", "Private briefing", "2025-06-04", "No"],
        ["Face the People event", "Face the People", "2025-06-05", ""],
    ]
    headers = ["Type", "Title", "Date", "Show on public page"]
    result = activity_import(group=camden, actor=admin, file=csv_upload(rows, headers=headers))
    assert result.errors == []
    assert dict(Activity.objects.values_list("title", "is_public")) == {
        "Youth session": False,
        "Open day": True,
        "June meeting": True,
        "Private briefing": False,
        "Face the People": True,
    }


def test_show_on_public_page_must_be_yes_or_no(camden, admin):
    rows = [["Targeted event", "Youth session", "2025-06-01", "perhaps"]]
    result = activity_import(
        group=camden, actor=admin, file=csv_upload(rows, headers=["Type", "Title", "Date", "Show on public page"])
    )
    assert [(e.row, e.column, e.field, e.message) for e in result.errors] == [
        (2, "D", "Show on public page", "Enter yes or no")
    ]


def test_a_file_without_the_public_page_column_keeps_its_fingerprints(camden, admin):
    """Files made before the column existed still re-import as "already recorded"."""
    result = activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS[:1], headers=HEADERS[:12]))
    key = Activity.objects.get().import_key
    values = result.rows[0].values
    assert key == imports.fingerprint(group=camden, values=values, outputs=[])


# --- Two imports at once (review item 19) -------------------------------------


def test_an_import_locks_the_groups_row_before_reading_anything(camden, admin, locks):
    activity_import(group=camden, actor=admin, file=csv_upload(GOOD_ROWS))
    assert locks[:1] == [EngagementGroup]


def test_a_semicolon_separated_csv_is_read_like_a_comma_separated_one(camden, admin):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADERS[:6] + ["Outputs evidenced"])
    writer.writerow(["Public meeting", "Spring public meeting", "2025-05-14", "19:00", "Town Hall", "1,200", ""])
    writer.writerow(
        ["Targeted event", "Youth football", "2025-08-02", "", "", "40", "stop-and-search; two-way-engagement"]
    )
    upload = SimpleUploadedFile("activities.csv", buffer.getvalue().encode(), content_type="text/csv")
    result = activity_import(group=camden, actor=admin, file=upload)
    assert result.is_valid, result.errors
    assert result.imported == 2
    meeting = Activity.objects.get(title="Spring public meeting")
    assert meeting.public_attendance == 1200
    assert set(evidence_of("Youth football")) >= {"stop-and-search", "two-way-engagement"}


def test_attendance_over_the_limit_is_an_error_on_its_row(camden, admin):
    rows = [["Public meeting", "Spring public meeting", "2025-05-14", "", "", "99,999,999,999,999"]]
    result = activity_import(group=camden, actor=admin, file=csv_upload(rows, headers=HEADERS[:6]))
    assert [(e.row, e.column, e.message) for e in result.errors] == [(2, "F", ATTENDANCE_MESSAGE)]
    assert not Activity.objects.exists()
