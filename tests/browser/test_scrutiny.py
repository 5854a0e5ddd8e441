"""A group's administrator reads their borough's stop and search figures
and follows a figure to the searches behind it; axe checks every page."""

import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from cpeg.scrutiny.tests.factories import CAMDEN_TOWN, import_rows, stop_row
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camden():
    group = EngagementGroupFactory(borough=borough("camden"), name="Camden Community and Police Engagement Group")
    GroupAdminFactory(username="camden-admin", group=group)
    rows = [stop_row(where=CAMDEN_TOWN) for _ in range(7)]
    rows += [
        stop_row(
            where=CAMDEN_TOWN,
            outcome="Arrest",
            self_defined="Black/African/Caribbean/Black British - African",
            officer="Black",
        )
        for _ in range(3)
    ]
    import_rows(rows)
    return group


def test_a_group_admin_follows_a_figure_to_its_searches(page, live_server, camden):
    sign_in(page, live_server, "camden-admin")
    visit(page, live_server.url + "/")
    page.get_by_role("link", name="Stop and search").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Camden").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("#total-searches").inner_text() == "10"
    assert page.locator("#arrest-rate").inner_text() == "30.0%"
    assert page.locator("#rates-self [data-group=black] [data-judgement]").get_attribute("data-judgement") == "too_few"

    page.locator("#by-outcome").get_by_role("link", name="3 searches, Arrest").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Outcome: Arrest"
    assert page.locator("#search-count").inner_text().startswith("3 searches")
    assert page.locator("#searches tbody tr").count() == 3

    # The public version of the figures: small counts hidden, axe clean.
    page.go_back()
    page.wait_for_load_state()
    page.get_by_role("link", name="Public version of these figures").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.locator("#public-total").inner_text() == "10 searches"
    assert page.get_by_text("fewer than 5").count() >= 1


PHONE = {"width": 360, "height": 740}


def test_a_custody_visitor_records_a_visit_on_a_phone(page, live_server):
    """A visitor signs in on a 360 px wide screen, lands on their panel's
    visits, records a visit they made and reads it back: axe clean, and no
    page wider than the screen."""
    from cpeg.scrutiny.tests.factories import custody_panel, custody_visitor, visitor_account

    panel = custody_panel("Camden")
    visitor_account(panel, "Ada Visitor", username="ada-visitor")
    custody_visitor(panel, "Ben Partner")
    custody_visit_count = panel.visits.count()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "ada-visitor")
    visit(page, live_server.url + "/")
    # Their way in, in the navigation (behind "Menu" at this width).
    href = page.locator("a", has_text="Custody visiting").first.get_attribute("href")
    assert href == f"/scrutiny/custody-visiting/panels/{panel.pk}/"
    visit(page, live_server.url + href)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("link", name="Record a visit").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_label("First visitor", exact=True).input_value() != ""  # themselves, to start with
    page.get_by_label("Second visitor", exact=True).select_option(label="Ben Partner")
    page.get_by_label("Day", exact=True).fill("23")
    page.get_by_label("Month", exact=True).fill("11")
    page.get_by_label("Year", exact=True).fill("2026")
    page.get_by_label("Time you arrived", exact=True).fill("21:30")
    page.get_by_label("People in custody at the time", exact=True).fill("4")
    page.get_by_label("Offered a visit", exact=True).fill("3")
    page.get_by_label("Accepted and seen", exact=True).fill("2")
    page.get_by_label("Declined", exact=True).fill("1")
    page.get_by_label("Health and wellbeing: concerns", exact=True).fill("Mr Smith asked for a blanket")
    page.get_by_role("button", name="Record the visit").click()
    page.wait_for_load_state()
    # A name is refused with the reason, in the error summary; what was typed stays.
    assert_accessible(page)
    assert page.locator(".govuk-error-summary").get_by_text("looks like a name").count() == 1
    assert page.get_by_label("Offered a visit", exact=True).input_value() == "3"
    page.get_by_label("Health and wellbeing: concerns", exact=True).fill(
        "A detainee asked for a blanket; given at once"
    )
    page.get_by_role("button", name="Record the visit").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert "/scrutiny/custody-visiting/visits/" in page.url
    assert panel.visits.count() == custody_visit_count + 1


