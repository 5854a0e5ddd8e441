"""Writes for a group's stop and search monitoring meetings."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.groups.models import EngagementGroup
from cpeg.scrutiny.models import MonitoringMeeting
from cpeg.scrutiny.periods import Period

MEETING_FIELDS = ("held_on", "period", "police_attended", "attendance", "summary", "recommendations", "activity")


def _check_meeting(meeting: MonitoringMeeting) -> None:
    try:
        Period.parse(meeting.period)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from None
    if meeting.activity_id and meeting.activity.group_id != meeting.group_id:
        raise ValidationError({"activity": "Select one of the group's own activities."})


@transaction.atomic
def meeting_record(*, group: EngagementGroup, actor, **fields) -> MonitoringMeeting:
    """Record a meeting of the group's stop and search monitoring group."""
    require_perm(actor, "scrutiny.change_monitoringmeeting", group)
    EngagementGroup.objects.select_for_update().get(pk=group.pk)
    meeting = MonitoringMeeting(group=group, **{k: fields[k] for k in MEETING_FIELDS if k in fields})
    meeting.created_by = meeting.updated_by = actor
    meeting.full_clean()
    _check_meeting(meeting)
    meeting.save()
    audit_record(
        actor=actor,
        event_type=AuditEventType.STOP_SEARCH_MEETING_RECORDED,
        target=meeting,
        group=group,
        summary=f"{meeting} recorded ({meeting.period})",
    )
    return meeting


@transaction.atomic
def meeting_update(*, meeting: MonitoringMeeting, actor, version=None, **fields) -> MonitoringMeeting:
    """Change a recorded monitoring meeting."""
    require_perm(actor, "scrutiny.change_monitoringmeeting", meeting)
    current = lock_and_check_version(MonitoringMeeting, meeting.pk, version)
    changes = {}
    for name in MEETING_FIELDS:
        if name in fields and getattr(current, name) != fields[name]:
            changes[name] = (getattr(current, name), fields[name])
            setattr(current, name, fields[name])
    _check_meeting(current)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.STOP_SEARCH_MEETING_UPDATED,
        target=current,
        group=current.group,
        summary=f"{current} updated",
        changes=changes,
    )
    return current
