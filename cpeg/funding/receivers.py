"""Hear of changes to what a decided round's 360Giving files publish.

Every such change is already recorded as a core ``AuditEvent`` by its
service, inside its transaction: the decision, a history import, a round's
edit, a payment schedule or payment, a reconciliation, and a group's edit
(its website is in the file; ``groups`` sits below ``funding`` and cannot
call it). This receiver only queues ``open_data_refresh_task`` once that
transaction commits, as ``notifications.receivers`` does for email; it
writes nothing itself, and a rolled-back change queues nothing.
"""

from __future__ import annotations

from django.db import transaction

from cpeg.core.audit_events import AuditEventType
from cpeg.core.demo import is_loading_demo

OPEN_DATA_EVENT_TYPES = frozenset(
    {
        AuditEventType.FUNDING_ROUND_DECIDED,
        AuditEventType.FUNDING_HISTORY_IMPORTED,
        AuditEventType.FUNDING_ROUND_UPDATED,
        AuditEventType.FUNDING_PAYMENT_SCHEDULE_SET,
        AuditEventType.FUNDING_PAYMENT_PAID,
        AuditEventType.FUNDING_AWARD_RECONCILED,
        AuditEventType.FUNDING_RECONCILIATION_REOPENED,
        AuditEventType.GROUP_UPDATED,
        AuditEventType.GROUP_STATUS_CHANGED,
    }
)


def _enqueue() -> None:
    from cpeg.funding.tasks import open_data_refresh_task

    open_data_refresh_task.enqueue()


def audit_event_saved(sender, instance, created, raw=False, **kwargs):
    """Queue a rebuild of the open data after a change that alters it."""
    if not created or raw or instance.event_type not in OPEN_DATA_EVENT_TYPES or is_loading_demo():
        return
    transaction.on_commit(_enqueue)
