"""Shared model pieces: the base every domain model inherits, and audit events."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords


class BaseModel(models.Model):
    """Who made and last changed a record, when, and its edit version.

    ``version`` goes up by one on every save through a service; forms carry
    the version they loaded so a stale save is refused (see
    ``core.concurrency``). Field-level history comes from simple-history.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    version = models.PositiveIntegerField(default=1)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class AuditEvent(models.Model):
    """A business event: who did what to which record, and when.

    Written by services inside the same transaction as the change, so an
    event exists exactly when the change does. Field-level diffs come from
    simple-history; this table records the meaning ("return submitted").
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    # An AuditEventType value; the enum is checked by audit_record rather than
    # given as field choices, so a new kind of event needs no migration.
    event_type = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    group = models.ForeignKey(
        "groups.EngagementGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    summary = models.CharField(max_length=500)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.event_type} by {self.actor} at {self.created_at:%Y-%m-%d %H:%M}"
