"""Background work for accounts, run by the task worker (``db_worker``)."""

from django.tasks import task

from cpeg.accounts import services


@task
def password_reset_email_task(*, email: str) -> int:
    """Send the password reset email asked for with ``email``, if any."""
    return services.password_reset_email_send(email=email)


@task
def invitation_email_task(*, invitation_id: int) -> bool:
    """Email an invitation's one-time link to choose a password."""
    return services.invitation_email_send(invitation_id=invitation_id)
