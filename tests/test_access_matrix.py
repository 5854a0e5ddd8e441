"""Every URL pattern in the project, against every role."""

import importlib
import time
from http.cookies import SimpleCookie

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.db import models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import ROLES, World

DENIED_SIGNED_IN = (403, 404)
API_PREFIX = "/api/v1/"


def _pattern_names(patterns=None, namespace=""):
    names = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= _pattern_names(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern):
            if entry.name is None and namespace.startswith("admin:"):
                continue  # the admin's own redirect from a bare object id
            if entry.name is None:
                raise AssertionError(f"URL pattern {entry.pattern} has no name, so it cannot be checked")
            names.add(f"{namespace}{entry.name}")
    return names


def _all_cases():
    cases = []
    for config in apps.get_app_configs():
        if not config.name.startswith("cpeg."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.access_cases")
        except ModuleNotFoundError:
            continue
        cases.extend(module.CASES)
    return cases


CASES = _all_cases()


def test_every_url_pattern_has_an_access_case():
    """A view added without an entry in the matrix fails here."""
    names = {n for n in _pattern_names() if not n.startswith("admin:")}
    covered = {case.name for case in CASES}
    missing = sorted(names - covered)
    assert not missing, f"URL patterns with no access case: {missing}"
    stale = sorted(covered - names)
    assert not stale, f"Access cases for URL patterns that no longer exist: {stale}"


class SharedWorld:
    """The World built once for the module, with a session signed in for each
    role, in a transaction rolled back after the module's last test.

    Each test runs in a savepoint inside it (pytest-django's ``db``), so what
    a test (or its case's ``kwargs``) writes is gone before the next one, and
    gets a World with its objects read afresh from the database and nothing
    yet built by ``make``. A role's requests carry its session cookie, as
    after the ``force_login`` each test used to make.
    """

    # Sessions end after SESSION_COOKIE_AGE without a request (core.sessions);
    # well before that, a test signs in afresh as before.
    FRESH_FOR = min(settings.SESSION_COOKIE_AGE, settings.SESSION_MAX_AGE) / 3

    def __init__(self):
        self.world = World()
        self.sessions = {}
        for role, user in self.world.users.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                self.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.signed_in_at = time.monotonic()

    def fresh_world(self) -> World:
        world = World.__new__(World)
        for name, value in vars(self.world).items():
            if isinstance(value, dict):
                value = {key: _refetched(obj) for key, obj in value.items()}
            setattr(world, name, _refetched(value))
        world._made = {}
        return world

    def sign_in(self, client, world, role) -> None:
        """``client`` signed in as ``role`` (signed out for anonymous)."""
        client.cookies = SimpleCookie()
        user = world.users[role]
        if user is None:
            return
        if time.monotonic() - self.signed_in_at < self.FRESH_FOR:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]
        else:
            client.force_login(user)
        assert client.session.get(SESSION_KEY) == str(user.pk), f"{role} is not signed in"


def _refetched(value):
    if isinstance(value, models.Model):
        return type(value)._default_manager.get(pk=value.pk)
    return value


@pytest.fixture(scope="module")
def shared_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            shared = SharedWorld()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield shared
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def world(shared_world, db):
    return shared_world.fresh_world()


def _check_denied(response, role, url):
    if role == "anonymous":
        if url.startswith(API_PREFIX):
            # The JSON API answers an unauthenticated call with 401 (or 404).
            assert response.status_code in (401, 404), f"{url}: anonymous got {response.status_code}"
        elif response.status_code == 302:
            assert response["Location"].startswith(reverse("accounts:sign-in")), url
        else:
            assert response.status_code == 404, f"{url}: anonymous got {response.status_code}"
    else:
        assert response.status_code in DENIED_SIGNED_IN, f"{url}: {role} got {response.status_code}"


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_role_access(case, client, world, shared_world):
    """Allowed roles get the page; every other role is refused, GET and POST."""
    kwargs = case.kwargs(world) if case.kwargs else {}
    url = reverse(case.name, kwargs=kwargs) + (f"?{case.query}" if case.query else "")
    for role in ROLES:
        shared_world.sign_in(client, world, role)
        if case.post_only:
            response = client.post(url, {})
        else:
            response = client.get(url)
        if role in case.allowed:
            assert response.status_code in case.allowed_status, f"{url}: {role} got {response.status_code}"
        else:
            _check_denied(response, role, url)
        if case.post and not case.post_only:
            response = client.post(url, {})
            if role in case.allowed:
                # An empty form is refused with its errors, never a crash.
                assert response.status_code in (200, 302, 400), f"POST {url}: {role} got {response.status_code}"
            else:
                _check_denied(response, role, url)


def _admin_urls(world):
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"{prefix}_change", args=[obj.pk]))
            urls.append(reverse(f"{prefix}_history", args=[obj.pk]))
    return urls


@pytest.mark.django_db
def test_admin_is_for_managers_only(client, world, shared_world):
    """Every admin index, list, change and history page: managers only."""
    urls = _admin_urls(world)
    assert len(urls) > 10
    for role in ROLES:
        shared_world.sign_in(client, world, role)
        for url in urls:
            response = client.get(url)
            if role == "manager":
                assert response.status_code == 200, f"{url}: manager got {response.status_code}"
            else:
                assert response.status_code == 302, f"{url}: {role} got {response.status_code}"
                assert response["Location"].startswith(reverse("admin:login")), url


def test_every_admin_url_pattern_belongs_to_a_registered_model_or_the_site():
    """The admin test above walks the registry; every admin URL name must come
    from it (a model's pages) or from the admin site itself."""
    site_names = {
        "index",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "jsi18n",
        "view_on_site",
        "autocomplete",
        "app_list",
        # UserAdmin names its set-password page after auth.User.
        "auth_user_password_change",
    }
    model_prefixes = {f"{m._meta.app_label}_{m._meta.model_name}_" for m in admin.site._registry}
    for name in {n.removeprefix("admin:") for n in _pattern_names() if n.startswith("admin:")}:
        assert name in site_names or any(name.startswith(p) for p in model_prefixes), name
