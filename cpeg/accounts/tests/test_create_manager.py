import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from cpeg.accounts import access
from cpeg.accounts.management.commands import create_manager
from cpeg.accounts.models import User
from cpeg.accounts.roles import Role
from cpeg.accounts.tests.factories import UserFactory
from cpeg.core.models import AuditEvent

pytestmark = pytest.mark.django_db

GOOD = "quarterly-return-7"


class Keyboard:
    """What the person types at each password prompt (``answers``, in
    order), and the prompts they were shown."""

    def __init__(self):
        self.answers = []
        self.prompts = []

    def extend(self, answers):
        self.answers.extend(answers)

    def getpass(self, prompt=""):
        self.prompts.append(prompt)
        if not self.answers:
            raise EOFError
        return self.answers.pop(0)


@pytest.fixture
def typed(monkeypatch):
    monkeypatch.delenv(create_manager.PASSWORD_ENV, raising=False)
    keyboard = Keyboard()
    monkeypatch.setattr(create_manager.getpass, "getpass", keyboard.getpass)
    return keyboard


def _run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_manager", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_creates_a_staff_manager_who_is_not_a_superuser_and_can_sign_in(typed):
    typed.extend([GOOD, GOOD])

    out, _ = _run("--username", "jsmith", "--email", "j.smith@authority.example", "--first-name", "Jo")

    user = User.objects.get(username="jsmith")
    assert user.email == "j.smith@authority.example"
    assert user.first_name == "Jo"
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert list(user.role_assignments.values_list("role", "group", "borough")) == [(Role.MANAGER, None, None)]
    assert access.is_manager(user)
    assert user.check_password(GOOD)
    assert typed.prompts == ["Password: ", "Password (again): "]
    assert "Created the manager account 'jsmith'" in out
    event = AuditEvent.objects.get(event_type="MANAGER_CREATED")
    assert event.target_id == user.pk
    assert event.actor is None
    # The new manager signs in and reaches the back-office admin.
    client = Client()
    response = client.post(reverse("accounts:sign-in"), {"username": "jsmith", "password": GOOD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_asks_again_until_the_passwords_match_and_pass_the_validators(typed):
    typed.extend([GOOD, "something-else-9", "12345678", "12345678", "", "", GOOD, GOOD])

    _, err = _run("--username", "jsmith", "--email", "j.smith@authority.example")

    assert "The passwords did not match" in err
    assert "This password is too common." in err
    assert "The password cannot be blank." in err
    assert len(typed.prompts) == 8
    assert User.objects.get(username="jsmith").check_password(GOOD)


def test_the_password_can_come_from_the_environment(typed, monkeypatch):
    monkeypatch.setenv(create_manager.PASSWORD_ENV, GOOD)

    _run("--username", "ops", "--email", "ops@authority.example")

    assert User.objects.get(username="ops").check_password(GOOD)
    assert typed.prompts == []


def test_a_weak_password_from_the_environment_is_refused(typed, monkeypatch):
    monkeypatch.setenv(create_manager.PASSWORD_ENV, "password")

    with pytest.raises(CommandError, match="CPEG_MANAGER_PASSWORD is not an acceptable password: .*too common"):
        _run("--username", "ops", "--email", "ops@authority.example")

    assert not User.objects.filter(username="ops").exists()


def test_a_password_like_the_username_is_refused(typed):
    typed.extend(["jsmith-authority", "jsmith-authority", GOOD, GOOD])

    _, err = _run("--username", "jsmith-authority", "--email", "j.smith@authority.example")

    assert "too similar to the username" in err


@pytest.mark.parametrize("username", ["jsmith", "JSmith"])
def test_an_existing_username_is_refused_before_asking_for_a_password(typed, username):
    existing = UserFactory(username="jsmith")

    with pytest.raises(CommandError, match="There is already an account with the username 'jsmith'"):
        _run("--username", username, "--email", "other@authority.example")

    assert typed.prompts == []
    assert User.objects.count() == 1
    assert not existing.role_assignments.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "j smith", "--email", "j@authority.example"], "Enter a valid username"),
        (["--username", "jsmith", "--email", "not-an-email"], "Enter a valid email address"),
    ],
)
def test_an_invalid_username_or_email_is_refused(typed, args, message):
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not User.objects.exists()


def test_no_password_typed_creates_nothing(typed):
    with pytest.raises(CommandError, match="No password given"):
        _run("--username", "jsmith", "--email", "j.smith@authority.example")
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()
