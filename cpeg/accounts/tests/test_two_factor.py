"""Two-factor sign-in: officers and managers must, anyone else may (issue 14, part 2)."""

import re
import time
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cpeg.accounts.tests.factories import GroupAdminFactory, ManagerFactory, OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db

SETUP = reverse("accounts:two-factor-setup")
VERIFY = reverse("accounts:two-factor-verify")


@pytest.fixture(autouse=True)
def real_second_step(settings):
    """These tests go through the second step as production does."""
    settings.TEST_SIGN_IN_SKIPS_SECOND_STEP = False
    settings.TWO_FACTOR_REQUIRED = True


def _sign_in(client, username, password="demo"):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def _code(key_hex: str, steps_ahead: int = 0) -> str:
    totp = TOTP(bytes.fromhex(key_hex))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def _set_up(client) -> tuple[TOTPDevice, list[str]]:
    """Scan (read the key from the page) and confirm with the app's code."""
    page = client.get(SETUP).content.decode()
    key = re.search(r'id="setup-key">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(confirmed=False)
    assert b32decode(key) == device.bin_key
    response = client.post(SETUP, {"code": _code(device.key)})
    assert response.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    device.refresh_from_db()
    return device, codes


def _group_admin(username="camden-admin"):
    return GroupAdminFactory(username=username, group=EngagementGroupFactory(borough=borough("camden")))


def test_an_officer_without_an_app_must_set_one_up_before_any_page(client):
    OfficerFactory(username="olive")
    response = _sign_in(client, "olive")
    assert response.status_code == 302
    page = client.get(reverse("groups:group-list"))
    assert page.status_code == 302
    assert page["Location"] == f"{SETUP}?next=%2Fgroups%2F"
    # The admin is behind the same step.
    assert client.get("/admin/")["Location"].startswith(SETUP)


def test_setting_up_turns_it_on_shows_ten_recovery_codes_once_and_lets_the_officer_in(client):
    olive = OfficerFactory(username="olive")
    _sign_in(client, "olive")
    device, codes = _set_up(client)
    assert device.confirmed is True
    assert len(codes) == 10
    olive.refresh_from_db()
    assert olive.two_factor_enabled is True
    assert client.get(reverse("groups:group-list")).status_code == 200
    assert AuditEvent.objects.filter(event_type="TWO_FACTOR_ENABLED", target_id=olive.pk).count() == 1


def test_a_wrong_first_code_is_refused_and_nothing_is_turned_on(client):
    olive = OfficerFactory(username="olive")
    _sign_in(client, "olive")
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000"})
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    olive.refresh_from_db()
    assert olive.two_factor_enabled is False
    assert client.get(reverse("groups:group-list")).status_code == 302


def test_next_sign_in_asks_for_the_code_and_accepts_the_apps_code(client):
    OfficerFactory(username="olive")
    _sign_in(client, "olive")
    device, _codes = _set_up(client)
    client.post(reverse("accounts:sign-out"))

    _sign_in(client, "olive")
    response = client.get(reverse("groups:group-list"))
    assert response["Location"] == f"{VERIFY}?next=%2Fgroups%2F"
    page = client.get(response["Location"])
    assert "Enter your sign-in code" in page.content.decode()
    # A code from the next 30 seconds: the one used to set up is spent.
    response = client.post(VERIFY, {"code": _code(device.key, steps_ahead=1), "next": "/groups/"})
    assert response.status_code == 302
    assert response["Location"] == "/groups/"
    assert client.get("/groups/").status_code == 200


def test_a_wrong_code_is_refused_audited_and_throttled(client):
    olive = OfficerFactory(username="olive")
    _sign_in(client, "olive")
    device, _codes = _set_up(client)
    client.post(reverse("accounts:sign-out"))
    _sign_in(client, "olive")

    response = client.post(VERIFY, {"code": "123456"})
    assert response.status_code == 400
    assert "The code is not right" in response.content.decode()
    # django-otp makes the next try wait, even with the right code.
    response = client.post(VERIFY, {"code": _code(device.key, steps_ahead=1)})
    assert response.status_code == 400
    assert "Too many wrong codes" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="TWO_FACTOR_FAILED", target_id=olive.pk).count() == 2
    assert client.get("/groups/").status_code == 302


