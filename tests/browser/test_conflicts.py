"""Nothing typed is lost, in a browser (axe on every page):

- two people edit the same group at once; the second sees the other's
  changes beside theirs, takes one of the other's answers, keeps one of
  their own, and saves;
- the timeout warning appears before an idle session ends, "Stay signed
  in" keeps it; once it has ended, a save goes through signing in again
  and comes back filled in.
"""

import pytest

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.groups.models import EngagementGroup
from cpeg.groups.tests.factories import EngagementGroupFactory, borough
from tests.browser.conftest import assert_accessible, sign_in, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camden(transactional_db):
    group = EngagementGroupFactory(
        borough=borough("camden"), name="Camden CPEG", email="old@camden.example.org", phone="020 7946 0000"
    )
    OfficerFactory(username="officer", first_name="Olu", last_name="Officer")
    GroupAdminFactory(username="camden-admin", group=group)
    return group


def test_the_second_editor_picks_per_field_and_saves(page, browser, live_server, camden):
    edit_url = f"{live_server.url}/groups/{camden.pk}/edit/"
    sign_in(page, live_server, "camden-admin")
    visit(page, edit_url)

    other = browser.new_context()
    officer = other.new_page()
    sign_in(officer, live_server, "officer")
    officer.goto(edit_url)
    officer.get_by_label("Contact email").fill("officer@camden.example.org")
    officer.get_by_label("Contact telephone").fill("020 7946 1111")
    officer.get_by_role("button", name="Save").click()
    officer.wait_for_load_state()
    assert "Group details saved" in officer.content()
    other.close()

    page.get_by_label("Contact email").fill("admin@camden.example.org")
    page.get_by_label("Contact telephone").fill("020 7946 2222")
    page.get_by_label("How to join").fill("Come to any public meeting")
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.get_by_role("heading", name="Check the changes Olu Officer made").is_visible()
    email = page.get_by_role("group", name="Contact email")
    assert "officer@camden.example.org" in email.inner_text()
    assert "admin@camden.example.org" in email.inner_text()
    assert page.get_by_role("group", name="Contact telephone").is_visible()
    assert page.get_by_role("group", name="How to join").count() == 0  # only they changed it
    # What was typed is still in the form.
    assert page.get_by_label("How to join").input_value() == "Come to any public meeting"
    assert_accessible(page)

    page.get_by_role("radio", name="Use theirs for Contact email").check()
    page.get_by_role("radio", name="Keep mine for Contact telephone").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Group details saved" in page.content()
    assert_accessible(page)
    camden = EngagementGroup.objects.get(pk=camden.pk)
    assert (camden.email, camden.phone, camden.how_to_join) == (
        "officer@camden.example.org",
        "020 7946 2222",
        "Come to any public meeting",
    )


def test_the_timeout_warning_keeps_the_session_and_a_late_save_is_kept(page, live_server, camden, settings):
    settings.SESSION_COOKIE_AGE = 12
    settings.SESSION_WARNING_SECONDS = 8
    settings.SESSION_REFRESH_SECONDS = 0
    edit_url = f"{live_server.url}/groups/{camden.pk}/edit/"
    sign_in(page, live_server, "camden-admin")
    page.goto(edit_url)
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    dialog.wait_for(state="visible", timeout=10_000)
    assert_accessible(page)
    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")
    page.get_by_label("How to join").fill("Typed while the session ran out")

    # This time nobody answers: the dialog says the session has ended.
    page.get_by_role("heading", name="You have been signed out").wait_for(state="visible", timeout=25_000)
    assert_accessible(page)
    page.get_by_role("button", name="Close").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "/accounts/sign-in/" in page.url
    assert "what you typed will be shown for you to check and save" in page.content()
    settings.SESSION_COOKIE_AGE = 3600
    page.get_by_label("Username").fill("camden-admin")
    page.get_by_label("Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "check it and save again" in page.content()
    assert page.get_by_label("How to join").input_value() == "Typed while the session ran out"
    assert_accessible(page)
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "Group details saved" in page.content()
    assert EngagementGroup.objects.get(pk=camden.pk).how_to_join == "Typed while the session ran out"
