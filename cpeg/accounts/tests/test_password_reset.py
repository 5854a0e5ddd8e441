import datetime as dt
import io
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import TestCase, override_settings
from django.urls import reverse

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REQUEST_URL = reverse("accounts:password-reset")
NEW = "engagement-group-42"
LINK = re.compile(r"^(https://cpeg\.example\.org/accounts/password/reset/[^/\s]+/[^/\s]+/)$", re.MULTILINE)


def _request_reset(client, email):
    """Ask for a reset and run the task it queues (on commit, as in
    production; the test settings' immediate backend runs it as queued)."""
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(REQUEST_URL, {"email": email})


def _link_from_email():
    (message,) = mail.outbox
    return LINK.search(message.body).group(1)


def _path(link):
    return link.removeprefix("https://cpeg.example.org")


def _sign_in(client, username, password):
    return client.post(reverse("accounts:sign-in"), {"username": username, "password": password})


def test_the_sign_in_page_links_to_forgotten_password(client):
    html = client.get(reverse("accounts:sign-in")).content.decode()
    assert f'<a class="govuk-link" href="{REQUEST_URL}">Forgotten your password?</a>' in html


@override_settings(SITE_URL="https://cpeg.example.org/")
def test_an_active_user_is_emailed_an_absolute_one_time_link(client):
    OfficerFactory(username="olive", first_name="Olive", last_name="Officer", email="olive@authority.example")

    response = _request_reset(client, "OLIVE@authority.example")

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-sent")
    (message,) = mail.outbox
    assert message.to == ["olive@authority.example"]
    assert message.subject == "Reset your CPEG Manager password"
    assert message.body.startswith("Dear Olive Officer,\n")
    assert "your CPEG Manager account. Your username is olive." in message.body
    assert "The link works once, for 3 days." in message.body
    assert message.alternatives == []  # plain text only
    # The link uses SITE_URL, never the address the request came in on.
    assert "testserver" not in message.body
    assert _link_from_email().startswith("https://cpeg.example.org/accounts/password/reset/")


def test_an_unknown_email_gets_the_same_page_and_no_email(client):
    OfficerFactory(email="olive@authority.example")

    unknown = _request_reset(client, "nobody@authority.example")
    assert mail.outbox == []
    known = _request_reset(client, "olive@authority.example")
    assert len(mail.outbox) == 1

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    page = client.get(unknown["Location"]).content.decode()
    assert "Check your email" in page
    assert "If the email address you entered is on a CPEG Manager account" in page


def test_inactive_accounts_and_accounts_without_a_usable_password_get_no_email(client):
    OfficerFactory(email="gone@authority.example", is_active=False)
    no_password = OfficerFactory(email="sso@authority.example")
    no_password.set_unusable_password()
    no_password.save()

    _request_reset(client, "gone@authority.example")
    _request_reset(client, "sso@authority.example")

    assert mail.outbox == []


def test_an_email_address_in_the_wrong_format_is_refused(client):
    response = _request_reset(client, "olive-at-authority")
    assert response.status_code == 400
    assert "Enter an email address in the correct format, like name@example.com" in response.content.decode()
    assert mail.outbox == []


@override_settings(SITE_URL="https://cpeg.example.org")
def test_the_link_sets_a_new_password_and_the_old_one_stops_working(client):
    olive = OfficerFactory(username="olive", email="olive@authority.example")
    _request_reset(client, "olive@authority.example")
    link = _path(_link_from_email())

    # The token is swapped for a placeholder, so it never leaks in a Referer.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert "set-password" in form_url
    form_page = client.get(form_url).content.decode()
    assert "Choose a new password" in form_page
    assert "for the account olive" in form_page

    response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password-reset-done")
    done = client.get(response["Location"]).content.decode()
    assert "Your password has been reset" in done
    assert f'href="{reverse("accounts:sign-in")}">Sign in</a>' in done
    olive.refresh_from_db()
    assert olive.check_password(NEW) is True
    assert _sign_in(client, "olive", "demo").status_code == 200  # refused: form shown again
    assert _sign_in(client, "olive", NEW).status_code == 302
    event = AuditEvent.objects.get(event_type="PASSWORD_RESET")
    assert event.target_id == olive.pk


