"""Account self-service in a browser, with axe on every page: a group's
administrator changes their password; someone who has forgotten theirs asks
for a link by email and sets a new one."""

import re

import pytest
from django.core import mail

from cpeg.accounts.tests.factories import GroupAdminFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "engagement-group-42"


@pytest.fixture
def camden_admin(transactional_db):
    group = EngagementGroupFactory(borough=borough("camden"))
    return GroupAdminFactory(username="camden-admin", group=group, email="admin@camden-cpeg.example.org")


def test_a_group_admin_changes_their_password_and_stays_signed_in(page, live_server, camden_admin):
    # Not csp_safe_page: Chromium logs the refused form's 400 as a console error.
    sign_in(page, live_server, "camden-admin")
    page.get_by_role("link", name="Change password").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Change your password").is_visible()
    assert_accessible(page)

    page.get_by_label("Current password").fill("not-my-password")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("link", name="Your current password is incorrect").is_visible()
    assert_accessible(page)

    page.get_by_label("Current password").fill("demo")
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Change password").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your password has been changed").is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()
    assert_accessible(page)
    camden_admin.refresh_from_db()
    assert camden_admin.check_password(NEW) is True


def test_someone_who_forgot_their_password_resets_it_by_email(csp_safe_page, live_server, camden_admin, settings):
    settings.SITE_URL = live_server.url
    page = csp_safe_page
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Reset your password").is_visible()
    assert_accessible(page)

    mail.outbox.clear()
    page.get_by_label("Email address").fill("admin@camden-cpeg.example.org")
    page.get_by_role("button", name="Send reset link").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert_accessible(page)

    (message,) = mail.outbox
    link = re.search(rf"^{re.escape(live_server.url)}/accounts/password/reset/\S+/$", message.body, re.M).group(0)
    visit(page, link)
    assert page.get_by_role("heading", name="Choose a new password").is_visible()
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Save new password").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Your password has been reset").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Sign in", exact=True).last.click()
    page.wait_for_load_state()
    sign_in(page, live_server, "camden-admin", NEW)

    # The link works once.
    visit(page, link)
    assert page.get_by_role("heading", name="Your password reset link does not work").is_visible()
