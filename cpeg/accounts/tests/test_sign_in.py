import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, LinkMemberFactory, OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_officer_signs_in_and_lands_on_the_groups_dashboard(client):
    OfficerFactory(username="olive")
    response = _sign_in(client, "olive", "demo")
    assert response.status_code == 302
    home = client.get(response["Location"])
    assert home.status_code == 200
    assert f'href="{reverse("groups:group-list")}"' in home.content.decode()


def test_group_admin_lands_on_their_own_group(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    GroupAdminFactory(username="camden-admin", group=group)
    _sign_in(client, "camden-admin", "demo")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert f'href="{group.get_absolute_url()}"' in home.content.decode()


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


# --- Behind the production proxy, and per address (issue 14, finding 2) ------

PROXY = "10.0.0.9"


def _sign_in_from(client, username, password, *, forwarded_for):
    """A sign-in as the proxy passes it on: from the proxy's address, with
    the X-Forwarded-For the proxy appended the client's address to."""
    return client.post(
        reverse("accounts:sign-in"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.PROXY_COUNT = 1


def test_behind_the_proxy_a_lockout_keys_on_the_client_not_the_proxy(client, behind_proxy):
    OfficerFactory(username="olive")
    for _ in range(5):
        _sign_in_from(client, "olive", "wrong", forwarded_for="203.0.113.5")
    assert _sign_in_from(client, "olive", "demo", forwarded_for="203.0.113.5").status_code == 429
    # The same account from another client, through the same proxy.
    client.cookies.clear()
    assert _sign_in_from(client, "olive", "demo", forwarded_for="198.51.100.7").status_code == 302
    assert AccessAttempt.objects.get(username="olive").ip_address == "203.0.113.5"


def test_an_address_the_client_writes_into_the_header_is_not_trusted(client, behind_proxy):
    """The proxy appends the address it saw; entries to its left come from
    the client and change nothing."""
    OfficerFactory(username="olive")
    for n in range(5):
        _sign_in_from(client, "olive", "wrong", forwarded_for=f"192.0.2.{n}, 203.0.113.5")
    assert _sign_in_from(client, "olive", "demo", forwarded_for="192.0.2.99, 203.0.113.5").status_code == 429


def test_without_a_proxy_the_header_is_ignored(client):
    OfficerFactory(username="olive")
    for n in range(5):
        _sign_in_from(client, "olive", "wrong", forwarded_for=f"203.0.113.{n}")
    assert AccessAttempt.objects.get(username="olive").ip_address == PROXY


def test_one_address_is_locked_out_after_twenty_failures_across_usernames(client, behind_proxy, settings):
    """Four wrong passwords on each of five accounts: no account reaches its
    own limit, but the address reaches its limit of 20 and is refused, even
    with a right password."""
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 20
    for n in range(5):
        OfficerFactory(username=f"officer{n}")
    LinkMemberFactory(username="lina")
    responses = [
        _sign_in_from(client, f"officer{n}", "wrong", forwarded_for="203.0.113.5").status_code
        for n in range(5)
        for _ in range(4)
    ]
    assert responses[:19] == [200] * 19
    assert responses[19] == 429
    assert _sign_in_from(client, "lina", "demo", forwarded_for="203.0.113.5").status_code == 429
    # Other addresses are not affected.
    assert _sign_in_from(client, "lina", "demo", forwarded_for="198.51.100.7").status_code == 302


def test_sign_ins_and_lockouts_are_audited_with_the_clients_address(client, behind_proxy):
    olive = OfficerFactory(username="olive")
    _sign_in_from(client, "olive", "demo", forwarded_for="198.51.100.7")
    client.post(reverse("accounts:sign-out"))
    for _ in range(5):
        _sign_in_from(client, "olive", "wrong", forwarded_for="203.0.113.5")
    events = AuditEvent.objects.filter(target_id=olive.pk).order_by("pk")
    assert [(e.event_type, e.payload["address"]) for e in events] == [
        ("SIGNED_IN", "198.51.100.7"),
        ("SIGN_IN_LOCKED_OUT", "203.0.113.5"),
    ]
