"""Headers and limits every response or request gets (issue 14, finding 7).

- Signed-in pages carry ``Cache-Control: private, no-store``: a shared or
  back-button cache must never keep a group's records or a person's
  details after the person has signed out.
- Every page carries the ``Permissions-Policy`` in settings.
- A request body over ``REQUEST_BODY_MAX_BYTES`` is refused with 413
  before anything reads it. The proxy in front should refuse it first
  (docs/deploy.md); this is the same limit where the proxy is missing.
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        # Django reads no more than CONTENT_LENGTH bytes of a body (none
        # without it), so the declared length is the one to check.
        if length > settings.REQUEST_BODY_MAX_BYTES:
            return HttpResponse(
                "The request is too large. Files must be smaller than the limit shown on the page.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
