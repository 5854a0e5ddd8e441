"""A form sent after the session ended: keep what was typed.

A volunteer spends an hour on a return, the session ends (idle timeout,
``core.sessions``), and they press Save. The POST arrives without a
signed-in user, so ``login_required`` sends them to sign in, and what they
typed would be gone. Instead:

1. ``SignedOutPostMiddleware`` sees the refused POST (a redirect to the
   sign-in page for a signed-out person) and keeps its fields (not files,
   not the CSRF token) in the new anonymous session under a one-time
   token, with the page's path. The sign-in link's ``next`` becomes the
   form's address with ``?restore=<token>``; the sign-in page says the
   typing is kept.
2. Signing in keeps the session's data (Django cycles the key of an
   anonymous session rather than emptying it), and sends them back to the
   form.
3. ``handle_form`` (``restore_into``) fills the form with what was typed,
   with "check it and save again". Nothing is saved without them seeing
   it. The form's ``version`` is the one they loaded, so if someone else
   changed the record meanwhile, saving shows the conflict view
   (``core.conflicts``).
4. A page whose view does not use ``handle_form`` gets, instead, a page
   that resends exactly what was typed when they press "Send my changes"
   (``core/signed_out_resend.html``), so even there nothing is lost.

Only the page the form was sent to can take the fields back, once. Kept
fields expire with the session (or after ``KEEP_FOR`` seconds). The view
itself still checks who may see and change the record: a different person
signing in on the same browser gets the typing only for a record they may
edit.
"""

from __future__ import annotations

import json
import secrets
import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import render, resolve_url

SESSION_KEY = "signed_out_posts"
RESTORE_PARAM = "restore"
KEEP_FOR = 24 * 60 * 60
MAX_KEPT = 5
MAX_BYTES = 1_000_000
_NOT_KEPT = frozenset({"csrfmiddlewaretoken"})


def _is_sign_in_redirect(response) -> bool:
    if response.status_code not in (301, 302, 303):
        return False
    location = urlsplit(response.get("Location", ""))
    return location.path == resolve_url(settings.LOGIN_URL)


def keep(request) -> str | None:
    """Keep the request's POST fields in the session; return the token."""
    # Passwords and codes are never kept (they would sit in the session
    # table as typed); the person types them again.
    fields = {
        k: request.POST.getlist(k)
        for k in request.POST
        if k not in _NOT_KEPT and "password" not in k.lower() and "otp" not in k.lower()
    }
    if not fields or len(json.dumps(fields)) > MAX_BYTES:
        return None
    token = secrets.token_urlsafe(16)
    now = time.time()
    kept = {t: v for t, v in request.session.get(SESSION_KEY, {}).items() if now - v["at"] < KEEP_FOR}
    kept[token] = {"path": request.path, "fields": fields, "at": now, "had_files": bool(request.FILES)}
    # The newest few only: an abandoned browser does not collect them.
    request.session[SESSION_KEY] = dict(sorted(kept.items(), key=lambda kv: kv[1]["at"])[-MAX_KEPT:])
    return token


def _take(request) -> dict | None:
    token = request.GET.get(RESTORE_PARAM, "")
    kept = request.session.get(SESSION_KEY) or {}
    entry = kept.get(token)
    if entry is None or entry["path"] != request.path or time.time() - entry["at"] >= KEEP_FOR:
        return None
    del kept[token]
    request.session[SESSION_KEY] = kept
    return entry


def _as_querydict(fields: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in fields.items():
        data.setlist(key, values)
    return data


def restore_into(request, form) -> bool:
    """On the GET after signing in again, fill ``form`` with what was typed
    (once). True if it did."""
    if request.method != "GET" or RESTORE_PARAM not in request.GET or not request.user.is_authenticated:
        return False
    entry = _take(request)
    if entry is None:
        return False
    form.data = _as_querydict(entry["fields"])
    form.is_bound = True
    form._errors = None
    request.signed_out_restored = True
    if entry.get("had_files"):
        messages.warning(request, "A file you chose was not kept: choose it again before you save.")
    return True


class SignedOutPostMiddleware:
    """Keep a signed-out POST's fields; give them back after signing in.

    After ``AuthenticationMiddleware`` and ``MessageMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is None:
            return response
        if request.method == "POST" and not user.is_authenticated and _is_sign_in_redirect(response):
            token = keep(request)
            if token is not None:
                back = request.get_full_path()
                back += ("&" if "?" in back else "?") + urlencode({RESTORE_PARAM: token})
                response["Location"] = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
                messages.info(
                    request,
                    "You were signed out, so your changes have not been saved yet. "
                    "Sign in again and what you typed will be shown for you to check and save.",
                )
            return response
        if (
            request.method == "GET"
            and user.is_authenticated
            and RESTORE_PARAM in request.GET
            and response.status_code in (200, 405)
            and not getattr(request, "signed_out_restored", False)
        ):
            # The page's view does not fill its form itself (or the address
            # only takes a POST, like a Submit button's): offer to send
            # exactly what was typed.
            entry = _take(request)
            if entry is not None:
                fields = [(k, v) for k, values in entry["fields"].items() for v in values]
                return render(
                    request,
                    "core/signed_out_resend.html",
                    {"fields": fields, "action": request.path, "had_files": entry.get("had_files")},
                )
        return response