def test_a_recovery_code_works_once(client):
    olive = OfficerFactory(username="olive")
    _sign_in(client, "olive")
    _device, codes = _set_up(client)
    client.post(reverse("accounts:sign-out"))

    _sign_in(client, "olive")
    assert client.post(VERIFY, {"code": codes[0].upper()}).status_code == 302
    assert client.get("/groups/").status_code == 200
    assert StaticToken.objects.filter(device__user=olive).count() == 9
    event = AuditEvent.objects.get(event_type="TWO_FACTOR_RECOVERY_CODE_USED", target_id=olive.pk)
    assert event.payload == {"left": 9}

    client.post(reverse("accounts:sign-out"))
    _sign_in(client, "olive")
    assert client.post(VERIFY, {"code": codes[0]}).status_code == 400


def test_new_recovery_codes_replace_the_old(client):
    olive = OfficerFactory(username="olive")
    _sign_in(client, "olive")
    _device, old = _set_up(client)
    response = client.post(reverse("accounts:two-factor-recovery-codes"))
    new = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert set(StaticToken.objects.filter(device__user=olive).values_list("token", flat=True)) == set(new)
    assert AuditEvent.objects.filter(event_type="TWO_FACTOR_RECOVERY_CODES_CREATED").count() == 1


def test_a_group_volunteer_signs_in_with_a_password_only_unless_they_opt_in(client):
    admin = _group_admin()
    _sign_in(client, "camden-admin")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200  # the to-do list, not the set-up page
    assert client.get(reverse("accounts:two-factor")).status_code == 200

    _device, _codes = _set_up(client)
    admin.refresh_from_db()
    assert admin.two_factor_enabled is True
    client.post(reverse("accounts:sign-out"))
    _sign_in(client, "camden-admin")
    assert client.get(reverse("core:home"))["Location"].startswith(VERIFY)


def test_a_volunteer_may_turn_it_off_but_an_officer_may_not(client):
    admin = _group_admin()
    _sign_in(client, "camden-admin")
    _set_up(client)
    response = client.post(reverse("accounts:two-factor-disable"))
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.two_factor_enabled is False
    assert not TOTPDevice.objects.filter(user=admin).exists()
    assert AuditEvent.objects.filter(event_type="TWO_FACTOR_DISABLED", target_id=admin.pk).count() == 1

    client.post(reverse("accounts:sign-out"))
    OfficerFactory(username="olive")
    _sign_in(client, "olive")
    _set_up(client)
    assert client.post(reverse("accounts:two-factor-disable")).status_code == 403


def test_without_the_requirement_officers_sign_in_with_a_password(client, settings):
    settings.TWO_FACTOR_REQUIRED = False
    OfficerFactory(username="olive")
    _sign_in(client, "olive")
    assert client.get(reverse("groups:group-list")).status_code == 200


def test_a_manager_resets_a_lost_phone_from_the_command_line(client):
    manager = ManagerFactory(username="mona")
    olive = OfficerFactory(username="olive")
    _sign_in(client, "olive")
    _set_up(client)
    call_command("two_factor_reset", username="olive", by="mona", reason="Lost phone")
    olive.refresh_from_db()
    assert olive.two_factor_enabled is False
    assert not TOTPDevice.objects.filter(user=olive).exists()
    event = AuditEvent.objects.get(event_type="TWO_FACTOR_RESET")
    assert (event.actor, event.target_id) == (manager, olive.pk)


def test_the_next_address_must_be_on_this_site(client):
    OfficerFactory(username="olive")
    _sign_in(client, "olive")
    device, _codes = _set_up(client)
    client.post(reverse("accounts:sign-out"))
    _sign_in(client, "olive")
    response = client.post(VERIFY, {"code": _code(device.key, steps_ahead=1), "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")
