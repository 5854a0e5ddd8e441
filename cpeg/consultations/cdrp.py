"""CDRP meetings: each borough's crime and disorder reduction partnership,
its meetings, whether the CPEG's seat was filled, who from the group's
executive attended, and the minutes.

The attendance rate per group and financial year is the meetings where
its seat was filled divided by the meetings recorded (exact, shown to one
decimal place, halves up); each count links to exactly the meetings behind
it (``SHOW`` is the filter both use). A meeting with the seat filled
evidences the "two-way mechanisms" SLA output, beside the two-way
mechanisms in ``consultations.programmes`` (``selectors.evidence_records``).

Writes follow the services' contract: permission, lock and version,
rules, ``full_clean``, save, AuditEvent, one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from cpeg.accounts.access import require_perm
from cpeg.consultations.figures import percent_text
from cpeg.consultations.models import CdrpMeeting
from cpeg.consultations.partnerships import attach_minutes
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.files import check_document
from cpeg.core.fiscal import FinancialYear
from cpeg.core.idempotency import made_with_token
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import Borough, EngagementGroup

MEETING_FIELDS = ("held_on", "seat_filled", "notes")

# Which of a year's meetings each count (and the list its link shows) holds.
SHOW = {
    "meetings": Q(),
    "attended": Q(seat_filled=True),
    "missed": Q(seat_filled=False),
}
SHOW_LABELS = {
    "meetings": "CDRP meetings recorded",
    "attended": "The CPEG's seat was filled",
    "missed": "The CPEG's seat was empty",
}


def seat_group(borough: Borough) -> EngagementGroup | None:
    """The borough's CPEG whose seat on the CDRP it is: its group that is
    not disbanded (the first by name if, unusually, there are two)."""
    return (
        EngagementGroup.objects.filter(borough=borough).exclude(status=GroupStatus.DISBANDED).order_by("name").first()
    )


def cdrp_rule_errors(*, borough: Borough, values: dict, today: dt.date) -> dict[str, str]:
    """Every broken rule for a CDRP meeting, as {field: message}."""
    errors = {}
    held_on = values.get("held_on")
    if not isinstance(held_on, dt.date):
        errors["held_on"] = "Enter the date of the meeting"
    elif held_on > today:
        errors["held_on"] = "The date of the meeting must be today or in the past"
    if values.get("seat_filled") is None:
        errors["seat_filled"] = "Select whether the CPEG's seat was filled"
    attendees = values.get("attendees") or []
    if any(seat.group.borough_id != borough.pk for seat in attendees):
        errors["attendees"] = "Select executive members of a group in this borough"
    elif attendees and values.get("seat_filled") is False:
        errors["attendees"] = "The seat was empty, so select nobody as attending, or say it was filled"
    return errors


@transaction.atomic
def cdrp_meeting_save(
    *,
    borough: Borough,
    actor,
    data: dict,
    today: dt.date,
    minutes=None,
    meeting: CdrpMeeting | None = None,
    loaded_version=None,
    form_token: str = "",
) -> CdrpMeeting:
    """Record a meeting of the borough's CDRP (or change one): its date,
    whether the CPEG's seat was filled, who from the executive attended,
    the main items and the minutes. The same form sent twice records one
    meeting (``form_token``)."""
    require_perm(actor, "consultations.change_cdrpmeeting", borough)
    if meeting is None:
        existing = made_with_token(CdrpMeeting.objects.filter(borough=borough), form_token)
        if existing is not None:
            return existing
    else:
        meeting = lock_and_check_version(CdrpMeeting, meeting.pk, loaded_version)
    errors = cdrp_rule_errors(borough=borough, values=data, today=today)
    if minutes is not None:
        try:
            check_document(minutes)
        except ValidationError as error:
            errors["minutes"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    values = {
        "held_on": data["held_on"],
        "seat_filled": data["seat_filled"],
        "notes": (data.get("notes") or "").strip(),
    }
    attendees = sorted({seat.pk for seat in data.get("attendees") or []})
    creating = meeting is None
    if creating:
        meeting = CdrpMeeting(
            borough=borough,
            group=seat_group(borough),
            created_by=actor,
            updated_by=actor,
            form_token=form_token or "",
            **values,
        )
        changes = {}
    else:
        changes = apply_changes(meeting, values, MEETING_FIELDS)
        before = sorted(meeting.attendees.values_list("pk", flat=True))
        if before != attendees:
            changes["attendees"] = (before, attendees)
    if minutes is not None:
        attach_minutes(meeting, minutes, changes)
    if creating:
        meeting.full_clean()
        meeting.save()
    elif changes:
        save_new_version(meeting, actor=actor)
    else:
        return meeting
    meeting.attendees.set(attendees)
    seat = "the CPEG's seat filled" if meeting.seat_filled else "the CPEG's seat empty"
    audit_record(
        actor=actor,
        event_type=AuditEventType.CDRP_MEETING_SAVED,
        target=meeting,
        group=meeting.group,
        summary=(
            f"Recorded the {borough.name} CDRP meeting of {meeting.held_on:%-d %B %Y}, {seat}"
            if creating
            else changes_summary(
                CdrpMeeting,
                [n for n in changes if n in MEETING_FIELDS or n == "minutes"],
                extra=["who attended for the CPEG"] if "attendees" in changes else [],
                of=f"the CDRP meeting of {meeting.held_on:%-d %B %Y}",
            )
        ),
        changes={name: (str(old), str(new)) for name, (old, new) in changes.items()},
    )
    return meeting


# --- Reads -------------------------------------------------------------------


@dataclass(frozen=True)
class CdrpAttendance:
    """A group's CDRP meetings in a year: recorded, seat filled, seat empty."""

    meetings: int = 0
    attended: int = 0

    @property
    def missed(self) -> int:
        return self.meetings - self.attended

    @property
    def rate(self) -> Fraction | None:
        """Seat filled ÷ meetings; None with no meeting recorded.

        >>> CdrpAttendance(meetings=8, attended=7).rate_text
        '87.5%'
        """
        return Fraction(self.attended, self.meetings) if self.meetings else None

    @property
    def rate_text(self) -> str:
        return percent_text(self.rate)


