"""Reads for the standard SLA template and each group's SLA.

Other apps call three of these: ``template_for_year``, ``current_sla_for``
and ``sla_targets_for_groups`` (quarterly monitoring compares delivery with
each group's signed targets). Page reads are scoped to the user through
``accounts.access`` and run a fixed number of queries whatever the number of
groups, outputs or versions.

Writes: ``agreements.services``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FilteredRelation, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from cpeg.accounts.access import get_for_user_or_404
from cpeg.agreements.choices import FROZEN_SLA_STATUSES, SlaStatus
from cpeg.agreements.models import GroupSla, GroupSlaOutput, SlaHeading, SlaTemplate, SlaTemplateOutput
from cpeg.core.audit import history_entries
from cpeg.core.fiscal import FinancialYear
from cpeg.groups.choices import ExecutiveRole, GroupStatus
from cpeg.groups.models import EngagementGroup, ExecutiveMembership

# --- For other apps ------------------------------------------------------------


@dataclass(frozen=True)
class OutputTarget:
    """One output a group is to deliver in a year, as monitoring needs it."""

    code: str
    output: str
    heading_title: str
    measure: str
    annual_target: int | None
    position: int
    is_variation: bool
    variation_reason: str
    from_template: bool = False
    # Judged against the whole target from this quarter (None: pro rata).
    due_quarter: int | None = None


def template_for_year(financial_year: int) -> SlaTemplate | None:
    """The standard SLA for a financial year (by start year), or None."""
    return SlaTemplate.objects.filter(financial_year=financial_year).first()


def _ordered_outputs():
    return GroupSlaOutput.objects.order_by("position", "pk")


def current_sla_for(*, group, financial_year: int) -> GroupSla | None:
    """The group's current (not superseded) SLA for the year, whatever its
    status, with its outputs (removed ones included) prefetched in order."""
    group_id = group.pk if hasattr(group, "pk") else group
    return (
        GroupSla.objects.filter(group_id=group_id, financial_year=financial_year, superseded_at__isnull=True)
        .select_related("group__borough", "template")
        .prefetch_related(Prefetch("outputs", queryset=_ordered_outputs()))
        .first()
    )


def _template_targets(financial_year: int, measure: str | None = None) -> list[OutputTarget]:
    outputs = (
        SlaTemplateOutput.objects.filter(template__financial_year=financial_year, removed_at__isnull=True)
        .select_related("heading")
        # Outputs with no heading come first, as in the source SLA (NULLs
        # sort first on SQLite but last on PostgreSQL unless told).
        .order_by(F("heading__position").asc(nulls_first=True), "position")
    )
    targets = []
    # Positions as a group's SLA would number them: template order.
    for index, output in enumerate(outputs, start=1):
        if measure is not None and output.measure != measure:
            continue
        targets.append(
            OutputTarget(
                code=output.code,
                output=output.output,
                heading_title=output.heading.title if output.heading else "",
                measure=output.measure,
                annual_target=output.annual_target,
                position=index * 10,
                is_variation=False,
                variation_reason="",
                from_template=True,
                due_quarter=output.due_quarter,
            )
        )
    return targets


def sla_targets_for_groups(
    *, group_ids, financial_year: int, measure: str | None = None
) -> dict[int, list[OutputTarget]]:
    """Each group's outputs and targets for the year, in one or two queries.

    Monitoring judges a group only against targets it has signed up to, so
    each group gets the outputs (locally removed ones left out) of:

    1. its latest signed version for the year (countersigned, or signed by
       the group and awaiting countersignature), even if an officer has
       since varied it into a new draft the group has not signed yet;
    2. otherwise its current draft (nothing signed yet this year);
    3. otherwise the year's standard SLA, marked ``from_template=True``
       (the second query, only when some group has no SLA).

    ``measure`` keeps only outputs measured that way (the dashboard reads
    only counted ones). A year with no template gives an empty list for
    groups without an SLA.
    """
    ids = list(dict.fromkeys(int(i) for i in group_ids))
    result: dict[int, list[OutputTarget]] = {gid: [] for gid in ids}
    wanted = Q(outputs__is_removed=False)
    if measure is not None:
        wanted &= Q(outputs__measure=measure)
    # Every signed version and the current one, whatever its status, each
    # joined to its wanted outputs (an outer join: an SLA with none still
    # gives a row, so it is not mistaken for a missing SLA).
    rows = (
        GroupSla.objects.filter(group_id__in=ids, financial_year=financial_year)
        .filter(Q(status__in=FROZEN_SLA_STATUSES) | Q(superseded_at__isnull=True))
        .annotate(wanted=FilteredRelation("outputs", condition=wanted))
        .order_by("group_id", "pk", "wanted__position", "wanted__pk")
        .values_list(
            "group_id",
            "pk",
            "status",
            "version_number",
            "wanted__code",
            "wanted__output",
            "wanted__heading_title",
            "wanted__measure",
            "wanted__annual_target",
            "wanted__position",
            "wanted__variation",
            "wanted__variation_reason",
            "wanted__due_quarter",
        )
    )
    # group id -> (rank, version number, sla id): a signed version outranks
    # the draft; among signed versions the latest wins.
    chosen: dict[int, tuple[int, int, int]] = {}
    by_sla: dict[int, list[tuple]] = defaultdict(list)
    for gid, sla_id, status, number, *output in rows:
        key = (1 if status in FROZEN_SLA_STATUSES else 0, number, sla_id)
        if gid not in chosen or key > chosen[gid]:
            chosen[gid] = key
        if output[0] is not None:
            by_sla[sla_id].append(output)
    for gid, (_rank, _number, sla_id) in chosen.items():
        result[gid] = [
            OutputTarget(
                code=code,
                output=output,
                heading_title=heading,
                measure=kind,
                annual_target=target,
                position=position,
                is_variation=bool(variation),
                variation_reason=reason,
                due_quarter=due_quarter,
            )
            for code, output, heading, kind, target, position, variation, reason, due_quarter in by_sla[sla_id]
        ]
    missing = [gid for gid in ids if gid not in chosen]
    if missing:
        standard = _template_targets(financial_year, measure)
        for gid in missing:
            result[gid] = list(standard)
    return result


def signing_membership_for(*, user, group, today: dt.date) -> ExecutiveMembership | None:
    """The user's current seat on the group's executive that lets them sign
    the group's SLA (the chair, or a member authorised to sign), or None.

    The user is linked to the executive through ``User.person``; the chair's
    seat is preferred when the person holds more than one.
    """
    person_id = getattr(user, "person_id", None)
    group_id = group.pk if hasattr(group, "pk") else group
    if person_id is None or group_id is None:
        return None
    seats = (
        ExecutiveMembership.objects.filter(group_id=group_id, person_id=person_id, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("person")
        .order_by("-starts_on", "pk")
    )
    able = [seat for seat in seats if seat.may_sign_sla]
    able.sort(key=lambda seat: seat.role != ExecutiveRole.CHAIR)
    return able[0] if able else None


# --- The template pages ----------------------------------------------------------


@dataclass
class TemplateSection:
    heading: SlaHeading | None
    outputs: list[SlaTemplateOutput] = field(default_factory=list)


@dataclass
class TemplatePage:
    template: SlaTemplate
    sections: list[TemplateSection]
    removed: list[SlaTemplateOutput]
    output_count: int
    group_sla_count: int


def template_list() -> list[SlaTemplate]:
    """Every year's standard SLA, newest first, with counts for the list page."""
    return list(
        SlaTemplate.objects.annotate(
            output_count=Count("outputs", filter=Q(outputs__removed_at__isnull=True), distinct=True),
            group_sla_count=Count("group_slas", filter=Q(group_slas__superseded_at__isnull=True), distinct=True),
        ).order_by("-financial_year")
    )