@override_settings(SITE_URL="https://cpeg.example.org")
def test_a_used_link_shows_a_page_saying_it_does_not_work(client):
    OfficerFactory(email="olive@authority.example")
    _request_reset(client, "olive@authority.example")
    link = _path(_link_from_email())
    form_url = client.get(link)["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})

    for url in (link, form_url):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Your password reset link does not work" in html
        assert "The link has already been used, has expired" in html
        assert f'href="{REQUEST_URL}">Ask for a new link</a>' in html
        assert "<form" not in html.split('id="main-content"')[1]


def test_a_made_up_link_shows_the_same_page(client):
    officer = OfficerFactory()
    url = reverse("accounts:password-reset-confirm", kwargs={"uidb64": "Mw", "token": "abc-123"})
    assert "Your password reset link does not work" in client.get(url).content.decode()
    officer.refresh_from_db()
    assert officer.check_password("demo") is True


@override_settings(SITE_URL="https://cpeg.example.org")
def test_the_new_password_must_pass_the_validators_and_match(client):
    olive = OfficerFactory(email="olive@authority.example")
    _request_reset(client, "olive@authority.example")
    form_url = client.get(_path(_link_from_email()))["Location"]

    short = client.post(form_url, {"new_password1": "abc", "new_password2": "abc"})
    mismatch = client.post(form_url, {"new_password1": NEW, "new_password2": NEW + "x"})

    assert short.status_code == mismatch.status_code == 400
    assert '<a href="#id_new_password1">This password is too short.' in short.content.decode()
    assert '<a href="#id_new_password2">The new passwords do not match</a>' in mismatch.content.decode()
    olive.refresh_from_db()
    assert olive.check_password("demo") is True


@override_settings(SITE_URL="https://cpeg.example.org")
def test_a_reset_unlocks_an_account_locked_by_failed_sign_ins(client):
    OfficerFactory(username="olive", email="olive@authority.example")
    for _ in range(5):
        _sign_in(client, "olive", "wrong")
    assert _sign_in(client, "olive", "demo").status_code == 429
    assert AccessAttempt.objects.filter(username="olive").exists()

    _request_reset(client, "olive@authority.example")
    form_url = client.get(_path(_link_from_email()))["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})

    assert not AccessAttempt.objects.filter(username="olive").exists()
    assert _sign_in(client, "olive", NEW).status_code == 302


def test_the_locked_out_page_points_to_the_forgotten_password_page(client):
    OfficerFactory(username="olive")
    for _ in range(5):
        _sign_in(client, "olive", "wrong")
    html = _sign_in(client, "olive", "demo").content.decode()
    assert f'href="{REQUEST_URL}">reset it by email</a>' in html


def test_asking_again_within_ten_minutes_sends_no_second_email_but_shows_the_same_page(client):
    user = OfficerFactory(email="olive@authority.example")

    first = _request_reset(client, "olive@authority.example")
    assert len(mail.outbox) == 1
    again = _request_reset(client, "olive@authority.example")
    assert mail.outbox == []
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    (event,) = AuditEvent.objects.filter(event_type="PASSWORD_RESET_EMAILED", target_id=user.pk)
    assert event.actor is None

    # Eleven minutes later another link may be sent.
    AuditEvent.objects.filter(pk=event.pk).update(created_at=event.created_at - dt.timedelta(minutes=11))
    _request_reset(client, "olive@authority.example")
    assert len(mail.outbox) == 1


# --- The email is sent by a background task (issue 14, finding 5) -----------


def test_the_request_only_queues_a_task_the_same_for_every_address(client, django_capture_on_commit_callbacks):
    """Known and unknown addresses cost the request the same work: one task
    queued with the address, and nothing looked up or sent in the request."""
    OfficerFactory(email="olive@authority.example")
    queued = []
    for email in ("olive@authority.example", "nobody@authority.example"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post(REQUEST_URL, {"email": email})
        assert response.status_code == 302
        queued.append(len(callbacks))
    assert queued == [1, 1]
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(event_type="PASSWORD_RESET_EMAILED").exists()


def _reload_task_backends():
    from asgiref.local import Local
    from django.tasks import task_backends

    task_backends.__dict__.pop("settings", None)
    task_backends._connections = Local(task_backends.thread_critical)


@pytest.fixture
def database_tasks(settings):
    """The production task backend: tasks stored in the database for the
    worker, instead of the test settings' immediate backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _reload_task_backends()
    yield
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    _reload_task_backends()


@pytest.mark.django_db(transaction=True)
@override_settings(SITE_URL="https://cpeg.example.org")
def test_the_database_worker_sends_the_queued_email(client, database_tasks):
    """The production set-up: the request stores a task row, and the worker
    (``manage.py db_worker``) sends the email."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    OfficerFactory(username="olive", email="olive@authority.example")
    mail.outbox.clear()
    client.post(REQUEST_URL, {"email": "olive@authority.example"})
    client.post(REQUEST_URL, {"email": "nobody@authority.example"})
    assert DBTaskResult.objects.count() == 2
    assert mail.outbox == []

    call_command("db_worker", batch=True, interval=0, stdout=io.StringIO())

    assert [m.to for m in mail.outbox] == [["olive@authority.example"]]
    assert _link_from_email().startswith("https://cpeg.example.org/accounts/password/reset/")
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
