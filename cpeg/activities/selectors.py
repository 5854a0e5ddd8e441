"""Reads for the activity record.

Pages read one group's activities (the view has already checked the person
may see the group); monitoring and reporting read counts for many groups
at once through ``output_counts`` and ``activity_totals``, each ONE
aggregate query whatever the number of groups or activities.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from cpeg.accounts.access import get_for_user_or_404, scope_own_groups
from cpeg.activities.choices import PUBLIC_MEETING_TYPES, ActivityType
from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence
from cpeg.activities.outputs import output_label
from cpeg.core.audit import history_entries
from cpeg.core.fiscal import FinancialYear, financial_year_choices
from cpeg.groups.models import EngagementGroup


@dataclass
class ActivityFilters:
    """The activity list's filters: a financial year and a type (both optional)."""

    year: FinancialYear | None = None
    activity_type: str = ""

    @classmethod
    def from_querydict(cls, data) -> ActivityFilters:
        year = None
        raw = (data.get("year") or "").strip()
        if raw:
            try:
                year = FinancialYear.parse(raw)
            except ValueError:
                year = None
        activity_type = data.get("type", "")
        return cls(year=year, activity_type=activity_type if activity_type in ActivityType.values else "")

    def as_query(self) -> dict:
        query = {}
        if self.year:
            query["year"] = str(self.year.start_year)
        if self.activity_type:
            query["type"] = self.activity_type
        return query


def activity_list_for(*, group: EngagementGroup, filters: ActivityFilters | None = None) -> QuerySet:
    """A group's activities, newest first, with venue, evidence and a count of
    documents: a fixed number of queries for any number of rows."""
    filters = filters or ActivityFilters()
    qs = Activity.objects.filter(group=group)
    if filters.year:
        qs = qs.filter(held_on__range=(filters.year.starts_on, filters.year.ends_on))
    if filters.activity_type:
        qs = qs.filter(activity_type=filters.activity_type)
    return (
        qs.select_related("venue")
        .prefetch_related("evidence")
        .annotate(document_count=Count("documents"))
        .order_by("-held_on", "-starts_at", "-id")
    )


def year_options(*, group: EngagementGroup, today: dt.date | None = None) -> list[tuple[int, str]]:
    """Financial years to filter by: from the group's first (at most ten
    back) to next year, newest first."""
    current = FinancialYear.current(today or timezone.localdate())
    first = FinancialYear.containing(group.established_on) if group.established_on else current.previous()
    before = max(0, min(10, current.start_year - first.start_year))
    return financial_year_choices(around=current, before=before, after=1)


def activity_get_for(*, user, pk: int, perm: str = "activities.view_activity") -> Activity:
    """One activity the user may act on with ``perm``; 404 otherwise."""
    return get_for_user_or_404(
        user, Activity.objects.select_related("group__borough", "venue", "created_by"), perm, pk=pk
    )


def document_get_for(*, user, activity: Activity, pk: int, perm: str = "activities.view_activity") -> ActivityDocument:
    """One document of ``activity``, if the user may act on the activity with
    ``perm``; 404 otherwise."""
    if not user.has_perm(perm, activity):
        raise Http404
    try:
        return ActivityDocument.objects.select_related("activity").get(activity=activity, pk=pk)
    except ActivityDocument.DoesNotExist as exc:
        raise Http404 from exc


@dataclass
class ActivityPage:
    activity: Activity
    outputs: list[tuple[str, str]]
    documents: list[ActivityDocument]
    history: list = field(default_factory=list)


_EVIDENCE_ACTIONS = {"Created": "Added", "Deleted": "Removed"}


