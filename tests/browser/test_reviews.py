"""The annual review in the browser on the demo, every page checked with
axe: an officer starts the 2025/26 draft, follows a figure to its records
and writes a section's narrative; a manager publishes; the public reads
the published version."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_draft_narrative_publish(page, live_server, demo_database):
    demo_database()
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/reviews/")
    page.get_by_label("Financial year").select_option("2025")
    page.get_by_role("button", name="Start or open the draft").click()
    page.wait_for_load_state()
    assert page.url.endswith("/reviews/2025/")
    assert_accessible(page)
    assert page.locator('a[data-figure="delivery.public_meeting"]').first.inner_text() == "177"

    page.locator('table a[data-figure="delivery.public_meeting"]').click()
    page.wait_for_load_state()
    assert page.locator("#record-count").inner_text() == "177 records"
    assert_accessible(page)

    visit(page, f"{live_server.url}/reviews/2025/")
    page.get_by_role("link", name="Write the narrative for collective delivery").click()
    page.get_by_label("Narrative for this section").fill("More public meetings than the SLA asks for.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "More public meetings than the SLA asks for." in page.content()
    assert_accessible(page)
    assert page.get_by_role("link", name="Publish", exact=True).count() == 0  # officers do not publish

    page.context.clear_cookies()
    sign_in(page, live_server, "manager")
    visit(page, f"{live_server.url}/reviews/2025/")
    page.get_by_role("link", name="Publish", exact=True).click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Publish the review").click()
    page.wait_for_load_state()
    assert page.url.endswith("/reviews/published/2025/v1/")
    assert_accessible(page)

    page.context.clear_cookies()
    visit(page, f"{live_server.url}/reviews/published/")
    page.get_by_role("link", name="Annual review 2025/26").click()
    page.wait_for_load_state()
    assert_accessible(page)
    assert "More public meetings than the SLA asks for." in page.content()
    assert page.locator('[data-figure="delivery.public_meeting"]').first.inner_text() == "177"
