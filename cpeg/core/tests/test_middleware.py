"""Headers on every response and the request size limit (issue 14, finding 7)."""

import pytest
from django.urls import reverse

from cpeg.accounts.tests.factories import GroupAdminFactory, OfficerFactory
from cpeg.groups.tests.factories import EngagementGroupFactory, borough

pytestmark = pytest.mark.django_db


def test_signed_in_pages_are_never_stored_by_any_cache(client):
    group = EngagementGroupFactory(borough=borough("camden"))
    client.force_login(GroupAdminFactory(group=group))
    for url in (reverse("groups:group-detail", kwargs={"pk": group.pk}), reverse("accounts:password-change")):
        response = client.get(url)
        assert response.status_code == 200
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= directives, url
        assert "public" not in directives


def test_a_redirect_for_a_signed_in_person_is_not_stored_either(client):
    client.force_login(OfficerFactory())
    # Saving a form redirects (the home page itself is the to-do list now).
    response = client.post(reverse("notifications:preferences"), {"frequency": "daily"})
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_public_pages_for_people_not_signed_in_keep_their_caching(client):
    response = client.get(reverse("public:group-list"))
    assert "no-store" not in response.get("Cache-Control", "")


def test_every_page_sends_a_permissions_policy(client, settings):
    for url in (reverse("public:group-list"), reverse("accounts:sign-in")):
        policy = client.get(url)["Permissions-Policy"]
        assert policy == settings.PERMISSIONS_POLICY
        for feature in ("camera", "geolocation", "microphone"):
            assert f"{feature}=()" in policy


def test_a_request_body_over_the_limit_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    response = client.post(
        reverse("accounts:sign-in"), data=b"x" * 1001, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "too large" in response.content.decode()


def test_a_request_body_at_the_limit_is_read(client, settings):
    settings.REQUEST_BODY_MAX_BYTES = 1000
    body = b"username=olive&password=" + b"x" * (1000 - 24)
    assert len(body) == 1000
    response = client.post(reverse("accounts:sign-in"), data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200


def test_the_default_limit_is_the_upload_limit_and_a_margin_for_the_form(settings):
    assert settings.REQUEST_BODY_MAX_BYTES == settings.UPLOAD_MAX_BYTES + 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_BODY_MAX_BYTES