def activity_history(*, activity: Activity, limit: int = 50) -> list:
    """The activity's changes, newest first: its own fields, its documents
    and the SLA outputs it evidences (added or removed).

    One query per kind of record whatever the number of changes: history
    rows come with their user, and nothing shown (the records' ``__str__``)
    follows a relation.
    """
    entries = history_entries(
        ("", Activity.history.filter(id=activity.pk)),
        ("Document", ActivityDocument.history.filter(activity_id=activity.pk)),
        limit=limit,
    )
    evidence = history_entries(
        ("Output evidenced", ActivityEvidence.history.filter(activity_id=activity.pk)), limit=limit
    )
    for entry in evidence:
        entry.action = _EVIDENCE_ACTIONS.get(entry.action, entry.action)
    return sorted(entries + evidence, key=lambda entry: entry.when, reverse=True)[:limit]


def activity_page(*, activity: Activity) -> ActivityPage:
    """What an activity's page shows: outputs evidenced, documents, changes."""
    codes = sorted(activity.evidence.values_list("output_code", flat=True))
    return ActivityPage(
        activity=activity,
        outputs=[(code, output_label(code)) for code in codes],
        documents=list(activity.documents.select_related("created_by").order_by("document_type", "original_name")),
        history=activity_history(activity=activity),
    )


def importable_groups(*, user) -> QuerySet:
    """Groups whose activities the user may import: every group for
    officers, otherwise the groups they administer or sit on."""
    return scope_own_groups(user, EngagementGroup.objects.select_related("borough").order_by("borough__name", "name"))


def output_counts(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[tuple[int, str], int]:
    """How many activities each group held between two dates (inclusive)
    that evidence each SLA output code, in one aggregate query.

    Keys are ``(group_id, output_code)``; a pair with no activities is
    absent from the query result and reads as 0 (the dict is a
    ``defaultdict(int)``). Activities are counted by date alone, so a
    planned meeting dated inside the range counts too: pass
    ``ends_on=today`` to count only what has happened.
    """
    rows = (
        ActivityEvidence.objects.filter(
            activity__group_id__in=list(group_ids), activity__held_on__range=(starts_on, ends_on)
        )
        .values_list("activity__group_id", "output_code")
        .annotate(n=Count("activity_id", distinct=True))
        .order_by()
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for group_id, code, n in rows:
        counts[(group_id, code)] = n
    return counts


@dataclass
class ActivityTotals:
    """A group's activities between two dates: how many of each type, and
    the members of the public who attended them."""

    group_id: int
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ActivityType.values, 0))
    public_attendance: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    def count(self, activity_type: str) -> int:
        return self.by_type.get(activity_type, 0)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(type value, type label, count) for every type, in choice order."""
        return [(value, label, self.by_type[value]) for value, label in ActivityType.choices]


def activity_totals(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[int, ActivityTotals]:
    """Per group: activities by type and total public attendance between two
    dates (inclusive), in one aggregate query. Every requested group has an
    entry, with zeros if it recorded nothing."""
    ids = list(group_ids)
    totals = {group_id: ActivityTotals(group_id=group_id) for group_id in ids}
    rows = (
        Activity.objects.filter(group_id__in=ids, held_on__range=(starts_on, ends_on))
        .values_list("group_id", "activity_type")
        .annotate(n=Count("id"), people=Sum("public_attendance"))
        .order_by()
    )
    for group_id, activity_type, n, people in rows:
        entry = totals.setdefault(group_id, ActivityTotals(group_id=group_id))
        entry.by_type[activity_type] = n
        entry.public_attendance += people or 0
    return totals


def upcoming_public_meetings(*, group, today: dt.date, limit: int = 5) -> list[dict]:
    """The group's next public meetings and events, for its public page:
    marked public, dated today or later. Dicts of date, title, venue, time."""
    meetings = (
        Activity.objects.filter(
            group=group, is_public=True, held_on__gte=today, activity_type__in=sorted(PUBLIC_MEETING_TYPES)
        )
        .select_related("venue")
        .order_by("held_on", "starts_at", "id")[:limit]
    )
    return [
        {
            "date": m.held_on,
            "title": m.title,
            "venue": m.venue.name if m.venue_id else m.venue_text,
            "time": m.starts_at,
        }
        for m in meetings
    ]
