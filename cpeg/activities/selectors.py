"""Reads for the activity record.

Pages read one group's activities (the view has already checked the person
may see the group); monitoring and reporting read counts for many groups
at once through ``output_counts`` and ``activity_totals``, each ONE
aggregate query whatever the number of groups or activities.

The list and the counts share ``activity_queryset``: a count and the list
it links to (``activities.links.activity_list_url``) apply the same
filters the same way, and neither ever includes a withdrawn activity.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace

from django.db import models
from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from cpeg.accounts.access import get_for_user_or_404, scope_groups, scope_own_groups
from cpeg.activities.choices import PUBLIC_MEETING_TYPES, ActivityType, DocumentType
from cpeg.activities.models import Activity, ActivityDocument, ActivityEvidence, ActivityImportBatch
from cpeg.activities.outputs import OUTPUT_CODES, OutputCatalogue, output_label
from cpeg.core.audit import history_entries
from cpeg.core.fiscal import FinancialYear, financial_year_choices
from cpeg.core.idempotency import made_with_token
from cpeg.groups.models import EngagementGroup


class When(models.TextChoices):
    """Held (on or before today) or planned (after today)."""

    HELD = "held", "Held"
    PLANNED = "planned", "Planned"


# Query-string keys of the list's filters, as links carry them.
QUERY_KEYS = ("year", "type", "output", "from", "to", "when", "withdrawn")
_CODE = re.compile(r"[a-z0-9][a-z0-9_-]{0,49}")


def _parse_date(raw) -> dt.date | None:
    try:
        return dt.date.fromisoformat((raw or "").strip()) if raw else None
    except ValueError:
        return None


@dataclass(frozen=True)
class ActivityFilters:
    """The activity list's filters, all optional: a financial year, a type,
    an SLA output evidenced, a date range (inclusive), held or planned, and
    whether to show withdrawn activities instead of the others.

    The list and the counts (``output_counts``, ``activity_totals``) apply
    them through one function, ``activity_queryset``, so a count and the
    list it links to always agree.
    """

    year: FinancialYear | None = None
    activity_type: str = ""
    output: str = ""
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    when: str = ""
    withdrawn: bool = False

    @classmethod
    def from_querydict(cls, data) -> ActivityFilters:
        """Filters from a query string; a bad value is ignored, never an error."""
        year = None
        raw = (data.get("year") or "").strip()
        if raw:
            try:
                year = FinancialYear.parse(raw)
            except ValueError:
                year = None
        activity_type = data.get("type", "")
        output = (data.get("output") or "").strip().lower()
        starts_on, ends_on = _parse_date(data.get("from")), _parse_date(data.get("to"))
        if starts_on and ends_on and starts_on > ends_on:
            starts_on = ends_on = None
        when = data.get("when", "")
        return cls(
            year=year,
            activity_type=activity_type if activity_type in ActivityType.values else "",
            output=output if _CODE.fullmatch(output) else "",
            starts_on=starts_on,
            ends_on=ends_on,
            when=when if when in When.values else "",
            withdrawn=data.get("withdrawn") == "yes",
        )

    def as_query(self) -> dict:
        """The query-string form (``from_querydict`` reads it back)."""
        query = {}
        if self.year:
            query["year"] = str(self.year.start_year)
        if self.activity_type:
            query["type"] = self.activity_type
        if self.output:
            query["output"] = self.output
        if self.starts_on:
            query["from"] = self.starts_on.isoformat()
        if self.ends_on:
            query["to"] = self.ends_on.isoformat()
        if self.when:
            query["when"] = self.when
        if self.withdrawn:
            query["withdrawn"] = "yes"
        return query

    def tags(self, output_labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """(query key, words) for each filter applied, in query order: the
        list shows each as a tag that removes it."""
        labels = output_labels or {}
        tags = []
        if self.year:
            tags.append(("year", self.year.label))
        if self.activity_type:
            tags.append(("type", ActivityType(self.activity_type).label))
        if self.output:
            tags.append(("output", f"Evidences: {labels.get(self.output, output_label(self.output))}"))
        if self.starts_on:
            tags.append(("from", f"From {_day(self.starts_on)}"))
        if self.ends_on:
            tags.append(("to", f"To {_day(self.ends_on)}"))
        if self.when:
            tags.append(("when", When(self.when).label))
        if self.withdrawn:
            tags.append(("withdrawn", "Withdrawn"))
        return tags

    def title(self, output_labels: dict[str, str] | None = None) -> str:
        """The list's page title for these filters, different for each set:
        "Activities 2025 to 2026: Public meeting", then the other filters."""
        title = "Activities"
        if self.year:
            title += f" {self.year.label}"
        if self.activity_type:
            title += f": {ActivityType(self.activity_type).label}"
        rest = [words for key, words in self.tags(output_labels) if key not in {"year", "type"}]
        if rest:
            title += f" ({', '.join(rest)})"
        return title


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def activity_queryset(*, group_ids, filters: ActivityFilters | None = None, today: dt.date | None = None) -> QuerySet:
    """The groups' activities that ``filters`` select: THE rule for what the
    activity list shows and what every count counts.

    Withdrawn activities are left out (only ``filters.withdrawn`` shows
    them, and then only them). "Held" is on or before ``today``, "planned"
    after it.
    """
    filters = filters or ActivityFilters()
    qs = Activity.objects.filter(group_id__in=list(group_ids), withdrawn_at__isnull=not filters.withdrawn)
    if filters.year:
        qs = qs.filter(held_on__range=(filters.year.starts_on, filters.year.ends_on))
    if filters.starts_on:
        qs = qs.filter(held_on__gte=filters.starts_on)
    if filters.ends_on:
        qs = qs.filter(held_on__lte=filters.ends_on)
    if filters.when:
        today = today or timezone.localdate()
        qs = qs.filter(held_on__lte=today) if filters.when == When.HELD else qs.filter(held_on__gt=today)
    if filters.activity_type:
        qs = qs.filter(activity_type=filters.activity_type)
    if filters.output:
        qs = qs.filter(Exists(ActivityEvidence.objects.filter(activity_id=OuterRef("pk"), output_code=filters.output)))
    return qs


def activity_list_for(
    *, group: EngagementGroup, filters: ActivityFilters | None = None, today: dt.date | None = None
) -> QuerySet:
    """A group's activities, newest first, with venue, evidence and a count of
    documents: a fixed number of queries for any number of rows."""
    return (
        activity_queryset(group_ids=[group.pk], filters=filters, today=today)
        .select_related("venue")
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
        user,
        Activity.objects.select_related("group__borough", "venue", "created_by", "withdrawn_by", "import_batch"),
        perm,
        pk=pk,
    )


def activity_for_form_token(*, group: EngagementGroup, token: str) -> Activity | None:
    """The group's activity recorded by the form with this one-time token."""
    return made_with_token(Activity.objects.filter(group=group), token)


