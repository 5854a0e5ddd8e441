"""Sliding sessions, the keep-alive, and a save sent after signing out."""

import datetime as dt
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.urls import reverse

from cpeg.accounts.tests.factories import OfficerFactory
from cpeg.core.models import AuditEvent
from cpeg.core.tests.formdata import form_data
from cpeg.groups.tests.factories import EngagementGroupFactory, PersonFactory, borough

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer():
    return OfficerFactory(password="correct horse battery")


def _signed_in(client) -> bool:
    return client.get(reverse("core:session-status")).json()["signed_in"]


def test_the_session_slides_while_the_person_works(client, clock, officer, settings):
    settings.SESSION_COOKIE_AGE = 60 * 60
    client.force_login(officer)
    groups = reverse("groups:group-list")
    for _ in range(4):  # 4 × 50 minutes: longer than an hour, never idle for one
        clock.shift(dt.timedelta(minutes=50))
        assert client.get(groups).status_code == 200
    clock.shift(dt.timedelta(minutes=61))
    response = client.get(groups)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_no_session_outlasts_the_absolute_cap(client, clock, officer, settings):
    settings.SESSION_MAX_AGE = 3 * 60 * 60
    client.force_login(officer)
    groups = reverse("groups:group-list")
    for _ in range(3):
        clock.shift(dt.timedelta(minutes=50))
        assert client.get(groups).status_code == 200
    clock.shift(dt.timedelta(minutes=40))  # 3 h 10 min since signing in
    assert client.get(groups).status_code == 302


def test_asking_how_long_is_left_does_not_renew_the_session(client, clock, officer):
    client.force_login(officer)
    client.get(reverse("groups:group-list"))
    clock.shift(dt.timedelta(minutes=50))
    status = client.get(reverse("core:session-status")).json()
    assert status == {"signed_in": True, "seconds_left": 600}
    clock.shift(dt.timedelta(minutes=10, seconds=1))
    assert _signed_in(client) is False


def test_pages_carry_the_timeout_warning_with_the_time_left(client, clock, officer):
    client.force_login(officer)
    html = client.get(reverse("groups:group-list")).content.decode()
    assert 'data-module="app-timeout-warning"' in html
    assert 'data-seconds-left="3600"' in html
    assert 'data-warning-seconds="300"' in html
    assert "js/timeout.mjs" in html
    client.logout()
    assert "app-timeout-warning" not in client.get(reverse("accounts:sign-in")).content.decode()


def test_stay_signed_in_renews_the_session_and_writes_nothing_else(client, clock, officer):
    client.force_login(officer)
    client.get(reverse("groups:group-list"))
    clock.shift(dt.timedelta(minutes=56))
    events = AuditEvent.objects.count()
    response = client.post(reverse("core:session-keep-alive"), HTTP_ACCEPT="application/json")
    assert response.json() == {"signed_in": True, "seconds_left": 3600}
    assert AuditEvent.objects.count() == events
    clock.shift(dt.timedelta(minutes=56))  # 112 minutes since the last page
    assert _signed_in(client) is True


def test_stay_signed_in_too_late_says_so(client, clock, officer):
    client.force_login(officer)
    client.get(reverse("groups:group-list"))
    clock.shift(dt.timedelta(minutes=61))
    response = client.post(reverse("core:session-keep-alive"), HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert response.json()["signed_in"] is False


def _sign_in(client, user, next_url):
    return client.post(
        f"{reverse('accounts:sign-in')}?next={next_url}",
        {"username": user.username, "password": "correct horse battery", "next": next_url},
    )


def test_a_save_sent_after_the_session_ended_is_kept_and_lands_after_signing_in(client, clock, officer):
    group = EngagementGroupFactory(borough=borough("camden"), name="Camden CPEG", description="Old")
    url = reverse("groups:group-edit", kwargs={"pk": group.pk})
    client.force_login(officer)
    typed = form_data(client.get(url).content.decode()) | {"description": "An hour of careful typing"}
    clock.shift(dt.timedelta(minutes=75))  # the session ends while they type

    response = client.post(url, typed)
    assert response.status_code == 302
    sign_in = urlsplit(response["Location"])
    assert sign_in.path == reverse("accounts:sign-in")
    next_url = parse_qs(sign_in.query)["next"][0]
    assert next_url.startswith(f"{url}?restore=")
    page = client.get(response["Location"]).content.decode()
    assert "what you typed will be shown for you to check and save" in page
    group.refresh_from_db()
    assert group.description == "Old"

    back = _sign_in(client, officer, next_url)
    assert back.status_code == 302
    assert back["Location"] == next_url
    restored = client.get(next_url)
    html = restored.content.decode()
    assert restored.status_code == 200
    assert "check it and save again" in html
    assert "An hour of careful typing" in html
    group.refresh_from_db()
    assert group.description == "Old"  # nothing saved unseen

    assert client.post(url, form_data(html)).status_code == 302
    group.refresh_from_db()
    assert group.description == "An hour of careful typing"
    # The kept typing is given back once only.
    assert "check it and save again" not in client.get(next_url).content.decode()


def test_kept_typing_never_includes_passwords(client, clock, officer):
    url = reverse("accounts:password-change")
    response = client.post(url, {"old_password": "a", "new_password1": "b", "new_password2": "b"})
    assert response.status_code == 302
    assert "restore" not in response["Location"]
    assert not any("restore" in k for k in client.session.keys())


def test_a_page_that_does_not_refill_its_form_offers_to_send_what_was_typed(client, clock, officer):
    person = PersonFactory()
    url = reverse("groups:person-personal-data", kwargs={"pk": person.pk})
    response = client.post(url, {"format": "json"})
    next_url = parse_qs(urlsplit(response["Location"]).query)["next"][0]
    _sign_in(client, officer, next_url)
    html = client.get(next_url).content.decode()
    assert "Your changes have not been saved yet" in html
    assert re.search(r'<input type="hidden" name="format" value="json">', html)
    assert f'action="{url}"' in html


def test_stay_signed_in_without_javascript_goes_back_to_the_page_on_this_site_only(client, clock, officer):
    client.force_login(officer)
    url = reverse("core:session-keep-alive")
    assert client.post(url, {"next": "/groups/"})["Location"] == "/groups/"
    assert client.post(url, {"next": "https://evil.example/"})["Location"] == reverse("core:home")
