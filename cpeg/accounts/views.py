import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.timesince import timeuntil

from cpeg.accounts import services
from cpeg.accounts.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm, SignInForm


class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class _InvalidFormIs400:
    """A refused form comes back with 400, as every other form here does."""

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def reset_link_lifetime() -> str:
    """How long a reset link works, in words ("3 days")."""
    now = timezone.now()
    later = now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return timeuntil(later, now).replace("\xa0", " ")


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
        # Links are built from SITE_URL, as reminder emails are, not from the
        # request's host, which behind a proxy may be an internal name.
        self.extra_email_context = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "service_name": settings.SERVICE_NAME,
            "authority_name": settings.AUTHORITY_NAME,
            "link_lifetime": reset_link_lifetime(),
        }
        return super().form_valid(form)


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