def _in_year(year: FinancialYear) -> Q:
    return Q(held_on__gte=year.starts_on, held_on__lte=year.ends_on)


def cdrp_attendance(*, group_ids, year: FinancialYear) -> dict[int, CdrpAttendance]:
    """Per group, its CDRP meetings in the financial year and those where
    its seat was filled. One aggregate query."""
    rows = (
        CdrpMeeting.objects.filter(_in_year(year), group_id__in=list(group_ids))
        .values("group_id")
        .annotate(meetings=Count("id"), attended=Count("id", filter=Q(seat_filled=True)))
    )
    return {row["group_id"]: CdrpAttendance(row["meetings"], row["attended"]) for row in rows}


@dataclass
class CdrpPage:
    borough: Borough
    year: FinancialYear
    show: str
    group: EngagementGroup | None
    groups: list[tuple[EngagementGroup, CdrpAttendance]]
    meetings: list[CdrpMeeting]


def cdrp_page(*, borough: Borough, year: FinancialYear, show: str = "meetings", group_id=None) -> CdrpPage:
    """The borough's CDRP meetings in the year (those ``show`` selects, and
    only those of the group's seat with ``group_id``), with each of its
    groups' attendance counts and rate: each count is the length of the
    list its link shows. Three queries."""
    show = show if show in SHOW else "meetings"
    groups = list(EngagementGroup.objects.filter(borough=borough).order_by("name"))
    counts = cdrp_attendance(group_ids=[g.pk for g in groups], year=year)
    group = next((g for g in groups if g.pk == group_id), None)
    meetings = CdrpMeeting.objects.filter(_in_year(year), SHOW[show], borough=borough)
    if group is not None:
        meetings = meetings.filter(group=group)
    return CdrpPage(
        borough=borough,
        year=year,
        show=show,
        group=group,
        groups=[
            (g, counts.get(g.pk, CdrpAttendance()))
            for g in groups
            if g.pk in counts or g.status != GroupStatus.DISBANDED
        ],
        meetings=list(meetings.prefetch_related("attendees__person").order_by("-held_on", "-id")),
    )


def cdrp_evidence(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[int, list[CdrpMeeting]]:
    """Per group, the CDRP meetings in the period where its seat was filled,
    oldest first: evidence of the "two-way mechanisms" output. One query."""
    found: dict[int, list[CdrpMeeting]] = {}
    for meeting in (
        CdrpMeeting.objects.filter(
            group_id__in=list(group_ids), seat_filled=True, held_on__gte=starts_on, held_on__lte=ends_on
        )
        .select_related("borough")
        .order_by("held_on", "id")
    ):
        found.setdefault(meeting.group_id, []).append(meeting)
    return found


def cdrp_executives(*, borough: Borough, today: dt.date, meeting: CdrpMeeting | None = None):
    """Who may be ticked as attending for the CPEG: the seats on the
    borough's groups' executives held today, and those already ticked on
    the meeting (a member may have left the executive since)."""
    from cpeg.consultations.partnerships import executives_of
    from cpeg.groups.models import ExecutiveMembership

    current = executives_of(borough, today)
    if meeting is None:
        return current
    ids = set(current.values_list("pk", flat=True)) | set(meeting.attendees.values_list("pk", flat=True))
    return (
        ExecutiveMembership.objects.filter(pk__in=ids)
        .select_related("person", "group")
        .order_by("person__full_name", "id")
    )


def cdrp_meeting_get(*, pk: int) -> CdrpMeeting:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(CdrpMeeting.objects.select_related("borough"), pk=pk)
