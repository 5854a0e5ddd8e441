"""A group's administrator records an activity, imports a spreadsheet and
sees the next meeting on the public page; axe checks every page."""

import datetime as dt

import pytest
from django.utils import timezone

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.activities.models import Activity
from cpeg.groups.tests.factories import EngagementGroupFactory, VenueFactory, borough
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def camden(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    group = EngagementGroupFactory(borough=borough("camden"), name="Camden Community and Police Engagement Group")
    VenueFactory(group=group, name="Camden Town Hall")
    GroupAdminFactory(username="camden-admin", group=group)
    return group


def submit(page, name="Save"):
    page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def test_an_administrator_records_an_activity_and_uploads_its_minutes(page, live_server, camden):
    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/activities/group/{camden.pk}/")
    page.get_by_role("link", name="Record an activity").click()
    page.wait_for_load_state()
    assert_accessible(page)

    # "Show on the group's public page" follows the type until it is touched.
    public_box = page.get_by_label("Show on the group's public page")
    assert not public_box.is_checked()
    page.get_by_role("radio", name="Public meeting", exact=True).check()
    assert public_box.is_checked()
    page.get_by_role("radio", name="Targeted event or conference").check()
    assert not public_box.is_checked()
    page.get_by_role("radio", name="Face the People event").check()
    assert public_box.is_checked()
    public_box.uncheck()
    page.get_by_role("radio", name="Public meeting", exact=True).check()
    assert not public_box.is_checked()
    public_box.check()

    last_month = timezone.localdate() - dt.timedelta(days=30)
    page.get_by_role("radio", name="Public meeting", exact=True).check()
    page.get_by_label("Title", exact=True).fill("Autumn public meeting")
    page.get_by_label("Day").fill(str(last_month.day))
    page.get_by_label("Month").fill(str(last_month.month))
    page.get_by_label("Year").fill(str(last_month.year))
    page.get_by_label("Start time (optional)").fill("19:00")
    page.get_by_label("Venue", exact=True).select_option(label="Camden Town Hall")
    page.get_by_label("Members of the public attending").fill("minus ten")
    page.get_by_label("The borough commander or deputy was there").check()
    page.get_by_label("Policing Pledge/Confidence").check()
    submit(page)
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role(
        "link", name="Members of the public attending must be a whole number from 0 to 100,000"
    ).is_visible()
    assert_accessible(page)

    page.get_by_label("Members of the public attending").fill("72")
    submit(page)
    assert page.get_by_role("heading", name="Autumn public meeting").is_visible()
    assert page.get_by_text("Hold at least 4 public meetings/events per annum", exact=True).is_visible()
    assert page.get_by_text("Policing Pledge/Confidence", exact=True).is_visible()
    # The history says which outputs it evidences.
    assert page.get_by_role("cell", name="Output evidenced: Policing Pledge/Confidence").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a document").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("radio", name="Minutes", exact=True).check()
    page.get_by_label("Document", exact=True).set_input_files(
        files=[{"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page, "Upload")
    assert page.get_by_role("link", name="minutes.pdf", exact=True).is_visible()
    assert_accessible(page)
    activity = Activity.objects.get()
    assert activity.public_attendance == 72
    assert activity.is_public is True
    assert activity.documents.count() == 1


def test_an_administrator_imports_a_spreadsheet_and_the_next_meeting_is_public(page, live_server, camden):
    next_month = timezone.localdate() + dt.timedelta(days=28)
    good = (
        "Type,Title,Date,Start time,Venue,Public attendance\r\n"
        "Public meeting,Spring public meeting,2025-05-14,19:00,Camden Town Hall,65\r\n"
        "Newsletter,Summer newsletter,01/07/2025,,,\r\n"
        f"Public meeting,Winter public meeting,{next_month:%d/%m/%Y},18:30,Camden Town Hall,\r\n"
    ).encode()
    bad = b"Type,Title,Date,Public attendance\r\nPicnic,Summer picnic,2025-07-01,-4\r\n"

    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/activities/group/{camden.pk}/")
    page.get_by_role("link", name="Import from a spreadsheet").click()
    page.wait_for_load_state()
    assert_accessible(page)

    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    submit(page, "Import")
    assert page.title().startswith("Error: Import activities")
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem with the file").is_visible()
    # The summary is the first thing in the main content, before the heading.
    assert page.evaluate(
        "() => !!(document.querySelector('main .govuk-error-summary').compareDocumentPosition("
        "document.querySelector('main h1')) & Node.DOCUMENT_POSITION_FOLLOWING)"
    )
    summary.get_by_role("link", name="Row 2, column A, Type").click()
    assert page.url.endswith("#import-error-1")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 2
    assert_accessible(page)
    assert not Activity.objects.exists()

    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        files=[{"name": "activities.csv", "mimeType": "text/csv", "buffer": good}]
    )
    submit(page, "Check the file only")
    assert page.get_by_text("3 new activities will be imported").is_visible()
    assert_accessible(page)
    assert not Activity.objects.exists()

    # The checked file is kept: importing it needs no second upload.
    submit(page, "Import these activities")
    assert page.get_by_role("heading", name="Import complete").is_visible()
    assert_accessible(page)

    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        files=[{"name": "activities.csv", "mimeType": "text/csv", "buffer": good}]
    )
    submit(page, "Import")
    assert page.get_by_text("0 activities imported; 3 already recorded").is_visible()
    assert Activity.objects.count() == 3

    visit(page, f"{live_server.url}/activities/group/{camden.pk}/?year=2025")
    assert page.get_by_role("link", name="Spring public meeting").is_visible()

    visit(page, f"{live_server.url}/directory/{camden.slug}/")
    assert page.get_by_text("Winter public meeting").is_visible()
    assert page.get_by_text("Spring public meeting").count() == 0
