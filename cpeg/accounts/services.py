"""Writes for people's own accounts: passwords, sign-ins, two-factor sign-in.

A signed-in person changes their password by giving their current one; a
person who has forgotten it sets a new one from the one-time link in a reset
email, which a background task sends. Each function saves and records an
AuditEvent in one transaction. The forms have already checked the input
(current password, the password validators in settings, both boxes the
same). Two-factor sign-in: see the section near the end.

Reads and permissions: ``accounts.access``.
"""

import secrets

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cpeg.accounts.models import User
from cpeg.accounts.selectors import PASSWORD_RESET_EMAILED
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType


def _password_save(*, user: User, password: str) -> None:
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def user_password_change(*, user: User, password: str) -> User:
    """Change a signed-in person's own password.

    Every other session of the account ends (its session hash no longer
    matches); the view keeps the current one signed in.
    """
    _password_save(user=user, password=password)
    audit_record(actor=user, event_type=AuditEventType.PASSWORD_CHANGED, target=user, summary="Changed their password")
    return user


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> User:
    """Set a new password from a password reset link.

    Also clears the account's failed sign-ins (django-axes), so a person
    locked out after forgetting their password can sign in at once with
    the new one.
    """
    _password_save(user=user, password=password)
    axes_reset(username=user.get_username())
    audit_record(
        actor=user,
        event_type=AuditEventType.PASSWORD_RESET,
        target=user,
        summary="Reset their password from an emailed link",
    )
    return user


def password_reset_request(*, email: str) -> None:
    """Queue the email for a password reset asked for with ``email``.

    The same for every address, on an account or not: the task looks the
    address up, so nothing here takes longer for a real account.
    """
    from cpeg.accounts.tasks import password_reset_email_task

    transaction.on_commit(lambda: password_reset_email_task.enqueue(email=email))


def password_reset_email_send(*, email: str) -> int:
    """Email a reset link to each account with ``email`` (the task's work).

    Django's form picks the accounts (active, with a usable password, not
    emailed a link in the last RESET_EMAIL_INTERVAL) and sends; each email
    is audited. Returns how many were sent.
    """
    from django.conf import settings

    from cpeg.accounts.forms import PasswordResetForm
    from cpeg.accounts.selectors import reset_link_lifetime

    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    sent = []
    form.on_send = sent.append
    form.save(
        # Links are built from SITE_URL, as reminder emails are, never from
        # a request's host, which behind a proxy may be an internal name.
        domain_override=settings.SITE_URL,
        subject_template_name="accounts/email/password_reset_subject.txt",
        email_template_name="accounts/email/password_reset.txt",
        extra_email_context={
            "site_url": settings.SITE_URL.rstrip("/"),
            "service_name": settings.SERVICE_NAME,
            "authority_name": settings.AUTHORITY_NAME,
            "link_lifetime": reset_link_lifetime(),
        },
    )
    return len(sent)


def password_reset_emailed(*, user: User) -> None:
    """Record that a reset link was emailed to ``user`` (the audit trail,
    and what limits how often one is sent)."""
    audit_record(actor=None, event_type=PASSWORD_RESET_EMAILED, target=user, summary="Emailed a password reset link")


# --- Sign-in and two-factor sign-in -----------------------------------------
#
# Officers and managers hold every group's records, so they sign in with a
# code from an authenticator app (TOTP) as well as their password; anyone
# else may turn the same on for their own account. Ten single-use recovery
# codes stand in for the app if the phone is lost. django-otp keeps the
# devices and throttles wrong codes (each failure doubles the wait).

RECOVERY_CODE_COUNT = 10


def user_signed_in(*, user: User, address: str | None) -> None:
    """Record a successful sign-in (the password step)."""
    audit_record(
        actor=user,
        event_type=AuditEventType.SIGNED_IN,
        target=user,
        summary=f"Signed in from {address or 'an unknown address'}",
        payload={"address": address},
    )


def user_locked_out(*, username: str, address: str | None) -> None:
    """Record that failed sign-ins locked ``username`` (or the address) out.

    Nothing is recorded for a username that has no account: the axes
    tables keep those attempts.
    """
    user = User.objects.filter(username=username).first()
    if user is None:
        return
    audit_record(
        actor=None,
        event_type=AuditEventType.SIGN_IN_LOCKED_OUT,
        target=user,
        summary=f"Locked out after failed sign-ins from {address or 'an unknown address'}",
        payload={"address": address},
    )


