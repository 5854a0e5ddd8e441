import datetime as dt
import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.core.models import AuditEvent

pytestmark = pytest.mark.django_db

REQUEST_URL = reverse("accounts:password-reset")
NEW = "engagement-group-42"
LINK = re.compile(r"^(https://cpeg\.example\.org/accounts/password/reset/[^/\s]+/[^/\s]+/)$", re.MULTILINE)


def _request_reset(client, email):
    mail.outbox.clear()
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
