"""Sliding sessions: signed in while working, signed out when idle.

A session lasts ``SESSION_COOKIE_AGE`` seconds (one hour by default) from
the person's last request, so someone working through a long form is not
signed out at a fixed hour, while a computer left alone signs itself out.
``SESSION_MAX_AGE`` (twelve hours by default) caps a session however busy,
so a stolen session cookie does not live forever.

The session's expiry is renewed at most once every
``SESSION_REFRESH_SECONDS`` (one write to the session table a minute, not
one a request). Pages tell the timeout warning (``static/js/timeout.mjs``)
how long is left; "Stay signed in" posts to the keep-alive address, which
renews the session and writes nothing else. The status address answers
how long is left without renewing it, so a tab left open does not keep a
session alive by asking.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.contrib.auth import logout
from django.urls import reverse

STARTED_KEY = "session_started_at"
SEEN_KEY = "session_seen_at"


def seconds_left(request) -> int:
    """Seconds until the session ends if the person does nothing more."""
    session = request.session
    now = time.time()
    idle_left = settings.SESSION_COOKIE_AGE - (now - session.get(SEEN_KEY, now))
    cap_left = settings.SESSION_MAX_AGE - (now - session.get(STARTED_KEY, now))
    # Rounded up: the warning never says the session has ended before the
    # server has ended it.
    return max(0, math.ceil(min(idle_left, cap_left)))


def renew(request, *, force: bool = False) -> None:
    """Push the session's end back by a full idle timeout (saved by
    Django's SessionMiddleware, since the session is now modified)."""
    now = time.time()
    if force or now - request.session.get(SEEN_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
        request.session[SEEN_KEY] = now


def stamp_sign_in(sender, request, user, **kwargs):
    """On signing in (``user_logged_in``): the session's start, for the
    cap, and its first renewal."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[STARTED_KEY] = now
        request.session[SEEN_KEY] = now


class SlidingSessionMiddleware:
    """After AuthenticationMiddleware: renew a signed-in person's session on
    each request; end one older than SESSION_MAX_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._status_path = None

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(STARTED_KEY, now)
            seen = request.session.get(SEEN_KEY, now)
            # The session table's own expiry trails the last renewal by up to
            # SESSION_REFRESH_SECONDS: end it exactly when the warning said.
            if now - started >= settings.SESSION_MAX_AGE or now - seen >= settings.SESSION_COOKIE_AGE:
                logout(request)
            else:
                if self._status_path is None:
                    self._status_path = reverse("core:session-status")
                if request.path != self._status_path:
                    renew(request)
        return self.get_response(request)
