"""A consultation end to end in a browser, axe on every page: an officer
prepares and opens it, Camden's administrator responds on behalf of member
organisations and individuals, the officer sees the participation figures
and downloads the responses."""

import io
from fractions import Fraction

import pytest
from openpyxl import load_workbook

from cpeg.consultations.figures import percent_text
from cpeg.consultations.models import Consultation
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Custody visiting consultation"


@pytest.fixture
def demo(demo_database, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return demo_database(["groups", "accounts", "consultations"])


def _switch_to(page, live_server, username):
    page.context.clear_cookies()
    sign_in(page, live_server, username)


def _click(page, role, name):
    page.get_by_role(role, name=name).click()
    page.wait_for_load_state()
    assert_accessible(page)


def _date(page, legend, day, month, year):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_an_officer_opens_a_consultation_a_group_responds_and_the_officer_sees_the_counts(page, live_server, demo):
    # The officer prepares the consultation, first with a mistake.
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/consultations/")
    _click(page, "link", "Prepare a consultation")
    page.get_by_role("radio", name="Other").check()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Questions or what the authority is asking").fill("How should custody visiting change?")
    _date(page, "Opens", "20", "11", "2026")
    _date(page, "Closes", "1", "11", "2026")
    _click(page, "button", "Save")
    assert page.get_by_role("link", name="The closing date must be the same as or after the opening date").is_visible()
    _date(page, "Closes", "31", "1", "2027")
    _click(page, "button", "Save")
    assert page.get_by_role("heading", name=TITLE).is_visible()
    _click(page, "link", "Open the consultation")
    _click(page, "button", "Open the consultation")
    consultation = Consultation.objects.get(title=TITLE)
    asked = consultation.responses.count()
    assert asked == consultation.groups_asked.count() > 0

    # Camden's administrator responds for 23 member organisations and 4 people.
    _switch_to(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/consultations/{consultation.pk}/")
    _click(page, "link", "Respond for Camden Community and Police Engagement Group")
    page.get_by_role("radio", name="Yes, the group is responding").check()
    page.get_by_label("The group's response").fill("Members want more visits at weekends.")
    page.get_by_label("How many member organisations does the response represent?").fill("23")
    page.get_by_label("How many individuals responded through the group?").fill("4")
    _click(page, "button", "Save and continue")
    _click(page, "link", "Send the response")
    _click(page, "button", "Send the response")
    assert page.get_by_text("Response sent to the authority").is_visible()

    # The officer sees the figures, each linking to its responses.
    _switch_to(page, live_server, "officer")
    visit(page, f"{live_server.url}/consultations/{consultation.pk}/")
    sentence = page.locator("#participation-sentence").inner_text()
    assert sentence == "1 group responded, representing 23 member organisations and 4 individuals."
    assert page.locator("[data-figure=rate]").inner_text().startswith(percent_text(Fraction(1, asked)))
    page.locator("a[data-figure=responded]").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("link", name="Camden Community and Police Engagement Group").is_visible()
    visit(page, f"{live_server.url}/consultations/{consultation.pk}/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the responses (XLSX)").click()
    sheet = load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = [row for row in sheet.iter_rows(min_row=3, values_only=True) if row[3] == "Responding"]
    assert [(row[0], row[4], row[5]) for row in rows] == [("Camden Community and Police Engagement Group", 23, 4)]

    # The London list shows it too.
    visit(page, f"{live_server.url}/consultations/")
    assert page.get_by_role("link", name=TITLE, exact=True).is_visible()
