"""Mistakes undone: a group's administrator withdraws an activity and undoes a
whole import; an officer restores one; axe checks every page."""

import datetime as dt

import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.activities.models import Activity
from cpeg.activities.tests.factories import ActivityFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    b"Type,Title,Date,Public attendance\r\n"
    b"Public meeting,Spring public meeting,2025-05-14,65\r\n"
    b"Newsletter,Summer newsletter,2025-07-01,\r\n"
)


@pytest.fixture
def camden(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    group = EngagementGroupFactory(borough=borough("camden"), name="Camden Community and Police Engagement Group")
    GroupAdminFactory(username="camden-admin", group=group)
    OfficerFactory(username="officer")
    return group


def click(page, role, name):
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)


def test_a_mistake_is_withdrawn_an_import_undone_and_an_officer_restores_one(page, live_server, camden):
    twice = ActivityFactory(group=camden, title="Autumn meeting entered twice", held_on=dt.date(2025, 10, 8))
    sign_in(page, live_server, "camden-admin")

    # Withdraw: a reason is asked for, every error at once, then it stops counting.
    visit(page, f"{live_server.url}/activities/{twice.pk}/")
    click(page, "link", "Withdraw this activity")
    click(page, "button", "Withdraw activity")
    assert page.get_by_role("link", name="Enter why the activity is being withdrawn").is_visible()
    page.get_by_label("Why is this activity being withdrawn?").fill("Entered twice")
    click(page, "button", "Withdraw activity")
    assert page.get_by_text("Reason: Entered twice").is_visible()
    twice.refresh_from_db()
    assert twice.withdrawn_at is not None

    # Import a file, then undo the whole import from the result page.
    visit(page, f"{live_server.url}/activities/import/")
    page.get_by_label("Spreadsheet (CSV or XLSX)").set_input_files(
        files=[{"name": "wrong-file.csv", "mimeType": "text/csv", "buffer": CSV}]
    )
    click(page, "button", "Import")
    assert page.get_by_role("heading", name="Import complete").is_visible()
    click(page, "link", "Undo this import")
    page.get_by_label("Why is this import being undone?").fill("Wrong year's file")
    click(page, "button", "Undo import")
    imported = Activity.objects.filter(import_batch__isnull=False)
    assert imported.count() == 2
    assert all(a.withdrawn_at is not None for a in imported)
    assert not Activity.objects.filter(group=camden, withdrawn_at__isnull=True).exists()

    # An officer restores the meeting withdrawn by mistake.
    page.context.clear_cookies()
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/activities/{twice.pk}/")
    click(page, "link", "Restore this activity")
    page.get_by_role("radio", name="Yes, count it again").check()
    click(page, "button", "Continue")
    twice.refresh_from_db()
    assert twice.withdrawn_at is None
    assert page.get_by_role("link", name="Withdraw this activity").is_visible()