def template_years() -> list[int]:
    """The financial years (start years) that have a standard SLA, newest
    first: without template_list's counts, which join every group's SLA."""
    return list(SlaTemplate.objects.order_by("-financial_year").values_list("financial_year", flat=True))


def template_get(*, financial_year: int) -> SlaTemplate:
    """One year's template, or 404."""
    return get_object_or_404(SlaTemplate, financial_year=financial_year)


def template_page(*, template: SlaTemplate) -> TemplatePage:
    """The template's outputs under their headings (those with no heading first)."""
    headings = list(template.headings.order_by("position"))
    outputs = list(template.outputs.order_by("position", "pk"))
    sections = [TemplateSection(heading=None)] + [TemplateSection(heading=h) for h in headings]
    by_heading = {s.heading.pk if s.heading else None: s for s in sections}
    removed = []
    for output in outputs:
        if output.removed_at is not None:
            removed.append(output)
        else:
            by_heading[output.heading_id].outputs.append(output)
    return TemplatePage(
        template=template,
        sections=[s for s in sections if s.outputs or s.heading is not None],
        removed=removed,
        output_count=len(outputs) - len(removed),
        group_sla_count=template.group_slas.filter(superseded_at__isnull=True).count(),
    )


def template_history(*, template: SlaTemplate):
    """Every change to a template's headings and outputs."""
    return history_entries(
        ("Template", SlaTemplate.history.filter(id=template.pk)),
        ("Heading", SlaHeading.history.filter(template_id=template.pk)),
        ("Output", SlaTemplateOutput.history.filter(template_id=template.pk)),
    )


