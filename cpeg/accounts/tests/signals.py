"""Test-only: a sign-in in the test suite passes the two-factor step too.

Connected by ``config/settings/test.py``. Most tests sign in with the
client's ``force_login`` (or the sign-in form, in the browser tests) to
test something else; for them a sign-in stands for both steps. A test
that sets ``TEST_SIGN_IN_SKIPS_SECOND_STEP = False`` gets the real second
step, as production does (accounts/tests/test_two_factor.py,
tests/browser/test_two_factor.py).
"""

TEST_DEVICE_ID = "test-sign-in"


def pass_second_step_in_tests(sender, request, user, **kwargs):
    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY

    if getattr(settings, "TEST_SIGN_IN_SKIPS_SECOND_STEP", False) and request is not None:
        request.session[DEVICE_ID_SESSION_KEY] = TEST_DEVICE_ID