def import_batch_get_for(*, user, pk: int, perm: str = "activities.view_activity") -> ActivityImportBatch:
    """One import batch the user may act on with ``perm``; 404 otherwise."""
    return get_for_user_or_404(user, ActivityImportBatch.objects.select_related("group__borough"), perm, pk=pk)


def import_batch_live_count(*, batch: ActivityImportBatch) -> int:
    """How many of the batch's activities are still recorded (not withdrawn)."""
    return batch.activities.filter(withdrawn_at__isnull=True).count()


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
    # A local output's wording comes from the group's SLA for the year
    # (one query, only when the activity evidences one).
    labels = OutputCatalogue(activity.group).labels(activity.held_on) if set(codes) - OUTPUT_CODES else {}
    return ActivityPage(
        activity=activity,
        outputs=[(code, labels.get(code) or output_label(code)) for code in codes],
        documents=list(activity.documents.select_related("created_by").order_by("document_type", "original_name")),
        history=activity_history(activity=activity),
    )


def importable_groups(*, user) -> QuerySet:
    """Groups whose activities the user may import: every group for
    officers, otherwise the groups they administer or sit on."""
    return scope_own_groups(user, EngagementGroup.objects.select_related("borough").order_by("borough__name", "name"))


def _counting_filters(filters, starts_on, ends_on, held_by) -> tuple[ActivityFilters, dt.date | None]:
    """The filters a count applies: ``filters`` narrowed to the dates, and
    to what was held by ``held_by``; withdrawn activities never count."""
    filters = replace(filters or ActivityFilters(), withdrawn=False)
    if starts_on is not None:
        filters = replace(filters, starts_on=max(starts_on, filters.starts_on or starts_on))
    if ends_on is not None:
        filters = replace(filters, ends_on=min(ends_on, filters.ends_on or ends_on))
    if held_by is not None:
        filters = replace(filters, when=When.HELD)
    return filters, held_by


def output_counts(
    *,
    group_ids,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    held_by: dt.date | None = None,
    filters: ActivityFilters | None = None,
) -> dict[tuple[int, str], int]:
    """How many activities of each group between two dates (inclusive)
    evidence each SLA output code, in one aggregate query.

    Counts exactly what the activity list shows for the same filters
    (``activity_queryset``): never a withdrawn activity. Pass ``held_by``
    (usually today) to count only activities held on or before it, as
    delivery must be; without it a planned meeting dated inside the range
    counts too.

    Keys are ``(group_id, output_code)``; a pair with no activities is
    absent from the query result and reads as 0 (the dict is a
    ``defaultdict(int)``).
    """
    filters, today = _counting_filters(filters, starts_on, ends_on, held_by)
    rows = (
        activity_queryset(group_ids=group_ids, filters=filters, today=today)
        .filter(evidence__isnull=False)
        .values_list("group_id", "evidence__output_code")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    )
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for group_id, code, n in rows:
        counts[(group_id, code)] = n
    return counts


# Django's enum .values and .choices are rebuilt on every access: read them
# once (a 2,000-group summary made 11,000 totals, 0.6 s of building lists).
_TYPE_VALUES = tuple(ActivityType.values)
_TYPE_CHOICES = tuple(ActivityType.choices)


