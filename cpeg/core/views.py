from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from cpeg.core import sessions


def healthcheck(request):
    return HttpResponse("ok", content_type="text/plain")


@require_GET
def session_status(request):
    """How long the session has left, without renewing it (the timeout
    warning asks before saying someone has been signed out)."""
    signed_in = request.user.is_authenticated
    return JsonResponse({"signed_in": signed_in, "seconds_left": sessions.seconds_left(request) if signed_in else 0})


@require_POST
def session_keep_alive(request):
    """ "Stay signed in": renew the session; nothing else is written."""
    if not request.user.is_authenticated:
        # Too late: sign in again (and come back to the home page, not here).
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
        return redirect(settings.LOGIN_URL)
    sessions.renew(request, force=True)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"signed_in": True, "seconds_left": sessions.seconds_left(request)})
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe:
        target = reverse("core:home")
    return redirect(target)
