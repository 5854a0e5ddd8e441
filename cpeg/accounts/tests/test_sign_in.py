import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_officer_signs_in_and_lands_on_the_groups_dashboard(client):
    OfficerFactory(username="olive")
    response = _sign_in(client, "olive", "demo")
    assert response.status_code == 302
    assert client.get(response["Location"]).url == reverse("groups:group-list")


def test_group_admin_lands_on_their_own_group(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    GroupAdminFactory(username="camden-admin", group=group)
    _sign_in(client, "camden-admin", "demo")
    assert client.get(reverse("core:home")).url == group.get_absolute_url()


def test_wrong_password_shows_a_gov_uk_error(client):
    OfficerFactory(username="olive")
    response = _sign_in(client, "olive", "wrong")
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter a correct username and password" in html


def test_five_failed_attempts_lock_the_account_even_with_the_right_password(client):
    OfficerFactory(username="olive")
    for _ in range(5):
        _sign_in(client, "olive", "wrong")
    response = _sign_in(client, "olive", "demo")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_account_does_not_lock_other_people_out(client):
    OfficerFactory(username="olive")
    LinkMemberFactory(username="lina")
    for _ in range(5):
        _sign_in(client, "olive", "wrong")
    assert _sign_in(client, "lina", "demo").status_code == 302


def test_sign_out_needs_a_post(client):
    client.force_login(OfficerFactory())
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_pages_send_security_headers(client):
    response = client.get(reverse("public:group-list"))
    assert "script-src 'self' 'nonce-" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
