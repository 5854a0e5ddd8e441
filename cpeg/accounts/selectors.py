"""Reads about people's accounts."""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.timesince import timeuntil

from cpeg.accounts.models import User
from cpeg.core.audit_events import AuditEventType
from cpeg.core.models import AuditEvent

PASSWORD_RESET_EMAILED = AuditEventType.PASSWORD_RESET_EMAILED
# One reset email per account in this time, however often it is asked for.
RESET_EMAIL_INTERVAL = dt.timedelta(minutes=10)


def reset_emailed_recently(*, user: User) -> bool:
    """Whether a reset link went to ``user`` within RESET_EMAIL_INTERVAL."""
    return AuditEvent.objects.filter(
        event_type=PASSWORD_RESET_EMAILED,
        target_type=ContentType.objects.get_for_model(User),
        target_id=user.pk,
        created_at__gte=timezone.now() - RESET_EMAIL_INTERVAL,
    ).exists()


def reset_link_lifetime() -> str:
    """How long a reset link works, in words ("3 days")."""
    now = timezone.now()
    later = now + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return timeuntil(later, now).replace("\xa0", " ")
