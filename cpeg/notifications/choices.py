"""Choices for notifications: how a person is told, and how a send went."""

from django.db import models


class Frequency(models.TextChoices):
    """How a person hears about events: an email each, or one a day."""

    IMMEDIATE = "immediate", "An email for each event, as it happens"
    DAILY = "daily", "One email a day listing every event (a daily digest)"


class NotificationStatus(models.TextChoices):
    """A notification's delivery.

    pending (queued for the task worker) -> sent, or -> retrying (a send
    failed; tried again up to ``MAX_ATTEMPTS`` times) -> sent or failed.
    in_digest: waiting for the day's digest (``send_notification_digest``),
    then sent or failed with the digest.
    """

    PENDING = "pending", "Waiting to be sent"
    IN_DIGEST = "in_digest", "Waiting for the daily digest"
    RETRYING = "retrying", "Failed, trying again"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


# How many times a send is tried before it is left failed.
MAX_ATTEMPTS = 3
OPEN_STATUSES = frozenset({NotificationStatus.PENDING, NotificationStatus.IN_DIGEST, NotificationStatus.RETRYING})

STATUS_TAG_CLASSES = {
    NotificationStatus.PENDING: "govuk-tag--grey",
    NotificationStatus.IN_DIGEST: "govuk-tag--grey",
    NotificationStatus.RETRYING: "govuk-tag--yellow",
    NotificationStatus.SENT: "govuk-tag--green",
    NotificationStatus.FAILED: "govuk-tag--red",
}
