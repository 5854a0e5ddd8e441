"""The second step of signing in, before any other page.

Officers and managers (when ``TWO_FACTOR_REQUIRED`` is on) and anyone who
turned two-factor sign-in on must give a code from their authenticator app
(or a recovery code) after their password. Until they do, every page sends
them to the code page, or to set up an app if they have none yet; only
those pages and signing out are open. The admin's own sign-in page is
covered too, since this looks at every signed-in request.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from cpeg.accounts.two_factor import second_step_needed

OPEN_BEFORE_SECOND_STEP = frozenset(
    {
        "accounts:sign-in",
        "accounts:sign-out",
        "accounts:two-factor-setup",
        "accounts:two-factor-verify",
    }
)


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not second_step_needed(request):
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_STEP:
            return None
        user = request.user
        target = "accounts:two-factor-verify" if user.two_factor_enabled else "accounts:two-factor-setup"
        after = request.get_full_path() if request.method == "GET" else reverse("core:home")
        return redirect(f"{reverse(target)}?{urlencode({'next': after})}")
