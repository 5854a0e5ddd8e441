"""Throttling failed sign-ins: the client's address, and a limit per address.

django-axes locks a username tried from one address after
``AXES_FAILURE_LIMIT`` failures. Two additions:

- ``client_ip``: behind the production proxy every request comes from the
  proxy, so axes would key on one address for everybody (five wrong
  passwords from one client would lock that account for everyone). With
  ``BEHIND_TLS_PROXY`` set, the address is the X-Forwarded-For entry the
  nearest ``PROXY_COUNT`` proxies added; entries further left were written
  by the client and are never trusted.
- ``SignInThrottleHandler``: one address may fail at most
  ``AXES_ADDRESS_FAILURE_LIMIT`` times in the cool-off period, whatever the
  usernames, so it cannot try a few passwords on every account each hour.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_ip(request) -> str | None:
    """The address of the person making ``request``, as far as it is known."""
    remote = request.META.get("REMOTE_ADDR")
    if not settings.BEHIND_TLS_PROXY:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    candidate = forwarded[-settings.PROXY_COUNT]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def address_failures(request) -> int:
    """Failed sign-ins from the request's address in the cool-off period,
    for every username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    total = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    ).aggregate(total=Sum("failures_since_start"))["total"]
    return total or 0


class SignInThrottleHandler(AxesDatabaseHandler):
    """axes' database handler, also locking an address out once it reaches
    ``AXES_ADDRESS_FAILURE_LIMIT`` failures across usernames."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # The failure that reaches the address's limit gets the lockout
        # page at once, as one that reaches the username's limit does.
        if request is not None and not getattr(request, "axes_locked_out", False):
            if address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
                request.axes_locked_out = True
                request.axes_credentials = credentials
