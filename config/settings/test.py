"""Test settings: only what makes tests fast and self-contained."""

import os

# Tests run with DEBUG off and need no real secret.
os.environ.setdefault("DJANGO_ALLOW_DEV_SECRET_KEY", "true")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import STORAGES  # noqa: E402

DEBUG = False
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The manifest storage needs collectstatic; tests serve files from finders.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Nothing is kept between tests: each test's data is its own (a test that
# checks what the shared cache keeps swaps in a local-memory one).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "shared": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
}
# Tasks run as they are queued, the same task code the worker runs; a test
# in accounts runs the database backend's worker for real.
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Two-factor sign-in is enforced in tests as in production. A test that
# signs in (the client's force_login, or the sign-in form) passes the second
# step with it, unless it sets TEST_SIGN_IN_SKIPS_SECOND_STEP = False to go
# through the real one (accounts/tests/test_two_factor.py,
# tests/browser/test_two_factor.py): see cpeg/accounts/tests/signals.py.
TWO_FACTOR_REQUIRED = True
TEST_SIGN_IN_SKIPS_SECOND_STEP = True

from django.contrib.auth.signals import user_logged_in  # noqa: E402

from cpeg.accounts.tests.signals import pass_second_step_in_tests  # noqa: E402

user_logged_in.connect(pass_second_step_in_tests, dispatch_uid="cpeg-test-second-step")

# The API's rate limits are tested by lowering them in the test that does
# (cpeg/api/tests/test_api.py); the schema fuzzing makes many calls.
API_RATES = {"public": "100000/min", "partner": "100000/min"}
