"""Background work for notifications, run by the task worker (``db_worker``).

A page never waits for the mail server: the event's transaction only queues
``notify_event_task``, which writes the notifications and queues one
``notification_send_task`` per email. A refused send is queued again a
few minutes later (where the backend can defer work; at once otherwise),
up to ``MAX_ATTEMPTS`` tries.
"""

import datetime as dt

from django.tasks import task
from django.utils import timezone

from cpeg.notifications import services
from cpeg.notifications.choices import NotificationStatus

# The wait before each retry: 5 minutes, then 30.
RETRY_DELAYS = (dt.timedelta(minutes=5), dt.timedelta(minutes=30))


@task
def notify_event_task(*, event_id: int) -> int:
    """Write the notifications for one business event and queue the emails."""
    made = services.notifications_create_for_event(event_id=event_id)
    for notification in made:
        if notification.status == NotificationStatus.PENDING:
            enqueue_send(notification.pk)
    return len(made)


def enqueue_send(notification_id: int, *, attempts: int = 0) -> None:
    """Queue a send; a retry waits where the task backend allows it."""
    if attempts and notification_send_task.get_backend().supports_defer:
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
        notification_send_task.using(run_after=timezone.now() + delay).enqueue(notification_id=notification_id)
    else:
        notification_send_task.enqueue(notification_id=notification_id)


@task
def notification_send_task(*, notification_id: int) -> str:
    """Send one email; queue it again if the mail server refused it."""
    status = services.notification_send(notification_id=notification_id)
    if status == NotificationStatus.RETRYING:
        attempts = services.attempts_of(notification_id)
        enqueue_send(notification_id, attempts=attempts)
    return status
