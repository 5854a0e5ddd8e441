import pytest
from django.test import Client
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupExecutiveFactory, OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

URL = reverse("accounts:password-change")
NEW = "quarterly-return-7"


def _change(client, old="demo", new1=NEW, new2=NEW):
    return client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2})


def test_every_signed_in_page_links_to_change_password_beside_sign_out(client):
    client.force_login(OfficerFactory())
    html = client.get(reverse("groups:group-list")).content.decode()
    assert f'href="{URL}">Change password</a>' in html
    assert html.index("Change password") < html.index("Sign out")


def test_signed_out_people_see_no_change_password_link(client):
    assert "Change password" not in client.get(reverse("public:group-list")).content.decode()


def test_a_group_chair_changes_their_password_and_stays_signed_in(client):
    chair = GroupExecutiveFactory(group=EngagementGroupFactory(borough=borough("camden")))
    client.force_login(chair)
    other_session = Client()
    other_session.force_login(chair)

    response = _change(client)

    assert response.status_code == 302
    page = client.get(response["Location"], follow=True)
    assert page.status_code == 200
    assert "Your password has been changed" in page.content.decode()
    assert "govuk-notification-banner--success" in page.content.decode()
    assert client.session["_auth_user_id"] == str(chair.pk)
    chair.refresh_from_db()
    assert chair.check_password(NEW) is True
    assert chair.check_password("demo") is False
    # Sessions elsewhere end: their hash was made from the old password.
    assert other_session.get(URL).status_code == 302
    event = AuditEvent.objects.get(event_type="PASSWORD_CHANGED")
    assert event.actor == chair
    assert event.target_id == chair.pk


def test_a_wrong_current_password_is_refused_with_a_gov_uk_error(client):
    officer = OfficerFactory()
    client.force_login(officer)

    response = _change(client, old="not-my-password")

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert '<a href="#id_old_password">Your current password is incorrect</a>' in html
    assert '<span id="id_old_password_1_error" class="govuk-error-message">' in html
    officer.refresh_from_db()
    assert officer.check_password("demo") is True
    assert not AuditEvent.objects.filter(event_type="PASSWORD_CHANGED").exists()


def test_new_passwords_that_do_not_match_are_refused(client):
    officer = OfficerFactory()
    client.force_login(officer)

    response = _change(client, new2=NEW + "x")

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_new_password2">The new passwords do not match</a>' in html
    assert '<span id="id_new_password2_1_error" class="govuk-error-message">' in html
    officer.refresh_from_db()
    assert officer.check_password("demo") is True


def test_the_password_validators_in_settings_apply_and_show_on_the_new_password(client):
    client.force_login(OfficerFactory())

    response = _change(client, new1="12345678", new2="12345678")

    html = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_new_password1">This password is too common.</a>' in html
    assert '<a href="#id_new_password1">This password is entirely numeric.</a>' in html


def test_an_empty_form_asks_for_each_password(client):
    client.force_login(OfficerFactory())

    html = client.post(URL, {}).content.decode()

    assert "Enter your current password" in html
    assert "Enter a new password" in html
    assert "Enter your new password again" in html


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))
