"""Writes for people's own accounts: setting a new password.

A signed-in person changes their password by giving their current one; a
person who has forgotten it sets a new one from the one-time link in a reset
email. Each function saves the password and records an AuditEvent in one
transaction. The forms have already checked the input (current password,
the password validators in settings, both boxes the same).

Reads and permissions: ``accounts.access``.
"""

from axes.utils import reset as axes_reset
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


def password_reset_emailed(*, user: User) -> None:
    """Record that a reset link was emailed to ``user`` (the audit trail,
    and what limits how often one is sent)."""
    audit_record(actor=None, event_type=PASSWORD_RESET_EMAILED, target=user, summary="Emailed a password reset link")
