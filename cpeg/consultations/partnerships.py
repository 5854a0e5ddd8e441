"""Local partnership structures: Safer Neighbourhood ward panels with their
clusters and the CPEG executive members who chair or attend them, and the
authority-wide chairs' forum (LCP2) with its meetings, the groups that
attended and the minutes.

The CDRP itself (the group's seat, Face the People sessions, views fed into
the strategic assessment) is recorded as ``TwoWayMechanism`` in
``consultations.programmes``; nothing here repeats it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet

from cpeg.accounts.access import require_perm, scope_groups
from cpeg.consultations.models import ChairsForumMeeting, WardPanel
from cpeg.core.audit import apply_changes, audit_record, changes_summary
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.files import check_document
from cpeg.core.fiscal import FinancialYear
from cpeg.core.idempotency import made_with_token
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import Borough, EngagementGroup, ExecutiveMembership

PANEL_FIELDS = ("ward", "cluster", "chair")
MEETING_FIELDS = ("held_on", "title", "notes")


def executives_of(borough: Borough, day: dt.date) -> QuerySet:
    """The seats on the executives of the borough's groups held on ``day``:
    who may chair or attend one of its ward panels."""
    return (
        ExecutiveMembership.objects.filter(group__borough=borough, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person", "group")
        .order_by("person__full_name", "id")
    )


def panel_rule_errors(*, borough: Borough, values: dict, panel: WardPanel | None = None) -> dict[str, str]:
    """Every broken rule for a ward panel, as {field: message}."""
    errors = {}
    ward = (values.get("ward") or "").strip()
    if not ward:
        errors["ward"] = "Enter the ward"
    else:
        clash = WardPanel.objects.filter(borough=borough, ward__iexact=ward)
        if panel is not None:
            clash = clash.exclude(pk=panel.pk)
        if clash.exists():
            errors["ward"] = f"{borough.name} already has a panel for {ward}"
    seats = [values.get("chair"), *(values.get("attendees") or [])]
    if any(seat is not None and seat.group.borough_id != borough.pk for seat in seats):
        errors["attendees"] = "Select executive members of a group in this borough"
    return errors


@transaction.atomic
def panel_save(*, borough: Borough, actor, data: dict, panel: WardPanel | None = None, loaded_version=None):
    """Record a ward panel in the borough, or change one: its ward, cluster,
    and the CPEG executive members who chair and attend it."""
    require_perm(actor, "consultations.change_wardpanel", borough)
    if panel is not None:
        panel = lock_and_check_version(WardPanel, panel.pk, loaded_version)
    errors = panel_rule_errors(borough=borough, values=data, panel=panel)
    if errors:
        raise ValidationError(errors)
    values = {"ward": data["ward"].strip(), "cluster": (data.get("cluster") or "").strip(), "chair": data.get("chair")}
    attendees = sorted({seat.pk for seat in data.get("attendees") or []})
    if panel is None:
        panel = WardPanel(borough=borough, created_by=actor, updated_by=actor, **values)
        panel.full_clean()
        panel.save()
        panel.attendees.set(attendees)
        summary = f"Recorded the {panel.ward} ward panel"
        changes = {}
    else:
        before = sorted(panel.attendees.values_list("pk", flat=True))
        changes = apply_changes(panel, values, PANEL_FIELDS)
        if before != attendees:
            panel.attendees.set(attendees)
            changes["attendees"] = (before, attendees)
        if not changes:
            return panel
        save_new_version(panel, actor=actor)
        extra = ["the executive members who attend"] if "attendees" in changes else []
        names = [name for name in changes if name != "attendees"]
        summary = changes_summary(WardPanel, names, extra=extra, of=f"the {panel.ward} ward panel")
    audit_record(
        actor=actor,
        event_type=AuditEventType.WARD_PANEL_SAVED,
        target=panel,
        summary=summary,
        changes={name: (str(old), str(new)) for name, (old, new) in changes.items()},
    )
    return panel


def meeting_rule_errors(values: dict) -> dict[str, str]:
    errors = {}
    if not isinstance(values.get("held_on"), dt.date):
        errors["held_on"] = "Enter the date of the meeting"
    if not (values.get("title") or "").strip():
        errors["title"] = "Enter the title of the meeting"
    return errors


@transaction.atomic
def meeting_save(
    *,
    actor,
    data: dict,
    groups,
    minutes=None,
    meeting: ChairsForumMeeting | None = None,
    loaded_version=None,
    form_token: str = "",
) -> ChairsForumMeeting:
    """An officer records a chairs' forum meeting (or changes one): date,
    title, main items, the groups represented and the minutes. The same
    form sent twice records one meeting (``form_token``)."""
    require_perm(actor, "consultations.manage_chairsforum")
    if meeting is None:
        existing = made_with_token(ChairsForumMeeting.objects.all(), form_token)
        if existing is not None:
            return existing
    else:
        meeting = lock_and_check_version(ChairsForumMeeting, meeting.pk, loaded_version)
    errors = meeting_rule_errors(data)
    if minutes is not None:
        try:
            check_document(minutes)
        except ValidationError as error:
            errors["minutes"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    values = {"held_on": data["held_on"], "title": data["title"].strip(), "notes": (data.get("notes") or "").strip()}
    group_ids = sorted({g.pk for g in groups})
    creating = meeting is None
    if creating:
        meeting = ChairsForumMeeting(created_by=actor, updated_by=actor, form_token=form_token or "", **values)
        changes = {}
    else:
        changes = apply_changes(meeting, values, MEETING_FIELDS)
        before = sorted(meeting.groups_attended.values_list("pk", flat=True))
        if before != group_ids:
            changes["groups_attended"] = (before, group_ids)
    if minutes is not None:
        attach_minutes(meeting, minutes, changes)
    if creating:
        meeting.full_clean()
        meeting.save()
    elif changes:
        save_new_version(meeting, actor=actor)
    else:
        return meeting
    meeting.groups_attended.set(group_ids)
    audit_record(
        actor=actor,
        event_type=AuditEventType.CHAIRS_FORUM_MEETING_SAVED,
        target=meeting,
        summary=(
            f"Recorded the chairs' forum meeting {meeting.title}, {len(group_ids)} groups represented"
            if creating
            else changes_summary(
                ChairsForumMeeting,
                [n for n in changes if n in MEETING_FIELDS or n == "minutes"],
                extra=["the groups represented"] if "groups_attended" in changes else [],
                of=meeting.title,
            )
        ),
        changes={name: (str(old), str(new)) for name, (old, new) in changes.items()},
    )
    return meeting


# --- Reads -------------------------------------------------------------------


@dataclass(frozen=True)
class LinkMember:
    name: str
    email: str


@dataclass
class BoroughPartnerships:
    borough: Borough
    groups: list[EngagementGroup]
    link_members: list[LinkMember]
    clusters: list[tuple[str, list[WardPanel]]]
    panels: int
    chaired: int
    attended: int


def borough_partnerships(*, borough: Borough) -> BoroughPartnerships:
    """The borough's ward panels by cluster, with the CPEG executive members
    who chair and attend them, and the counts: panels, panels a CPEG
    executive member chairs, panels at least one attends; and the
    authority's link members for the borough (active accounts holding the
    role for it). Five queries."""
    panels = list(
        WardPanel.objects.filter(borough=borough)
        .select_related("chair__person")
        .prefetch_related("attendees__person")
        .annotate(n_attending=Count("attendees"))
        .order_by("cluster", "ward")
    )
    clusters: dict[str, list[WardPanel]] = defaultdict(list)
    for panel in panels:
        clusters[panel.cluster or "No cluster"].append(panel)
    groups = list(
        EngagementGroup.objects.filter(borough=borough).exclude(status=GroupStatus.DISBANDED).order_by("name")
    )
    return BoroughPartnerships(
        borough=borough,
        groups=groups,
        link_members=link_members_of(borough),
        clusters=sorted(clusters.items(), key=lambda item: (item[0] == "No cluster", item[0])),
        panels=len(panels),
        chaired=sum(1 for p in panels if p.chair_id),
        attended=sum(1 for p in panels if p.chair_id or p.n_attending),
    )


def link_members_of(borough: Borough) -> list[LinkMember]:
    """The authority's link members for the borough, by name. One query."""
    from cpeg.accounts.models import RoleAssignment
    from cpeg.accounts.roles import Role

    seen, found = set(), []
    for assignment in (
        RoleAssignment.objects.filter(role=Role.LINK_MEMBER, borough=borough, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username")
    ):
        user = assignment.user
        if user.pk not in seen:
            seen.add(user.pk)
            found.append(LinkMember(name=user.get_full_name() or user.username, email=user.email))
    return found


def panel_get(*, pk: int) -> WardPanel:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(WardPanel.objects.select_related("borough"), pk=pk)


@dataclass
class ForumPage:
    year: FinancialYear
    meetings: list[ChairsForumMeeting]
    attendance: list[tuple[EngagementGroup, int]]
    group: EngagementGroup | None


def forum_page(*, user, year: FinancialYear, group_id: int | None = None) -> ForumPage:
    """The year's chairs' forum meetings (those a group attended, with
    ``group_id``), and for each group the user may read the number of the
    year's meetings it attended: each number is the length of the list its
    link shows. Four queries."""
    in_year = Q(held_on__gte=year.starts_on, held_on__lte=year.ends_on)
    groups = list(scope_groups(user, EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED)).order_by("name"))
    readable = {g.pk: g for g in groups}
    counts = dict(
        ChairsForumMeeting.groups_attended.through.objects.filter(
            engagementgroup_id__in=list(readable), chairsforummeeting__in=ChairsForumMeeting.objects.filter(in_year)
        )
        .values("engagementgroup_id")
        .annotate(n=Count("chairsforummeeting_id"))
        .values_list("engagementgroup_id", "n")
    )
    meetings = ChairsForumMeeting.objects.filter(in_year)
    group = readable.get(group_id) if group_id else None
    if group is not None:
        meetings = meetings.filter(groups_attended=group)
    return ForumPage(
        year=year,
        meetings=list(meetings.prefetch_related("groups_attended").order_by("-held_on", "-id")),
        attendance=[(g, counts.get(g.pk, 0)) for g in groups],
        group=group,
    )


def meeting_get(*, pk: int) -> ChairsForumMeeting:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(ChairsForumMeeting, pk=pk)


def attach_minutes(meeting, minutes, changes: dict) -> None:
    """Put a checked minutes document on a meeting (a chairs' forum or CDRP
    meeting), replacing the one it had, and note it among the changes."""
    if meeting.minutes:
        meeting.minutes.delete(save=False)
    meeting.minutes.save(minutes.name, minutes, save=False)
    meeting.minutes_name = minutes.name[:255]
    changes["minutes"] = ("", minutes.name)
