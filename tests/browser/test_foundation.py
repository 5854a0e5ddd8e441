"""Sign in as each role and walk the main pages; axe finds no violations."""

import re

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_database):
    demo_database(only=["groups", "accounts"])


def test_public_pages_are_accessible_without_signing_in(csp_safe_page, live_server, demo):
    page = csp_safe_page
    visit(page, f"{live_server.url}/directory/")
    # GOV.UK Frontend's JavaScript ran (the inline nonce script and module were allowed by the CSP).
    assert "govuk-frontend-supported" in page.evaluate("document.body.className")
    page.get_by_role("link", name="Camden Community and Police Engagement Group").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="How to join").is_visible()
    assert_accessible(page)
    visit(page, f"{live_server.url}/accounts/sign-in/")


def test_officer_walks_the_groups_dashboard_and_a_group(page, live_server, demo):
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/groups/")
    assert page.get_by_text("32 groups").is_visible()
    page.get_by_label("Staffing model").select_option("council")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert_accessible(page)
    rows = page.locator("tbody tr")
    assert rows.count() >= 5
    page.goto(f"{live_server.url}/groups/?q=camden")
    page.get_by_role("link", name="Camden Community and Police Engagement Group").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("link", name="Change group details").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Administrator's hours per week").fill("lots")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    visit(page, f"{live_server.url}/groups/people/")
    visit(page, f"{live_server.url}/groups/boroughs/camden/")
    visit(page, f"{live_server.url}/groups/")
    page.get_by_role("link", name="Activities across London this year").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile("Activities across London")).is_visible()
    assert_accessible(page)


def test_group_admin_sees_only_their_group(page, live_server, demo):
    sign_in(page, live_server, "camden-admin")
    # Signing in lands on the to-do list; "Your group" leads to the group.
    assert_accessible(page)
    page.get_by_role("link", name="Your group", exact=True).click()
    page.wait_for_load_state()
    assert "/groups/" in page.url
    assert_accessible(page)
    assert page.get_by_role("heading", name="Camden Community and Police Engagement Group").is_visible()
    response = page.goto(f"{live_server.url}/groups/")
    assert response.status == 403


def _open_camden(page) -> None:
    page.get_by_role("link", name="Camden Community and Police Engagement Group").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Camden Community and Police Engagement Group").is_visible()
    assert_accessible(page)


def test_link_member_walks_their_boroughs_monitoring_and_cost_analysis(page, live_server, demo):
    sign_in(page, live_server, "link-member")
    visit(page, f"{live_server.url}/groups/")
    assert page.get_by_text("2 groups").is_visible()
    _open_camden(page)
    # Read only: no way to change the group.
    assert page.get_by_role("link", name="Change group details").count() == 0
    visit(page, f"{live_server.url}/monitoring/")
    assert page.get_by_role("heading", name="Monitoring dashboard", level=1).is_visible()
    visit(page, f"{live_server.url}/funding/cost-analysis/")
    assert page.get_by_role("heading", name="Cost analysis", level=1).is_visible()


def test_manager_walks_the_main_pages_and_reaches_the_admin(page, live_server, demo):
    sign_in(page, live_server, "manager")
    visit(page, f"{live_server.url}/groups/")
    assert page.get_by_text("32 groups").is_visible()
    page.goto(f"{live_server.url}/groups/?q=camden")
    _open_camden(page)
    visit(page, f"{live_server.url}/funding/")
    assert page.get_by_role("heading", name="Funding rounds", level=1).is_visible()
    visit(page, f"{live_server.url}/monitoring/")
    assert page.get_by_role("heading", name="Monitoring dashboard", level=1).is_visible()
    # Django's admin passes axe too (visit runs it on every page).
    visit(page, f"{live_server.url}/admin/")
    assert page.get_by_role("heading", name="Site administration").is_visible()


def test_group_chair_sees_their_group_and_adds_a_venue(page, live_server, demo):
    sign_in(page, live_server, "camden-chair")
    assert_accessible(page)
    page.get_by_role("link", name="Your group", exact=True).click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Add a venue").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("Venue name").fill("Kentish Town Community Centre")
    page.get_by_label("Address").fill("17 Busby Place, London")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Venue added").is_visible()
    assert page.get_by_text("Kentish Town Community Centre").first.is_visible()
    assert_accessible(page)
    visit(page, page.url.rstrip("/") + "/history/")
    assert page.get_by_text("Kentish Town Community Centre").first.is_visible()
