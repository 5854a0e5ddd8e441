"""Writes for people's own accounts: passwords, sign-ins, two-factor sign-in.

A signed-in person changes their password by giving their current one; a
person who has forgotten it sets a new one from the one-time link in a reset
email, which a background task sends. Each function saves and records an
AuditEvent in one transaction. The forms have already checked the input
(current password, the password validators in settings, both boxes the
same). Two-factor sign-in: see the section near the end.

Reads and permissions: ``accounts.access``.
"""

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
