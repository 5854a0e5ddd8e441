"""Inviting a colleague in a browser, with axe on every page: a manager
invites a new officer, who follows the emailed link, chooses a password and
signs in (issue 9.11)."""

import re

import pytest
from django.core import mail

from cpeg.accounts.models import User
from cpeg.accounts.tests.factories import ManagerFactory
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "engagement-group-42"


def test_a_manager_invites_an_officer_who_sets_a_password_and_signs_in(page, live_server, settings):
    settings.SITE_URL = live_server.url
    ManagerFactory(username="manager", first_name="Maria", last_name="Manager")
    sign_in(page, live_server, "manager")

    page.get_by_role("link", name="Accounts").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Accounts", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Invite someone").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Invite someone").is_visible()
    assert_accessible(page)

    page.get_by_label("First name").fill("Nadia")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("link", name="Enter their email address").is_visible()
    assert page.get_by_role("link", name="Select a role").is_visible()
    assert_accessible(page)

    mail.outbox.clear()
    page.get_by_label("Last name").fill("Khan")
    page.get_by_label("Email address").fill("nadia.khan@authority.example")
    page.get_by_label("Authority officer").check()
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_load_state()
    assert page.get_by_text("Invitation sent").is_visible()
    assert page.get_by_role("heading", name="Nadia Khan").is_visible()
    assert page.get_by_text("Invited: has not yet chosen a password").is_visible()
    assert_accessible(page)

    (message,) = mail.outbox
    assert message.to == ["nadia.khan@authority.example"]
    link = re.search(rf"^{re.escape(live_server.url)}/accounts/invitation/\S+/$", message.body, re.M).group(0)
    page.get_by_role("button", name=re.compile("Sign out")).first.click()
    page.wait_for_load_state()

    visit(page, link)
    assert page.get_by_role("heading", name="Choose your password").is_visible()
    assert "/invitation/choose-password/" in page.url  # the token left the address
    page.get_by_label("New password", exact=True).fill(NEW)
    page.get_by_label("Confirm new password").fill(NEW)
    page.get_by_role("button", name="Save password").click()
    page.wait_for_load_state()
    assert page.get_by_text("Your password has been set").is_visible()
    assert_accessible(page)

    sign_in(page, live_server, "nadia.khan@authority.example", NEW)
    assert page.get_by_role("link", name="Funding").is_visible()
    assert_accessible(page)
    assert User.objects.get(email="nadia.khan@authority.example").last_login is not None

    visit(page, link)
    assert page.get_by_role("heading", name="Your invitation link does not work").is_visible()
