"""Hear of business events as their services record them.

Every business event a person should be told of is already written as a
core ``AuditEvent`` by its service, inside the service's transaction. This
receiver only queues ``notify_event_task`` once that transaction commits,
so domain services need no change to send email, a rolled-back change
sends nothing, and no page waits for the mail server. It writes nothing
itself (the house rule against business writes in signal receivers).
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from cpeg.core.demo import is_loading_demo
from cpeg.notifications.events import NOTIFIED_EVENT_TYPES


def _enqueue(event_id: int) -> None:
    from cpeg.notifications.tasks import notify_event_task

    notify_event_task.enqueue(event_id=event_id)


def audit_event_saved(sender, instance, created, raw=False, **kwargs):
    """Queue the notifications for a new event that sends email."""
    if not created or raw or instance.event_type not in NOTIFIED_EVENT_TYPES or is_loading_demo():
        return
    transaction.on_commit(partial(_enqueue, instance.pk))
