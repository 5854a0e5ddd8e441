"""Template context shared by every page: the service's and authority's
names, and for a signed-in person how long their session has left (the
timeout warning, ``components/timeout_warning.html``).

The navigation depends on the person's roles, so it comes from
``accounts.navigation`` (through the ``accounts_navigation`` template tag
in ``base.html``): core knows no roles.
"""

from django.conf import settings

from cpeg.core.sessions import seconds_left


def navigation(request):
    context = {
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and hasattr(request, "session"):
        context["session_seconds_left"] = seconds_left(request)
        context["session_warning_seconds"] = settings.SESSION_WARNING_SECONDS
    return context
