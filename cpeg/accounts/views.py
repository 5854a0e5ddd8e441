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


# --- Accounts and roles (issue 9.11) ------------------------------------------
# Managers: every account (invite, give and end roles, deactivate and
# reactivate). A group's administrator: the accounts of their own group
# (invite, end group roles). Who may do which: ``accounts.access``.

ACCOUNTS_PAGE_SIZE = 50
INVITATION_SESSION_KEY = "_invitation_token"
INVITATION_URL_TOKEN = "choose-password"


def _groups_for_roles():
    from cpeg.accounts.selectors import role_group_choices

    return role_group_choices()


def _boroughs():
    from cpeg.accounts.selectors import role_borough_choices

    return role_borough_choices()


def _role_form(form_class, request, *, group=None):
    from cpeg.accounts.access import grantable_roles

    return form_class(
        request.POST or None,
        roles=grantable_roles(request.user, group=group),
        groups=_groups_for_roles(),
        boroughs=_boroughs(),
        fixed_group=group,
    )


@login_required
def account_list(request):
    """Every account, its roles and whether it can sign in (managers)."""
    from django.core.paginator import Paginator

    from cpeg.accounts import selectors

    require_perm(request.user, "accounts.manage_accounts")
    q = request.GET.get("q", "").strip()[:100]
    status = request.GET.get("status", "")
    status = status if status in ("active", "deactivated") else ""
    page = Paginator(selectors.account_list(q=q, status=status), ACCOUNTS_PAGE_SIZE).get_page(request.GET.get("page"))
    for account in page:
        account.status_label = selectors.account_status(account)
    return render(
        request,
        "accounts/account_list.html",
        {"page": page, "q": q, "status": status, "query": urlencode({"q": q, "status": status})},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_invite(request):
    """Invite a new person with their first role (managers)."""
    from cpeg.accounts.forms import InviteForm
    from cpeg.core.views_helpers import handle_form

    require_perm(request.user, "accounts.manage_accounts")
    form = _role_form(InviteForm, request)
    return handle_form(
        request,
        form=form,
        template="accounts/account_form.html",
        context={
            "title": "Invite someone",
            "cancel_url": reverse("accounts:account-list"),
            "submit_label": "Send invitation",
        },
        save=lambda f: services.user_invite(
            actor=request.user,
            email=f.cleaned_data["email"],
            first_name=f.cleaned_data["first_name"],
            last_name=f.cleaned_data["last_name"],
            **f.role_data(),
        ),
        success_message="Invitation sent",
        success_url=lambda invitation: reverse("accounts:account-detail", kwargs={"pk": invitation.user_id}),
    )


def _account_for(request, pk):
    from cpeg.accounts import selectors

    require_perm(request.user, "accounts.manage_accounts")
    if not _fits(pk):
        from django.http import Http404

        raise Http404
    return selectors.account_get(pk=pk)


@login_required
def account_detail(request, pk):
    """One account: its roles, whether it can sign in, and its history."""
    from cpeg.accounts import selectors
    from cpeg.accounts.access import can_grant_role

    account = _account_for(request, pk)
    roles = list(account.role_assignments.all())
    return render(
        request,
        "accounts/account_detail.html",
        {
            "account": account,
            "status": selectors.account_status(account),
            "roles": [(r, can_grant_role(request.user, r.role, group=r.group)) for r in roles],
            "history": selectors.account_history(user=account),
            "is_self": account.pk == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_role_add(request, pk):
    """Give an existing person another role (managers)."""
    from cpeg.accounts.forms import RoleForm
    from cpeg.core.views_helpers import handle_form

    account = _account_for(request, pk)
    form = _role_form(RoleForm, request)
    url = reverse("accounts:account-detail", kwargs={"pk": account.pk})
    return handle_form(
        request,
        form=form,
        template="accounts/account_form.html",
        context={"title": f"Give {account} a role", "cancel_url": url, "submit_label": "Give role"},
        save=lambda f: services.role_grant(actor=request.user, user=account, **f.role_data()),
        success_message="Role given",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_role_end(request, pk, role_pk):
    """End one of a person's roles: managers any, a group's administrator
    those in their group; 404 for anyone else."""
    from django.http import Http404

    from cpeg.accounts.access import can_grant_role
    from cpeg.accounts.forms import RoleEndForm
    from cpeg.accounts.models import RoleAssignment

    assignment = (
        RoleAssignment.objects.select_related("user", "group__borough", "borough")
        .filter(pk=role_pk, user_id=pk)
        .first()
        if _fits(pk) and _fits(role_pk)
        else None
    )
    if assignment is None or not can_grant_role(request.user, assignment.role, group=assignment.group):
        raise Http404
    if request.user.has_perm("accounts.manage_accounts"):
        back = reverse("accounts:account-detail", kwargs={"pk": pk})
    else:
        back = reverse("accounts:group-accounts", kwargs={"pk": assignment.group_id})
    form = RoleEndForm(request.POST if request.method == "POST" else None, assignment_pk=assignment.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_end(actor=request.user, assignment=assignment)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, "Role ended")
            return redirect(back)
    return render(
        request,
        "accounts/account_confirm.html",
        {
            "form": form,
            "title": f"End {assignment.user}'s role",
            "lead": f"{assignment.user} will no longer be {_assignment_words(assignment)}. "
            "They lose what this role let them see and do; their account stays.",
            "submit_label": "End role",
            "cancel_url": back,
        },
        status=400 if form.errors else 200,
    )


def _assignment_words(assignment) -> str:
    where = assignment.group or assignment.borough
    label = assignment.get_role_display()
    return f"{label} for {where}" if where else label


def _fits(pk) -> bool:
    """An id small enough for the database (larger ones are simply missing)."""
    return 0 < pk < 2**63


def _account_confirm(request, pk, *, action, title, lead, submit_label, done):
    account = _account_for(request, pk)
    back = reverse("accounts:account-detail", kwargs={"pk": account.pk})
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action(account)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, done)
            return redirect(back)
    return render(
        request,
        "accounts/account_confirm.html",
        {
            "form": form,
            "title": title.format(account=account),
            "lead": lead.format(account=account),
            "submit_label": submit_label,
            "cancel_url": back,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_deactivate(request, pk):
    """Stop someone signing in (managers; never themselves)."""
    return _account_confirm(
        request,
        pk,
        action=lambda account: services.user_deactivate(actor=request.user, user=account),
        title="Deactivate {account}'s account",
        lead="{account} will not be able to sign in. Their roles and everything they recorded stay, "
        "and you can reactivate the account later.",
        submit_label="Deactivate account",
        done="Account deactivated",
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_reactivate(request, pk):
    """Let a deactivated person sign in again (managers)."""
    return _account_confirm(
        request,
        pk,
        action=lambda account: services.user_reactivate(actor=request.user, user=account),
        title="Reactivate {account}'s account",
        lead="{account} will be able to sign in again, with the roles shown on their page.",
        submit_label="Reactivate account",
        done="Account reactivated",
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_invite_again(request, pk):
    """Email a new invitation link to someone who has not chosen a password."""
    return _account_confirm(
        request,
        pk,
        action=lambda account: services.invitation_resend(actor=request.user, user=account),
        title="Send {account} a new invitation",
        lead="We will email {account} a new link to choose a password. Any earlier link stops working.",
        submit_label="Send invitation",
        done="Invitation sent",
    )


def _group_for(request, pk):
    from cpeg.accounts.selectors import role_group_get_for

    return role_group_get_for(user=request.user, pk=pk, perm="accounts.manage_group_accounts")


@login_required
def group_accounts(request, pk):
    """The people who sign in for one group, and their roles."""
    from cpeg.accounts import selectors

    group = _group_for(request, pk)
    rows = selectors.group_accounts(group=group)
    for row in rows:
        row.status_label = selectors.account_status(row.user)
    return render(
        request,
        "accounts/group_accounts.html",
        {"group": group, "rows": rows, "is_manager": request.user.has_perm("accounts.manage_accounts")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def group_account_invite(request, pk):
    """Invite someone to a group as its administrator or an executive member."""
    from cpeg.accounts.forms import InviteForm
    from cpeg.core.views_helpers import handle_form

    group = _group_for(request, pk)
    form = _role_form(InviteForm, request, group=group)
    url = reverse("accounts:group-accounts", kwargs={"pk": group.pk})
    return handle_form(
        request,
        form=form,
        template="accounts/account_form.html",
        context={
            "title": f"Invite someone to {group.name}",
            "group": group,
            "cancel_url": url,
            "submit_label": "Send invitation",
        },
        save=lambda f: services.user_invite(
            actor=request.user,
            email=f.cleaned_data["email"],
            first_name=f.cleaned_data["first_name"],
            last_name=f.cleaned_data["last_name"],
            **f.role_data(),
        ),
        success_message="Invitation sent",
        success_url=url,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """Choose a password from an emailed invitation link.

    As Django's password reset does, the token moves from the address to
    the session at once, so it never leaks in a Referer header.
    """
    from cpeg.accounts import selectors

    if token != INVITATION_URL_TOKEN:
        if selectors.invitation_for_token(token) is None:
            return render(
                request, "accounts/invitation_invalid.html", {"link_lifetime": selectors.invitation_lifetime()}
            )
        request.session[INVITATION_SESSION_KEY] = token
        return redirect("accounts:invitation-accept", token=INVITATION_URL_TOKEN)
    invitation = selectors.invitation_for_token(request.session.get(INVITATION_SESSION_KEY, ""))
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", {"link_lifetime": selectors.invitation_lifetime()})
    form = SetPasswordForm(invitation.user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(invitation=invitation, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            form.add_service_error(error)
        else:
            request.session.pop(INVITATION_SESSION_KEY, None)
            messages.success(request, f"Your password has been set. Sign in with your username, {user.username}")
            return redirect("accounts:sign-in")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"form": form, "account": invitation.user},
        status=400 if form.errors else 200,
    )