def test_a_custody_visitor_follows_up_an_outstanding_issue_on_a_phone(page, live_server):
    """At 360 px: the panel's outstanding issues, then the resolution form
    (a bad date and a name refused together, what was typed kept), then the
    issue gone from the list; axe clean, no page wider than the screen."""
    import datetime as dt

    from django.utils import timezone

    from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, visitor_account

    panel = custody_panel("Camden")
    visitor_account(panel, "Ada Visitor", username="ada-visitor")
    issue = custody_visit(
        panel,
        visited_at=timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30)),
        issues_raised="The call bell in cell 3 did not work",
    )
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "ada-visitor")
    visit(page, live_server.url + f"/scrutiny/custody-visiting/panels/{panel.pk}/")
    page.get_by_role("link", name="Issues outstanding from every visit of this panel").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_text("The call bell in cell 3 did not work").count() == 1

    page.get_by_role("link", name="Record the resolution").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Day", exact=True).fill("1")
    page.get_by_label("Month", exact=True).fill("6")
    page.get_by_label("Year", exact=True).fill("2025")
    page.get_by_label("What was done", exact=True).fill("Mr Smith mended the bell")
    page.get_by_role("button", name="Save the resolution").click()
    page.wait_for_load_state()
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("on or after the visit").count() == 1
    assert summary.get_by_text("looks like a name").count() == 1
    assert page.get_by_label("What was done", exact=True).input_value() == "Mr Smith mended the bell"
    page.get_by_label("Day", exact=True).fill("10")
    page.get_by_label("What was done", exact=True).fill("The estates team mended the bell")
    page.get_by_role("button", name="Save the resolution").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_text("No issues outstanding.").count() == 1
    issue.refresh_from_db()
    assert issue.issues_resolved_on == dt.date(2025, 6, 10)


def test_a_custody_visitor_corrects_a_report_on_a_phone(page, live_server):
    """At 360 px: the visit's page offers "Change this report"; the form
    comes filled in, shows every broken rule at once keeping what was typed,
    then saves and the visit's page lists the change in words; axe clean,
    no page wider than the screen."""
    import datetime as dt

    from django.utils import timezone

    from cpeg.scrutiny.tests.factories import custody_panel, custody_visit, visitor_account

    panel = custody_panel("Camden")
    _, me = visitor_account(panel, "Ada Visitor", username="ada-visitor")
    report = custody_visit(panel, first_visitor=me, visited_at=timezone.make_aware(dt.datetime(2025, 6, 3, 21, 30)))
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "ada-visitor")
    visit(page, live_server.url + f"/scrutiny/custody-visiting/visits/{report.pk}/")
    page.get_by_role("link", name="Change this report").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.get_by_label("People in custody at the time", exact=True).input_value() == "6"
    assert page.get_by_label("Time you arrived", exact=True).input_value() == "21:30"
    page.get_by_label("Offered a visit", exact=True).fill("5")
    page.get_by_label("Rights and entitlements: concerns", exact=True).fill("Custody number 01/12345 had no leaflet")
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_load_state()
    assert_accessible(page)
    summary = page.locator(".govuk-error-summary")
    assert summary.get_by_text("must equal accepted").count() == 1
    assert summary.get_by_text("looks like a name").count() == 1
    assert page.get_by_label("Offered a visit", exact=True).input_value() == "5"
    page.get_by_label("Offered a visit", exact=True).fill("4")
    page.get_by_label("People in custody at the time", exact=True).fill("7")
    page.get_by_label("Rights and entitlements: concerns", exact=True).fill("One detainee had no rights leaflet")
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert page.url.endswith(f"/scrutiny/custody-visiting/visits/{report.pk}/")
    assert page.get_by_text("People in custody at the time: 6 → 7").count() == 1
    report.refresh_from_db()
    assert (report.in_custody, report.version) == (7, 2)


def test_the_summary_downloads_its_return(page, live_server):
    """The summary's "Download this return (CSV)" link gives the file."""
    from cpeg.accounts.tests.factories import OfficerFactory

    OfficerFactory(username="icv-officer")
    sign_in(page, live_server, "icv-officer")
    visit(page, live_server.url + "/scrutiny/custody-visiting/?period=2025-Q1")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this return (CSV)").click()
    assert download.value.suggested_filename == "custody-visiting-return-2025-Q1.csv"
    text = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: PTH123, SIM115
    assert text.splitlines()[0].startswith("Panel,Period,Visits attempted,Access not gained,Valid visits")
