"""Who must give a second sign-in step, and whether this session has.

A session has passed the step when django-otp's device id is in it (set by
``django_otp.login`` once a code is accepted). Checking the session, not
loading the device, keeps every page's query count the same.
"""

from django_otp import DEVICE_ID_SESSION_KEY


def second_step_passed(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def second_step_required_of(user) -> bool:
    """Whether ``user`` must sign in with a code as well as a password."""
    from cpeg.accounts.access import must_use_two_factor

    return bool(user.two_factor_enabled or must_use_two_factor(user))


def second_step_needed(request) -> bool:
    """Whether this signed-in request still owes its second step."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or second_step_passed(request):
        return False
    return second_step_required_of(user)


def second_step_forget(request) -> None:
    """Drop the session's second step (two-factor sign-in turned off)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
