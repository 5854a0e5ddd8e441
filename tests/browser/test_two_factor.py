"""Two-factor sign-in in a browser, with axe on every page: an officer sets up
an authenticator app with a real TOTP code, signs in again with the app's
next code, then with a recovery code; a group's administrator opts in."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def real_second_step(settings):
    """The real second step, as in production."""
    settings.TEST_SIGN_IN_SKIPS_SECOND_STEP = False
    settings.TWO_FACTOR_REQUIRED = True


def _code(key: bytes, steps_ahead: int = 0) -> str:
    """What an authenticator app shows for ``key`` now (or in 30 s steps)."""
    totp = TOTP(key)
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _set_up_app(page) -> tuple[bytes, list[str]]:
    """Read the key as a person would type it into their app, confirm with
    the app's code, and return the key and the recovery codes shown."""
    assert page.get_by_role("heading", name="Set up two-factor sign-in").is_visible()
    assert page.get_by_role("img", name="QR code to scan with your authenticator app").is_visible()
    assert_accessible(page)
    page.get_by_text("I cannot scan the QR code").click()
    key = b32decode(page.locator("#setup-key").inner_text().replace(" ", ""))

    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="The code is not right").is_visible()
    assert_accessible(page)
    time.sleep(1.1)  # django-otp's wait after a wrong code

    page.get_by_label("Code").fill(_code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Save your recovery codes").is_visible()
    assert_accessible(page)
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    return key, codes


def _sign_out(page):
    page.get_by_role("button", name=re.compile("Sign out")).first.click()
    page.wait_for_load_state()


def test_an_officer_sets_up_an_app_and_signs_in_with_its_code_and_a_recovery_code(page, live_server):
    OfficerFactory(username="olive")
    sign_in(page, live_server, "olive")
    # Every page waits until the app is set up.
    page.goto(f"{live_server.url}/groups/")
    assert "/accounts/two-factor/set-up/" in page.url
    key, codes = _set_up_app(page)
    page.get_by_role("link", name="I have saved my recovery codes").click()
    page.wait_for_load_state()
    assert page.url.endswith("/groups/")
    _sign_out(page)

    # The next sign-in asks for the app's code; the one used to set up is spent.
    sign_in(page, live_server, "olive")
    page.goto(f"{live_server.url}/groups/")
    assert page.get_by_role("heading", name="Enter your sign-in code").is_visible()
    assert_accessible(page)
    page.get_by_label("Code").fill(_code(key, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.url.endswith("/groups/")
    _sign_out(page)

    # Without the phone: a recovery code, once.
    sign_in(page, live_server, "olive")
    page.get_by_text("I do not have my phone").click()
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert "/accounts/two-factor/" not in page.url
    page.goto(f"{live_server.url}/accounts/two-factor/")
    assert page.get_by_text("Recovery codes left").is_visible()
    assert page.locator(".govuk-summary-list__value").inner_text() == "9"
    assert page.get_by_text("Authority officers and managers cannot turn it off").is_visible()
    assert_accessible(page)


def test_a_group_admin_turns_two_factor_sign_in_on_and_off(page, live_server):
    group = EngagementGroupFactory(borough=borough("camden"))
    GroupAdminFactory(username="camden-admin", group=group)
    sign_in(page, live_server, "camden-admin")
    page.get_by_role("link", name="Change password").click()
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_text("Two-factor sign-in is off").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Turn on two-factor sign-in").click()
    page.wait_for_load_state()
    _set_up_app(page)

    page.goto(f"{live_server.url}/accounts/two-factor/")
    page.get_by_role("link", name="Turn off two-factor sign-in").click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="Turn off two-factor sign-in").click()
    page.wait_for_load_state()
    assert page.get_by_text("Two-factor sign-in is off").first.is_visible()
    assert_accessible(page)