@dataclass
class ActivityTotals:
    """A group's activities between two dates: how many of each type, and
    the members of the public who attended them."""

    group_id: int
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_TYPE_VALUES, 0))
    public_attendance: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    def count(self, activity_type: str) -> int:
        return self.by_type.get(activity_type, 0)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(type value, type label, count) for every type, in choice order."""
        return [(value, label, self.by_type[value]) for value, label in _TYPE_CHOICES]


def activity_totals(
    *,
    group_ids,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    held_by: dt.date | None = None,
    filters: ActivityFilters | None = None,
) -> dict[int, ActivityTotals]:
    """Per group: activities by type and total public attendance between two
    dates (inclusive), in one aggregate query. Every requested group has an
    entry, with zeros if it recorded nothing.

    Counts exactly what the activity list shows for the same filters
    (``activity_queryset``), never a withdrawn activity; ``held_by`` as for
    ``output_counts``.
    """
    ids = list(group_ids)
    totals = {group_id: ActivityTotals(group_id=group_id) for group_id in ids}
    filters, today = _counting_filters(filters, starts_on, ends_on, held_by)
    rows = (
        activity_queryset(group_ids=ids, filters=filters, today=today)
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
            group=group,
            is_public=True,
            held_on__gte=today,
            activity_type__in=sorted(PUBLIC_MEETING_TYPES),
            withdrawn_at__isnull=True,
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


def public_meetings_queryset(*, groups, starts_on: dt.date) -> QuerySet:
    """Public meetings and events from ``starts_on`` on, of ``groups`` (the
    public may see: published, not disbanded), soonest first: the calendar
    page and the iCalendar feeds. Marked public, not withdrawn."""
    return (
        Activity.objects.filter(
            group__in=groups,
            is_public=True,
            held_on__gte=starts_on,
            activity_type__in=sorted(PUBLIC_MEETING_TYPES),
            withdrawn_at__isnull=True,
        )
        .select_related("venue", "group", "group__borough")
        .order_by("held_on", "starts_at", "group__borough__name", "id")
    )


# Documents a group publishes by marking their activity public.
PUBLISHED_DOCUMENT_TYPES = (DocumentType.NEWSLETTER, DocumentType.ANNUAL_REPORT)


def public_documents(*, group) -> QuerySet:
    """The newsletters and annual reports the public may download from the
    group's page: attached to an activity shown on the public page and not
    withdrawn; newest first."""
    return (
        ActivityDocument.objects.filter(
            activity__group=group,
            activity__is_public=True,
            activity__withdrawn_at__isnull=True,
            document_type__in=PUBLISHED_DOCUMENT_TYPES,
        )
        .select_related("activity")
        .order_by("-activity__held_on", "document_type", "original_name", "id")
    )


def public_document_get(*, group, pk) -> ActivityDocument:
    """One of ``public_documents``; 404 for anything else."""
    document = public_documents(group=group).filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


# --- London-wide summary -------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One group's line in the London-wide summary."""

    group: EngagementGroup
    totals: ActivityTotals
    year: FinancialYear

    @property
    def cells(self) -> list[tuple[str, int, str]]:
        """(type label, count, link to exactly those activities) per type."""
        from cpeg.activities.links import activity_list_url

        return [
            (label, count, activity_list_url(self.group.pk, year=self.year, activity_type=value, when="held"))
            for value, label, count in self.totals.rows
        ]

    @property
    def all_url(self) -> str:
        from cpeg.activities.links import activity_list_url

        return activity_list_url(self.group.pk, year=self.year, when="held")


@dataclass(frozen=True)
class ActivitySummary:
    """Activities held by every group the user may read, in one financial
    year: counts by type and public attendance, per group and in total.
    ``to_date`` is true for a year not yet over (counts stop at today)."""

    year: FinancialYear
    to_date: bool
    rows: list[SummaryRow]

    def total(self, activity_type: str) -> int:
        return sum(row.totals.count(activity_type) for row in self.rows)

    @property
    def totals_by_type(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.total(value)) for value, label in ActivityType.choices]

    @property
    def public_attendance(self) -> int:
        return sum(row.totals.public_attendance for row in self.rows)

    @property
    def grand_total(self) -> int:
        return sum(row.totals.total for row in self.rows)


def activity_summary(*, user, year: FinancialYear, today: dt.date) -> ActivitySummary:
    """The London-wide activity summary for ``year`` as ``user`` may see it
    (officers: every group, including groups without an award; link members:
    their boroughs'). Only activities held by ``today`` count. Two queries."""
    groups = list(
        scope_groups(user, EngagementGroup.objects.select_related("borough")).order_by("borough__name", "name")
    )
    totals = activity_totals(
        group_ids=[g.pk for g in groups], starts_on=year.starts_on, ends_on=year.ends_on, held_by=today
    )
    return ActivitySummary(
        year=year,
        to_date=year.ends_on >= today,
        rows=[SummaryRow(group=g, totals=totals[g.pk], year=year) for g in groups],
    )