def totp_device_for_setup(*, user: User):
    """The authenticator-app key being set up for ``user`` (made once, kept
    until confirmed, so reloading the page shows the same QR code)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_enable(*, user: User, device, code: str) -> list[str]:
    """Turn on two-factor sign-in once the app's first code checks out.

    Returns the new recovery codes, to be shown once. Raises
    ValidationError on ``code`` if it is wrong (the check is outside the
    transaction so that django-otp's count of wrong codes stays saved).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.get(pk=device.pk, user=user, confirmed=False)
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        raise ValidationError({"code": "Too many wrong codes. Wait a minute, then enter a new code"})
    if not device.verify_token(_digits(code)):
        raise ValidationError({"code": "The code is not right. Enter the 6-digit code your app shows now"})
    with transaction.atomic():
        return _two_factor_turn_on(user=user, device=device)


def _two_factor_turn_on(*, user: User, device) -> list[str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    user.two_factor_enabled = True
    user.save(update_fields=["two_factor_enabled"])
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user,
        event_type=AuditEventType.TWO_FACTOR_ENABLED,
        target=user,
        summary="Turned on two-factor sign-in with an authenticator app",
    )
    return codes


@transaction.atomic
def recovery_codes_create(*, user: User) -> list[str]:
    """Replace a person's recovery codes with ten new ones (the old stop working)."""
    if not user.two_factor_enabled:
        raise ValidationError("Turn on two-factor sign-in first")
    codes = _new_recovery_codes(user)
    audit_record(
        actor=user,
        event_type=AuditEventType.TWO_FACTOR_RECOVERY_CODES_CREATED,
        target=user,
        summary="Created new recovery codes",
    )
    return codes


def _digits(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def two_factor_verify(*, user: User, code: str):
    """The device that accepts ``code`` (an app code or a recovery code).

    Raises ValidationError on ``code`` otherwise. Each attempt is audited;
    a recovery code works once. Not atomic: django-otp saves its throttle
    count on a failure, which must stay saved.
    """
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = _digits(code)
    if token.isdigit():
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in devices:
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            audit_record(
                actor=user, event_type=AuditEventType.TWO_FACTOR_FAILED, target=user, summary="Code refused: too soon"
            )
            raise ValidationError({"code": "Too many wrong codes. Wait a minute, then enter a new code"})
        if device.verify_token(token):
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                audit_record(
                    actor=user,
                    event_type=AuditEventType.TWO_FACTOR_RECOVERY_CODE_USED,
                    target=user,
                    summary=f"Signed in with a recovery code ({left} left)",
                    payload={"left": left},
                )
            return device
    audit_record(actor=user, event_type=AuditEventType.TWO_FACTOR_FAILED, target=user, summary="Wrong code entered")
    raise ValidationError({"code": "The code is not right. Enter the code your app shows now, or a recovery code"})


def _devices_delete(user: User) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    user.two_factor_enabled = False
    user.save(update_fields=["two_factor_enabled"])


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    """Turn off two-factor sign-in for a person who is not required to use it."""
    from cpeg.accounts.access import must_use_two_factor

    if must_use_two_factor(user):
        raise PermissionDenied("Authority officers and managers must use two-factor sign-in")
    _devices_delete(user)
    audit_record(
        actor=user, event_type=AuditEventType.TWO_FACTOR_DISABLED, target=user, summary="Turned off two-factor sign-in"
    )


@transaction.atomic
def two_factor_reset(*, user: User, actor: User | None, reason: str) -> None:
    """Remove a person's app and recovery codes (they lost both); they set
    them up again at their next sign-in. Run by a manager from the command
    line (``manage.py two_factor_reset``)."""
    _devices_delete(user)
    audit_record(
        actor=actor,
        event_type=AuditEventType.TWO_FACTOR_RESET,
        target=user,
        summary=f"Two-factor sign-in reset: {reason}",
        payload={"reason": reason},
    )


# --- Accounts and roles: inviting, roles, deactivating (issue 9.11) ----------
#
# A manager invites a person by email with a first role; a group's
# administrator invites people to their own group. The account exists (and
# holds its role) from then on, with no password: the person chooses one
# from the emailed link, which works once, for INVITATION_LIFETIME. Roles
# are given and ended here (an ended role is deleted; simple-history and
# the audit trail keep it). Who may give which role: ``access.can_grant_role``.
# What the whole authority needs: a manager never deactivates themselves,
# and the last active manager keeps the manager role.


def _role_words(role: str, *, group=None, borough=None) -> str:
    from cpeg.accounts.roles import Role

    label = Role(role).label
    where = group or borough
    return f"{label} for {where}" if where is not None else label


def _check_role_scope(role: str, *, group, borough) -> dict:
    from cpeg.accounts.roles import BOROUGH_ROLES, GROUP_ROLES, Role

    errors = {}
    if role not in Role.values:
        errors["role"] = "Select a role"
    elif role in GROUP_ROLES and group is None:
        errors["group"] = "Select the group"
    elif role in BOROUGH_ROLES and borough is None:
        errors["borough"] = "Select the borough"
    return errors


def _require_grant(actor: User, role: str, *, group) -> None:
    from cpeg.accounts.access import can_grant_role

    if not can_grant_role(actor, role, group=group):
        raise PermissionDenied("You cannot give or end this role")


def _username_for(email: str) -> str:
    base = email.strip().lower()[:140]
    username, n = base, 1
    while User.objects.filter(username__iexact=username).exists():
        n += 1
        username = f"{base}-{n}"
    return username


@transaction.atomic
def user_invite(*, actor: User, email: str, first_name: str, last_name: str, role: str, group=None, borough=None):
    """Make an account for a new person with one role and email them a link
    to choose a password (sent by the task worker once this commits)."""
    from cpeg.accounts.models import Invitation, RoleAssignment
    from cpeg.accounts.roles import BOROUGH_ROLES, GROUP_ROLES

    group = group if role in GROUP_ROLES else None
    borough = borough if role in BOROUGH_ROLES else None
    errors = _check_role_scope(role, group=group, borough=borough)
    email = (email or "").strip()
    if email and User.objects.filter(email__iexact=email).exists():
        errors["email"] = "There is already an account with this email address"
    if errors:
        raise ValidationError(errors)
    _require_grant(actor, role, group=group)
    user = User(
        username=_username_for(email),
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
    )
    user.set_unusable_password()
    user.full_clean()
    user.save()
    assignment = RoleAssignment(user=user, role=role, group=group, borough=borough)
    assignment.full_clean()
    assignment.save()
    invitation = Invitation.objects.create(user=user, invited_by=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACCOUNT_INVITED,
        target=user,
        group=group,
        summary=f"Invited {user} ({email}) as {_role_words(role, group=group, borough=borough)}",
        payload={"role": role, "group": getattr(group, "pk", None), "borough": getattr(borough, "pk", None)},
    )
    _invitation_queue(invitation)
    return invitation


def _invitation_queue(invitation) -> None:
    from cpeg.accounts.tasks import invitation_email_task

    transaction.on_commit(lambda: invitation_email_task.enqueue(invitation_id=invitation.pk))


@transaction.atomic
def invitation_resend(*, actor: User, user: User):
    """Email a new link to a person who has not yet chosen a password (the
    old link stops working)."""
    from cpeg.accounts.access import require_perm
    from cpeg.accounts.models import Invitation

    require_perm(actor, "accounts.manage_accounts")
    if user.has_usable_password():
        raise ValidationError("This person has already chosen a password: they can reset it if they forget it")
    if not user.is_active:
        raise ValidationError("Reactivate the account before inviting this person again")
    invitation = Invitation.objects.create(user=user, invited_by=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACCOUNT_INVITED,
        target=user,
        summary=f"Invited {user} ({user.email}) again",
    )
    _invitation_queue(invitation)
    return invitation


def invitation_email_send(*, invitation_id: int) -> bool:
    """Make the invitation's one-time link and email it (the task's work).

    Earlier links to the same person stop working. Returns False when
    there is nothing to send (accepted, deactivated or no longer there).
    """
    from django.conf import settings
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import timezone

    from cpeg.accounts.models import Invitation
    from cpeg.accounts.selectors import INVITATION_LIFETIME, invitation_lifetime, token_hash

    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("user", "invited_by")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.accepted_at or not invitation.user.is_active:
            return False
        token = secrets.token_urlsafe(32)
        now = timezone.now()
        Invitation.objects.filter(user=invitation.user).exclude(pk=invitation.pk).update(token_hash="")
        invitation.token_hash = token_hash(token)
        invitation.emailed_at = now
        invitation.expires_at = now + INVITATION_LIFETIME
        invitation.save(update_fields=["token_hash", "emailed_at", "expires_at"])
        audit_record(
            actor=None,
            event_type=AuditEventType.ACCOUNT_INVITATION_EMAILED,
            target=invitation.user,
            summary=f"Emailed an invitation to {invitation.user.email}",
        )
    context = {
        "user": invitation.user,
        "invited_by": invitation.invited_by,
        "link": settings.SITE_URL.rstrip("/") + reverse("accounts:invitation-accept", kwargs={"token": token}),
        "link_lifetime": invitation_lifetime(),
        "service_name": settings.SERVICE_NAME,
        "authority_name": settings.AUTHORITY_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    send_mail(
        render_to_string("accounts/email/invitation_subject.txt", context).strip(),
        render_to_string("accounts/email/invitation.txt", context),
        None,
        [invitation.user.email],
    )
    return True


@transaction.atomic
def invitation_accept(*, invitation, password: str) -> User:
    """Set the invited person's first password; the link then stops working."""
    from django.utils import timezone

    from cpeg.accounts.models import Invitation
    from cpeg.accounts.selectors import invitation_is_usable

    current = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if not invitation_is_usable(current):
        raise ValidationError("This invitation link has already been used or has expired")
    user = current.user
    _password_save(user=user, password=password)
    current.accepted_at = timezone.now()
    current.token_hash = ""
    current.save(update_fields=["accepted_at", "token_hash"])
    audit_record(
        actor=user,
        event_type=AuditEventType.ACCOUNT_INVITATION_ACCEPTED,
        target=user,
        summary="Accepted the invitation and chose a password",
    )
    return user


def _active_manager_ids(*, lock: bool) -> set[int]:
    from cpeg.accounts.roles import Role

    users = User.objects.filter(is_active=True, role_assignments__role=Role.MANAGER)
    if lock:
        # Two managers ending each other's role at once must not leave none.
        users = users.select_for_update()
    return set(users.values_list("pk", flat=True))


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str, group=None, borough=None):
    """Give ``user`` a role (authority-wide, for a group, or for a borough)."""
    from cpeg.accounts.models import RoleAssignment
    from cpeg.accounts.roles import BOROUGH_ROLES, GROUP_ROLES

    group = group if role in GROUP_ROLES else None
    borough = borough if role in BOROUGH_ROLES else None
    errors = _check_role_scope(role, group=group, borough=borough)
    if errors:
        raise ValidationError(errors)
    _require_grant(actor, role, group=group)
    if RoleAssignment.objects.filter(user=user, role=role, group=group, borough=borough).exists():
        raise ValidationError({"role": f"{user} already has this role"})
    assignment = RoleAssignment(user=user, role=role, group=group, borough=borough)
    assignment.full_clean()
    assignment.save()
    words = _role_words(role, group=group, borough=borough)
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACCOUNT_ROLE_GRANTED,
        target=user,
        group=group,
        summary=f"Gave {user} the role {words}",
        payload={"role": role, "group": getattr(group, "pk", None), "borough": getattr(borough, "pk", None)},
    )
    return assignment


@transaction.atomic
def role_end(*, actor: User, assignment) -> None:
    """End one of a person's roles (they lose what it let them see and do)."""
    from cpeg.accounts.models import RoleAssignment
    from cpeg.accounts.roles import Role

    _require_grant(actor, assignment.role, group=assignment.group)
    current = RoleAssignment.objects.select_for_update(of=("self",)).select_related("user", "group", "borough")
    current = current.filter(pk=assignment.pk).first()
    if current is None:
        raise ValidationError("This role has already ended")
    user = current.user
    if current.role == Role.MANAGER:
        managers = _active_manager_ids(lock=True)
        if user.pk in managers and not managers - {user.pk}:
            raise ValidationError("This is the last manager: give someone else the manager role first")
    words = _role_words(current.role, group=current.group, borough=current.borough)
    current.delete()
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACCOUNT_ROLE_ENDED,
        target=user,
        group=current.group,
        summary=f"Ended {user}'s role {words}",
        payload={"role": current.role, "group": current.group_id, "borough": current.borough_id},
    )


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> User:
    """Stop a person signing in (their roles and records stay)."""
    from cpeg.accounts.access import require_perm
    from cpeg.accounts.roles import Role

    require_perm(actor, "accounts.manage_accounts")
    if user.pk == actor.pk:
        raise ValidationError("You cannot deactivate your own account")
    current = User.objects.select_for_update().get(pk=user.pk)
    if not current.is_active:
        raise ValidationError(f"{current}'s account is already deactivated")
    if current.role_assignments.filter(role=Role.MANAGER).exists():
        if not _active_manager_ids(lock=True) - {current.pk}:
            raise ValidationError("This is the last manager: give someone else the manager role first")
    current.is_active = False
    current.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACCOUNT_DEACTIVATED,
        target=current,
        summary=f"Deactivated {current}'s account: they can no longer sign in",
        changes={"is_active": (True, False)},
    )
    return current


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> User:
    """Let a deactivated person sign in again."""
    from cpeg.accounts.access import require_perm

    require_perm(actor, "accounts.manage_accounts")
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.is_active:
        raise ValidationError(f"{current}'s account is already active")
    current.is_active = True
    current.save(update_fields=["is_active"])
    axes_reset(username=current.get_username())
    audit_record(
        actor=actor,
        event_type=AuditEventType.ACCOUNT_REACTIVATED,
        target=current,
        summary=f"Reactivated {current}'s account: they can sign in again",
        changes={"is_active": (False, True)},
    )
    return current