def template_output_get(*, template: SlaTemplate, pk: int) -> SlaTemplateOutput:
    return get_object_or_404(SlaTemplateOutput.objects.select_related("template"), template=template, pk=pk)


# --- A group's SLA page ------------------------------------------------------------


def group_for_sla(*, user, pk: int, perm: str = "agreements.view_groupsla") -> EngagementGroup:
    """The group whose SLA the user asks for; 404 if missing or not theirs."""
    return get_for_user_or_404(user, EngagementGroup.objects.select_related("borough"), perm, pk=pk)


def year_from(value, *, default: FinancialYear | None = None) -> FinancialYear:
    """The financial year in a ``?year=`` parameter ("2025" or "2025/26")."""
    fallback = default or FinancialYear.current()
    if not value:
        return fallback
    try:
        year = FinancialYear.parse(value)
    except ValueError:
        return fallback
    return year if 2000 <= year.start_year <= 2100 else fallback


@dataclass
class SlaSection:
    heading_title: str
    outputs: list[GroupSlaOutput]


@dataclass
class GroupSlaPage:
    group: EngagementGroup
    year: FinancialYear
    sla: GroupSla | None
    sections: list[SlaSection]
    removed: list[GroupSlaOutput]
    variations: list[GroupSlaOutput]
    versions: list[GroupSla]
    template: SlaTemplate | None
    years: list[FinancialYear]


def _sections(outputs) -> tuple[list[SlaSection], list[GroupSlaOutput]]:
    sections: list[SlaSection] = []
    removed = []
    for output in outputs:
        if output.is_removed:
            removed.append(output)
            continue
        if not sections or sections[-1].heading_title != output.heading_title:
            sections.append(SlaSection(heading_title=output.heading_title, outputs=[]))
        sections[-1].outputs.append(output)
    return sections, removed


def group_sla_page(*, group: EngagementGroup, year: FinancialYear, version_number: int | None = None) -> GroupSlaPage:
    """A group's SLA for a year (the current version, or the one asked for),
    every version of it, and the years the switcher offers. Five queries."""
    versions = list(
        GroupSla.objects.filter(group=group, financial_year=year.start_year)
        .select_related("group_signed_by", "countersigned_by")
        .order_by("-version_number")
    )
    if version_number is None:
        sla = next((v for v in versions if v.superseded_at is None), None)
    else:
        sla = next((v for v in versions if v.version_number == version_number), None)
    outputs = list(_ordered_outputs().filter(sla=sla)) if sla else []
    sections, removed = _sections(outputs)
    template = (
        sla.template if sla and sla.template_id else SlaTemplate.objects.filter(financial_year=year.start_year).first()
    )
    known = set(SlaTemplate.objects.values_list("financial_year", flat=True))
    known |= set(GroupSla.objects.filter(group=group).order_by().values_list("financial_year", flat=True).distinct())
    known |= {year.start_year, FinancialYear.current().start_year}
    return GroupSlaPage(
        group=group,
        year=year,
        sla=sla,
        sections=sections,
        removed=removed,
        variations=[o for o in outputs if o.is_variation],
        versions=versions,
        template=template,
        years=[FinancialYear(y) for y in sorted(known, reverse=True)],
    )


