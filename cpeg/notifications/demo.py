"""Demo notifications: the emails the demo's latest events would have sent.

While the demo loads nothing is emailed (``core.demo.is_loading_demo``); this
step then writes the notifications for the latest returns sent back,
accepted and submitted, SLAs and payments, as the task would have, and
records them as sent, without emailing anyone. One is shown failed (the
address was refused), so the officers' list has something to check.
Camden's administrator has chosen a daily digest.
"""

from __future__ import annotations

from django.utils import timezone

from cpeg.core.demo import DemoContext
from cpeg.core.models import AuditEvent
from cpeg.notifications import services
from cpeg.notifications.choices import MAX_ATTEMPTS, Frequency, NotificationStatus
from cpeg.notifications.events import NOTIFIED_EVENT_TYPES
from cpeg.notifications.models import Notification

# The latest events of each kind that get their emails.
PER_KIND = 4


def load(ctx: DemoContext) -> None:
    camden_admin = ctx.admins.get("camden")
    if camden_admin is not None:
        services.preference_set(user=camden_admin, actor=camden_admin, frequency=Frequency.DAILY)
    made = []
    for event_type in sorted(NOTIFIED_EVENT_TYPES):
        for event_id in (
            AuditEvent.objects.filter(event_type=event_type).order_by("-created_at", "-pk").values_list("pk", flat=True)
        )[:PER_KIND]:
            made += services.notifications_create_for_event(event_id=event_id)
    now = timezone.now()
    pending = [n.pk for n in made if n.status == NotificationStatus.PENDING]
    Notification.objects.filter(pk__in=pending).update(status=NotificationStatus.SENT, attempts=1, sent_at=now)
    if pending:
        Notification.objects.filter(pk=pending[-1]).update(
            status=NotificationStatus.FAILED,
            attempts=MAX_ATTEMPTS,
            sent_at=None,
            last_error="SMTPRecipientsRefused: the mail server refused the address",
        )
    ctx.log.append(f"notifications: {len(made)} emails recorded")
