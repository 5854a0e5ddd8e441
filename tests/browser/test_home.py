"""The home page's to-do lists in a browser, on the demo, with axe on every
page: a group's administrator and an officer each see what is waiting for
them and follow an item to the page where they do it."""

import pytest

from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(demo_database):
    demo_database()


def test_a_group_admin_sees_their_overdue_return_and_opens_it(page, live_server, demo):
    sign_in(page, live_server, "camden-admin")
    visit(page, f"{live_server.url}/")
    assert page.get_by_role("heading", name="Your to-do list").is_visible()
    returns = page.locator("section", has=page.get_by_role("heading", name="Quarterly returns"))
    item = returns.locator("li").first
    assert "Camden" in item.inner_text()
    assert "overdue by" in item.inner_text() or "due in" in item.inner_text() or "due today" in item.inner_text()
    item.get_by_role("link").click()
    page.wait_for_load_state()
    assert "/monitoring/returns/" in page.url
    assert_accessible(page)


def test_an_officer_sees_returns_to_review_and_opens_one(page, live_server, demo):
    sign_in(page, live_server, "officer")
    visit(page, f"{live_server.url}/")
    review = page.locator("section", has=page.get_by_role("heading", name="Returns to review"))
    assert review.locator("li").count() >= 1
    link = review.locator("li a").first
    link.click()
    page.wait_for_load_state()
    assert "/monitoring/returns/" in page.url
    assert page.get_by_role("heading", name="Emails sent about this").is_visible()
    assert_accessible(page)
    visit(page, f"{live_server.url}/notifications/")
    assert page.get_by_role("heading", name="Emails sent").is_visible()
