"""Emails sent about business events, and how each person wants them."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models

from cpeg.core.models import BaseModel
from cpeg.notifications.choices import Frequency, NotificationStatus


class NotificationPreference(BaseModel):
    """How a person wants to hear about events: an email each, or a daily digest.

    A person with no preference gets an email for each event.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    frequency = models.CharField(
        "How often you get emails", max_length=16, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )

    def __str__(self):
        return f"{self.user}: {self.get_frequency_display()}"


class Notification(models.Model):
    """One email to one person about one business event (an AuditEvent).

    Written by the task that handles the event; a delivery log, so not a
    BaseModel. States: ``NotificationStatus``. ``target`` is the record the
    event was about (a return, an SLA, an application ...), so a record's
    page can list the emails sent about it.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    email = models.EmailField("Sent to")
    # None for a reminder that is not a recorded event (a deadline coming up).
    event = models.ForeignKey(
        "core.AuditEvent", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    event_type = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    group = models.ForeignKey(
        "groups.EngagementGroup", on_delete=models.PROTECT, null=True, blank=True, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField("Error", blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    digest_on = models.DateField("Sent in the digest of", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["status"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_once_per_event_and_person"),
        ]

    def __str__(self):
        return f"{self.subject} to {self.email} ({self.get_status_display()})"
