"""Reads for notifications: the officers' list, a record's emails, a
person's preference.

Officers see every notification (who was told what, and which failed);
anyone else sees, on a record's page, only the emails sent to them.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.db.models import QuerySet

from cpeg.notifications.choices import Frequency, NotificationStatus
from cpeg.notifications.models import Notification, NotificationPreference

PAGE_SIZE = 50


def notification_list(*, status: str = "") -> QuerySet:
    """Every notification, newest first, optionally of one status."""
    queryset = Notification.objects.select_related("recipient", "group").order_by("-created_at", "-pk")
    if status in NotificationStatus.values:
        queryset = queryset.filter(status=status)
    return queryset


def notification_page(*, status: str = "", page=1):
    """One page of the officers' list (a fixed number of queries)."""
    return Paginator(notification_list(status=status), PAGE_SIZE).get_page(page)


def status_counts() -> dict[str, int]:
    """How many notifications are in each status."""
    from django.db.models import Count

    counts = dict(Notification.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in NotificationStatus.values}


def notifications_for_record(*, user, record, limit: int = 50) -> list[Notification]:
    """The emails sent about ``record``: every one for officers, otherwise
    those sent to the user."""
    queryset = Notification.objects.filter(
        target_type=ContentType.objects.get_for_model(record), target_id=record.pk
    ).select_related("recipient")
    if not user.has_perm("notifications.view_notification_list"):
        queryset = queryset.filter(recipient=user)
    return list(queryset.order_by("-created_at", "-pk")[:limit])


def preference_of(*, user) -> NotificationPreference | None:
    """The user's saved preference, if any."""
    return NotificationPreference.objects.filter(user=user).first()


def frequency_label(preference: NotificationPreference | None) -> str:
    return Frequency(preference.frequency if preference else Frequency.IMMEDIATE).label