def group_sla_history(*, group: EngagementGroup, year: FinancialYear, limit: int = 50):
    """Changes to every version of the group's SLA for the year and its outputs."""
    ids = GroupSla.objects.filter(group=group, financial_year=year.start_year).values("pk")
    return history_entries(
        ("SLA", GroupSla.history.filter(id__in=ids)),
        ("Output", GroupSlaOutput.history.filter(sla_id__in=ids)),
        limit=limit,
    )


def current_sla_get(*, group: EngagementGroup, financial_year: int) -> GroupSla:
    """The group's current SLA for the year, or 404."""
    sla = (
        GroupSla.objects.filter(group=group, financial_year=financial_year, superseded_at__isnull=True)
        .select_related("group__borough", "template")
        .first()
    )
    if sla is None:
        raise Http404
    return sla


def sla_output_get(*, sla: GroupSla, code: str) -> GroupSlaOutput:
    return get_object_or_404(GroupSlaOutput, sla=sla, code=code)


def heading_titles_for(sla: GroupSla) -> list[str]:
    """Headings an added output may go under: the template's, in order."""
    return list(sla.template.headings.order_by("position").values_list("title", flat=True))


# --- The officers' overview ---------------------------------------------------------


@dataclass
class OverviewRow:
    group: EngagementGroup
    sla: GroupSla | None


@dataclass
class SlaOverview:
    year: FinancialYear
    rows: list[OverviewRow]
    counts: dict[str, int]
    without_sla_active: int
    template: SlaTemplate | None
    group_count: int = 0
    page: Page | None = None


def sla_overview(*, financial_year: int, page_number=None, page_size: int = 50) -> SlaOverview:
    """Every group (not disbanded, or with an SLA this year) and its current
    SLA's status, version and number of variations: the counts over every
    group in SQL, the rows of page ``page_number`` (every group's if None).
    Four queries."""
    current = GroupSla.objects.filter(financial_year=financial_year, superseded_at__isnull=True)
    listed = EngagementGroup.objects.annotate(
        current_status=Subquery(current.filter(group=OuterRef("pk")).order_by("-pk").values("status")[:1])
    ).filter(~Q(status=GroupStatus.DISBANDED) | Q(current_status__isnull=False))
    figures = listed.aggregate(
        groups=Count("pk"),
        none=Count("pk", filter=Q(current_status__isnull=True)),
        without_sla_active=Count("pk", filter=Q(current_status__isnull=True, status=GroupStatus.ACTIVE)),
        **{status.value: Count("pk", filter=Q(current_status=status.value)) for status in SlaStatus},
    )
    with_slas = (
        listed.select_related("borough")
        .prefetch_related(
            Prefetch(
                "slas",
                queryset=current.annotate(
                    variation_count=Count("outputs", filter=~Q(outputs__variation=""))
                ).order_by(),
                to_attr="current_slas",
            )
        )
        .order_by("borough__name", "name", "pk")
    )
    page = None
    if page_number is None:
        groups = list(with_slas)
    else:
        paginator = Paginator(with_slas, page_size)
        paginator.count = figures["groups"]  # counted above: no second count
        page = paginator.get_page(page_number)
        groups = list(page.object_list)
    rows = [OverviewRow(group=g, sla=g.current_slas[0] if g.current_slas else None) for g in groups]
    if page is not None:
        page.object_list = rows
    counts = {status.value: figures[status.value] for status in SlaStatus}
    counts["none"] = figures["none"]
    return SlaOverview(
        year=FinancialYear(financial_year),
        rows=rows,
        counts=counts,
        without_sla_active=figures["without_sla_active"],
        template=template_for_year(financial_year),
        group_count=figures["groups"],
        page=page,
    )
