"""SLAs in the browser: the Camden chair signs, an officer countersigns;
axe-core finds no WCAG 2.2 A/AA violations on any page on the way."""

import datetime as dt

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def demo(demo_database):
    """The demo steps SLAs depend on: groups, accounts, agreements."""
    return demo_database(only=["groups", "accounts", "agreements"])


def _status(page) -> str:
    return page.locator(".govuk-summary-list__row", has_text="Status").locator("dd").first.inner_text()


def test_camden_chair_signs_and_an_officer_countersigns(page, live_server, demo):
    camden = demo.groups["camden"]
    sla_url = f"{live_server.url}/agreements/groups/{camden.pk}/?year=2026"

    sign_in(page, live_server, "camden-chair")
    visit(page, sla_url)
    assert _status(page) == "Draft"
    assert page.get_by_text(
        "Reason: Camden holds bi-monthly meetings agreed with the borough commander", exact=True
    ).is_visible()
    page.get_by_role("link", name="Sign the SLA for the group").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Sign the SLA").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert_accessible(page)
    signatory = page.locator("#signatory")
    assert signatory.locator(".govuk-summary-list__row", has_text="Role in the group").locator("dd").inner_text() == (
        "Chair"
    )
    page.get_by_label("I am authorised to sign for the group").check()
    page.get_by_role("button", name="Sign the SLA").click()
    page.wait_for_load_state()
    assert "SLA signed for the group" in page.content()
    assert _status(page) == "Signed by the group"
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/agreements/overview/?year=2026")
    visit(page, sla_url)
    page.get_by_role("link", name="Countersign the SLA").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_label("I countersign this SLA for the authority").check()
    page.get_by_role("button", name="Countersign the SLA").click()
    page.wait_for_load_state()
    assert _status(page) == "Signed and countersigned"
    # The date is the server's signing date, which need not be the fixed demo date.
    sla = camden.slas.get(financial_year=2026, superseded_at__isnull=True)
    signed_on = f"{sla.countersigned_on.day} {sla.countersigned_on:%B %Y}"
    assert sla.countersignatory_name == "Olivia Officer"
    assert page.get_by_text(f"Olivia Officer, on {signed_on}").first.is_visible()
    assert_accessible(page)


def test_officer_pages_for_templates_variations_and_versions_are_accessible(page, live_server, demo):
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/agreements/templates/")
    page.get_by_role("link", name="2026/27").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ensuring the CPEG is fit for purpose").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change Publish and disseminate at least 4 newsletters").click()
    page.wait_for_load_state()
    page.get_by_label("Yearly target", exact=True).fill("-3")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("The yearly target must be 1 or more").first.is_visible()
    assert_accessible(page)
    visit(page, f"{live_server.url}/agreements/templates/start/")

    haringey = demo.groups["haringey"]
    visit(page, f"{live_server.url}/agreements/groups/{haringey.pk}/?year=2026")
    assert page.get_by_text("Version 2 (shown)").is_visible()
    page.get_by_role("link", name="Version 1").click()
    page.wait_for_load_state()
    assert page.get_by_text("This version was replaced on").is_visible()
    assert_accessible(page)

    bromley = demo.groups["bromley"]
    visit(page, f"{live_server.url}/agreements/groups/{bromley.pk}/2026/outputs/public-meetings/vary/")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_text("Enter the reason for this variation").first.is_visible()
    assert_accessible(page)
    visit(page, f"{live_server.url}/agreements/groups/{bromley.pk}/2026/outputs/add/")
    visit(page, f"{live_server.url}/agreements/groups/{bromley.pk}/?year=2026")
    assert page.get_by_text("Removed locally").first.is_visible()


def test_group_administrator_reads_their_sla_and_the_template(page, live_server, demo):
    sign_in(page, live_server, "lambeth-admin")
    lambeth = demo.groups["lambeth"]
    visit(page, f"{live_server.url}/agreements/groups/{lambeth.pk}/")
    assert page.get_by_text("Hold a youth engagement forum each quarter", exact=True).is_visible()
    page.get_by_role("link", name="Read the standard SLA for 2026/27").click()
    page.wait_for_load_state()
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/agreements/groups/{demo.groups['camden'].pk}/")
    assert response.status == 404
