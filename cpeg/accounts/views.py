from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from cpeg.accounts import services
from cpeg.accounts.access import must_use_two_factor, require_perm
from cpeg.accounts.forms import (
    ConfirmForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    SignInForm,
    TwoFactorCodeForm,
)
from cpeg.accounts.selectors import reset_link_lifetime
from cpeg.accounts.throttling import client_ip
from cpeg.accounts.two_factor import second_step_forget, second_step_needed, second_step_passed


class SignInView(auth_views.LoginView):
    """The password step; the two-factor step, where needed, follows
    (``accounts.middleware``). Sign-ins and lockouts are audited."""

    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        services.user_signed_in(user=form.get_user(), address=client_ip(self.request))
        return response

    def form_invalid(self, form):
        request = self.request
        # django-axes marks the request whose failure reached the limit.
        if getattr(request, "axes_locked_out", False) and getattr(request, "axes_failures_since_start", None):
            services.user_locked_out(username=form.data.get("username", ""), address=client_ip(request))
        return super().form_invalid(form)


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class _InvalidFormIs400:
    """A refused form comes back with 400, as every other form here does."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PasswordChangeView(_InvalidFormIs400, auth_views.PasswordChangeView):
    """Any signed-in person changes their own password and stays signed in."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        user = services.user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "Your password has been changed")
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetView(_InvalidFormIs400, auth_views.PasswordResetView):
    """Email a one-time link to the accounts with the address given, if any."""

    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    subject_template_name = "accounts/email/password_reset_subject.txt"
    email_template_name = "accounts/email/password_reset.txt"
    success_url = reverse_lazy("accounts:password-reset-sent")

    def form_valid(self, form):
        # The lookup and the email happen in a background task, whatever the
        # address: this request does the same work for an address on an
        # account as for one that is not, so its timing tells nobody which.
        services.password_reset_request(email=form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_lifetime=reset_link_lifetime(), **kwargs)


class PasswordResetConfirmView(_InvalidFormIs400, auth_views.PasswordResetConfirmView):
    """Set a new password from an emailed link; a bad link gets a page saying so.

    Django's view checks the token, keeps it in the session and redirects to
    the same address without it, so the token never leaks in a Referer.
    """

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form):
        services.user_password_reset(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return super().get_context_data(link_lifetime=reset_link_lifetime(), **kwargs)


class PasswordResetDoneView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_done.html"


# --- Two-factor sign-in ------------------------------------------------------


def _next_url(request) -> str:
    """Where to go after the second step: ``next`` if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("core:home")


def _render_codes(request, codes, *, status=200):
    return render(
        request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": _next_url(request)}, status=status
    )


@login_required
def two_factor_manage(request):
    """Whether two-factor sign-in is on, and what the person can change."""
    user = request.user
    recovery_left = 0
    if user.two_factor_enabled:
        from django_otp.plugins.otp_static.models import StaticToken

        recovery_left = StaticToken.objects.filter(device__user=user).count()
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "recovery_left": recovery_left,
            "required": must_use_two_factor(user),
            "can_turn_off": user.has_perm("accounts.turn_off_two_factor"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request):
    """Add an authenticator app: scan the QR code, then enter its first code."""
    user = request.user
    if user.two_factor_enabled:
        if second_step_passed(request):
            return redirect("accounts:two-factor")
        return redirect(f"{reverse('accounts:two-factor-verify')}?{urlencode({'next': _next_url(request)})}")
    device = services.totp_device_for_setup(user=user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.two_factor_enable(user=user, device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            device.refresh_from_db()
            otp_login(request, device)
            return _render_codes(request, codes)
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
            "required": must_use_two_factor(user),
            "next": _next_url(request),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second step of signing in: a code from the app, or a recovery code."""
    if not second_step_needed(request):
        return redirect(_next_url(request))
    if not request.user.two_factor_enabled:
        return redirect(f"{reverse('accounts:two-factor-setup')}?{urlencode({'next': _next_url(request)})}")
    form = TwoFactorCodeForm(request.POST or None, recovery=True)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.two_factor_verify(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request):
    """Replace the recovery codes with ten new ones, shown once."""
    if not request.user.two_factor_enabled:
        return redirect("accounts:two-factor")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        return _render_codes(request, services.recovery_codes_create(user=request.user))
    return render(request, "accounts/two_factor_new_codes.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_disable(request):
    """Turn two-factor sign-in off (people not required to use it)."""
    require_perm(request.user, "accounts.turn_off_two_factor")
    if not request.user.two_factor_enabled:
        return redirect("accounts:two-factor")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.two_factor_disable(user=request.user)
        second_step_forget(request)
        messages.success(request, "Two-factor sign-in is off")
        return redirect("accounts:two-factor")
    return render(request, "accounts/two_factor_disable.html", {"form": form})
