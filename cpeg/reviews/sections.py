"""The annual review's sections, computed from the records.

One builder per section. Each reads the records through the apps' own
selectors (the activity counts of ``activities.selectors``, the SLA
targets of ``agreements.selectors``, the cost analysis of
``reporting.funding.selectors``, the participation figures of
``consultations.figures``) so a figure here is the figure on the page
that owns it. Every builder runs a fixed number of queries whatever the
number of groups.

A builder returns the section and, for each figure, how to list the
records behind it (``Records``): the review's "records behind this
figure" page (``views.figure_records``) rebuilds the same section and
shows that list, so a figure and its list always agree. Figures whose
records already have a list page elsewhere (a group's activities, a
consultation's responses, a group's budget lines) link there instead.

Each figure carries last year's value, computed by the same builder for
the year before (``attach_previous``), and the change.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.urls import reverse
from django.utils import timezone

from cpeg.activities.choices import ActivityType
from cpeg.activities.links import activity_list_url
from cpeg.activities.selectors import ActivityFilters, When, activity_queryset, activity_totals, output_counts
from cpeg.agreements.choices import MeasureType
from cpeg.agreements.selectors import sla_targets_for_groups
from cpeg.consultations import figures as consultation_figures
from cpeg.consultations.models import Consultation, ConsultationResponse, TwoWayMechanism
from cpeg.consultations.programmes import programmes_for_year
from cpeg.core.audit import format_money
from cpeg.core.fiscal import FinancialYear
from cpeg.funding.choices import BudgetCategory
from cpeg.funding.models import BudgetLine
from cpeg.groups.models import EngagementGroup
from cpeg.membership.selectors import representation_across
from cpeg.monitoring.choices import REPORTED_RETURN_STATUSES, Rag
from cpeg.monitoring.models import QuarterlyReturn, ReturnLine
from cpeg.reporting.funding.selectors import STAFFING_THRESHOLD, cost_analysis, exact_share
from cpeg.reviews.document import Bar, Cell, Chart, Document, Figure, Paragraph, Section, Table

WHOLE = Decimal(1)


@dataclass
class Records:
    """The list of records behind one figure."""

    title: str
    columns: list[str]
    rows: list[list[Cell]]


@dataclass
class Built:
    section: Section
    records: dict[str, Callable[[], Records]] = field(default_factory=dict)


@dataclass(frozen=True)
class Context:
    year: FinancialYear
    today: dt.date
    groups: tuple  # every group (the officers' view: with or without an award)

    @property
    def held_by(self) -> dt.date:
        return min(self.year.ends_on, self.today)

    @property
    def to_date(self) -> bool:
        return self.today < self.year.ends_on

    @property
    def group_ids(self) -> list[int]:
        return [g.pk for g in self.groups]


def records_url(year: FinancialYear, key: str) -> str:
    return reverse("reviews:figure-records", kwargs={"year": year.start_year, "key": key})


# --- Display -------------------------------------------------------------------


def percent_display(value: Decimal | None) -> str:
    if value is None:
        return "–"
    return f"{value.quantize(WHOLE, rounding=ROUND_HALF_UP)}%"


def display(value, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return percent_display(value)
    if unit == "money":
        return format_money(value)
    return f"{value:,}"


def change_display(value, previous, unit: str) -> str:
    """ "up 12", "down 3 points", "no change" ("" without last year's)."""
    if value is None or previous is None:
        return ""
    if unit == "percent":
        diff = (Decimal(value) - Decimal(previous)).quantize(WHOLE, rounding=ROUND_HALF_UP)
        words = f"{abs(diff)} point{'' if abs(diff) == 1 else 's'}"
    else:
        diff = value - previous
        words = format_money(abs(diff)) if unit == "money" else f"{abs(diff):,}"
    if diff == 0:
        return "no change"
    return f"{'up' if diff > 0 else 'down'} {words}"


def figure(key, label, value, *, unit="count", link="", link_count=None, to_date=False) -> Figure:
    return Figure(
        key=key,
        label=label,
        value=value,
        display=display(value, unit),
        unit=unit,
        link=link,
        link_count=link_count,
        to_date=to_date,
    )


def attach_previous(section: Section, previous: Section | None) -> Section:
    """Fill each figure's last year's value and change from the same
    section computed for the year before."""
    if previous is None or not any(f.value for f in previous.figures.values()):
        # No records at all for the year before (e.g. before the system was
        # used): no comparison rather than a row of noughts.
        return section
    for key, fig in list(section.figures.items()):
        before = previous.figures.get(key)
        if before is None or before.suppressed or fig.suppressed:
            continue
        section.figures[key] = Figure(
            **{
                **fig.__dict__,
                "previous": before.value,
                "previous_display": before.display,
                "change_display": change_display(fig.value, before.value, fig.unit),
            }
        )
    return section


def _to_date(ctx: Context) -> str:
    return " to date" if ctx.to_date else ""


# --- Collective delivery -----------------------------------------------------

# The review's three headline types first, then the others.
HEADLINE_TYPES = [ActivityType.PUBLIC_MEETING, ActivityType.TARGETED_EVENT, ActivityType.CONSULTATION_PRODUCT]


def _activity_records(
    ctx: Context, activity_type: str = "", attended: bool = False, group_ids=None, title: str = ""
) -> Records:
    """The activities held in the year (every group's, or ``group_ids``'),
    as the activity lists and ``activity_totals`` count them."""
    filters = ActivityFilters(year=ctx.year, activity_type=activity_type, when=When.HELD)
    ids = ctx.group_ids if group_ids is None else group_ids
    qs = activity_queryset(group_ids=ids, filters=filters, today=ctx.today).select_related("group")
    if attended:
        qs = qs.filter(public_attendance__gt=0)
    rows = [
        [
            Cell(a.held_on.strftime("%-d %B %Y")),
            Cell(a.group.name),
            Cell(a.title, link=reverse("activities:activity-detail", kwargs={"pk": a.pk})),
            Cell(f"{a.public_attendance or 0:,}", numeric=True),
        ]
        for a in qs.order_by("held_on", "group__name", "pk")
    ]
    label = title or (
        ActivityType(activity_type).label if activity_type else "Activities with members of the public attending"
    )
    return Records(f"{label}, {ctx.year.label}{_to_date(ctx)}", ["Date", "Group", "Activity", "Public attending"], rows)


def build_delivery(ctx: Context) -> Built:
    totals = activity_totals(
        group_ids=ctx.group_ids, starts_on=ctx.year.starts_on, ends_on=ctx.year.ends_on, held_by=ctx.today
    )
    by_type = Counter()
    attendance = 0
    for t in totals.values():
        for value in ActivityType.values:
            by_type[value] += t.count(value)
        attendance += t.public_attendance
    attended_count = (
        activity_queryset(
            group_ids=ctx.group_ids,
            filters=ActivityFilters(year=ctx.year, when=When.HELD),
            today=ctx.today,
        )
        .filter(public_attendance__gt=0)
        .count()
    )
    section = Section(key="delivery", title="Collective delivery")
    built = Built(section)
    order = HEADLINE_TYPES + [t for t in ActivityType.values if t not in HEADLINE_TYPES]
    for value in order:
        key = f"delivery.{value}"
        label = ActivityType(value).label
        section.figures[key] = figure(
            key, label, by_type[value], link=records_url(ctx.year, key), link_count=by_type[value], to_date=ctx.to_date
        )
        built.records[key] = lambda value=value: _activity_records(ctx, value)
    key = "delivery.attendance"
    section.figures[key] = figure(
        key,
        "Members of the public attending",
        attendance,
        link=records_url(ctx.year, key),
        link_count=attended_count,
        to_date=ctx.to_date,
    )
    built.records[key] = lambda: _activity_records(ctx, attended=True)
    section.paragraphs.append(
        Paragraph(
            f"In {ctx.year.label}{_to_date(ctx)} the groups held {{delivery.public_meeting}} public meetings and "
            "{delivery.targeted_event} targeted events or conferences, and produced {delivery.consultation_product} "
            "consultation products (local surveys). {delivery.attendance} members of the public attended."
        )
    )
    section.paragraphs.append(
        Paragraph(
            "Only activities held (not planned or withdrawn) count, from every group's activity record, "
            "including groups without an award."
        )
    )
    type_rows = [
        [
            Cell(ActivityType(v).label),
            Cell(f"{by_type[v]:,}", link=records_url(ctx.year, f"delivery.{v}"), numeric=True),
        ]
        for v in order
    ]
    section.tables.append(
        Table(
            key="delivery.by_type",
            caption=f"Activities held by type, all groups, {ctx.year.label}{_to_date(ctx)}",
            columns=["Activity type", "Held"],
            rows=type_rows,
        )
    )
    section.charts.append(
        Chart(
            key="delivery.by_type_chart",
            title=f"Activities held by type, {ctx.year.label}{_to_date(ctx)}",
            bars=[Bar(ActivityType(v).label, by_type[v], f"{by_type[v]:,}") for v in order],
            alt=(
                f"Bar chart of the activities all groups held in {ctx.year.label}{_to_date(ctx)}, by type: "
                + "; ".join(f"{ActivityType(v).label} {by_type[v]:,}" for v in order)
                + ". The same figures are in the table that follows."
            ),
            table_key="delivery.by_type",
        )
    )
    rows = []
    for g in ctx.groups:
        t = totals[g.pk]
        rows.append(
            [Cell(g.name)]
            + [
                Cell(
                    f"{t.count(v):,}",
                    link=activity_list_url(g.pk, year=ctx.year, activity_type=v, when="held"),
                    numeric=True,
                )
                for v in HEADLINE_TYPES
            ]
            + [Cell(f"{t.public_attendance:,}", numeric=True)]
        )
    section.tables.append(
        Table(
            key="delivery.by_group",
            caption=f"Activities by group, {ctx.year.label}{_to_date(ctx)}",
            columns=["Group"] + [ActivityType(v).label for v in HEADLINE_TYPES] + ["Public attending"],
            rows=rows,
        )
    )
    return built


# --- SLA delivery per output -------------------------------------------------

STANDINGS = [("meeting", "meeting the target"), ("partly", "partly meeting it"), ("not", "not meeting it")]


def _standing(delivered: int, target: int) -> str:
    if delivered >= target:
        return "meeting"
    return "partly" if delivered > 0 else "not"


def build_sla(ctx: Context) -> Built:
    targets = sla_targets_for_groups(
        group_ids=ctx.group_ids, financial_year=ctx.year.start_year, measure=MeasureType.COUNT
    )
    delivered = output_counts(
        group_ids=ctx.group_ids, starts_on=ctx.year.starts_on, ends_on=ctx.year.ends_on, held_by=ctx.today
    )
    names = {g.pk: g for g in ctx.groups}
    outputs: dict[str, str] = {}
    standings: dict[tuple[str, str], list[tuple]] = defaultdict(list)
    for gid, rows in targets.items():
        for t in rows:
            if t.annual_target is None or t.annual_target <= 0:
                continue
            outputs.setdefault(t.code, t.output)
            n = delivered[(gid, t.code)]
            standings[(t.code, _standing(n, t.annual_target))].append((names[gid], n, t.annual_target))
    section = Section(key="sla", title="Delivery against the service level agreement")
    built = Built(section)
    section.paragraphs.append(
        Paragraph(
            "Each group's counted outputs against the annual targets of its signed SLA for the year: "
            "meeting (delivered at least the target), partly meeting (some delivered, below the target) "
            f"and not meeting (none delivered){' so far this year' if ctx.to_date else ''}."
        )
    )
    rows = []
    for code, output in outputs.items():
        cells = [Cell(output)]
        for standing, words in STANDINGS:
            key = f"sla.{code}.{standing}"
            members = sorted(standings[(code, standing)], key=lambda r: r[0].name)
            section.figures[key] = figure(
                key,
                f"{output}: groups {words}",
                len(members),
                link=records_url(ctx.year, key),
                link_count=len(members),
                to_date=ctx.to_date,
            )

            def records(members=members, output=output, words=words, code=code):
                return Records(
                    f"{output}: groups {words}, {ctx.year.label}{_to_date(ctx)}",
                    ["Group", "Delivered", "Target"],
                    [
                        [
                            Cell(g.name),
                            Cell(
                                f"{n:,}",
                                link=activity_list_url(g.pk, year=ctx.year, output=code, when="held"),
                                numeric=True,
                            ),
                            Cell(f"{target:,}", numeric=True),
                        ]
                        for g, n, target in members
                    ],
                )

            built.records[key] = records
            cells.append(Cell(f"{len(members):,}", link=records_url(ctx.year, key), numeric=True))
        rows.append(cells)
    if not outputs:
        section.errors.append(f"No group has a counted SLA target for {ctx.year.label}.")
    section.tables.append(
        Table(
            key="sla.outputs",
            caption=f"Groups meeting each SLA target, {ctx.year.label}{_to_date(ctx)}",
            columns=["Output", "Meeting", "Partly meeting", "Not meeting"],
            rows=rows,
        )
    )
    return built


# --- Quarterly monitoring ----------------------------------------------------


def build_monitoring(ctx: Context) -> Built:
    returns = list(
        QuarterlyReturn.objects.filter(
            group_id__in=ctx.group_ids, financial_year=ctx.year.start_year, archived_at__isnull=True
        )
        .select_related("group")
        .order_by("group__name", "quarter")
    )
    reported = [r for r in returns if r.status in REPORTED_RETURN_STATUSES]
    on_time = [r for r in reported if not r.was_late]
    late = [r for r in reported if r.was_late]
    by_id = {r.pk: r for r in reported}
    lines = list(
        ReturnLine.objects.filter(quarterly_return_id__in=list(by_id))
        .order_by("quarterly_return__group__name", "quarterly_return__quarter", "position", "pk")
        .values("quarterly_return_id", "output", "rag", "barriers", "support_given")
    )
    section = Section(key="monitoring", title="Quarterly monitoring")
    built = Built(section)

    def return_row(r):
        return [
            Cell(r.group.name),
            Cell(f"Q{r.quarter}", link=reverse("monitoring:return-detail", kwargs={"pk": r.pk})),
            Cell(r.get_status_display()),
        ]

    def line_row(line):
        r = by_id[line["quarterly_return_id"]]
        return return_row(r)[:2] + [Cell(line["output"]), Cell(RAG_WORDS.get(line["rag"], "Not set"))]

    def listing(key, label, chosen, row, columns):
        section.figures[key] = figure(
            key, label, len(chosen), link=records_url(ctx.year, key), link_count=len(chosen), to_date=ctx.to_date
        )
        built.records[key] = lambda: Records(
            f"{label}, {ctx.year.label}{_to_date(ctx)}", columns, [row(item) for item in chosen]
        )

    return_columns = ["Group", "Quarter", "Status"]
    line_columns = ["Group", "Quarter", "Output", "RAG status"]
    listing("monitoring.reported", "Quarterly returns submitted", reported, return_row, return_columns)
    listing("monitoring.on_time", "Returns submitted on time", on_time, return_row, return_columns)
    listing("monitoring.late", "Returns submitted late", late, return_row, return_columns)
    for value in Rag.values:
        listing(
            f"monitoring.rag.{value}",
            f"Outputs rated {RAG_WORDS[value].lower()} in submitted returns",
            [line for line in lines if line["rag"] == value],
            line_row,
            line_columns,
        )
    listing(
        "monitoring.barriers",
        "Outputs with barriers to delivery reported",
        [line for line in lines if line["barriers"].strip()],
        line_row,
        line_columns,
    )
    listing(
        "monitoring.support",
        "Outputs where the authority gave support",
        [line for line in lines if line["support_given"].strip()],
        line_row,
        line_columns,
    )
    section.paragraphs.append(
        Paragraph(
            "{monitoring.reported} quarterly returns were submitted, {monitoring.on_time} on time and "
            "{monitoring.late} late. Across the year's quarters the groups rated {monitoring.rag.green} outputs "
            "green, {monitoring.rag.amber} amber and {monitoring.rag.red} red. They reported barriers to delivery "
            "on {monitoring.barriers} outputs; the authority gave support on {monitoring.support}."
        )
    )
    quarters = defaultdict(Counter)
    for line in lines:
        quarters[by_id[line["quarterly_return_id"]].quarter][line["rag"] or "unset"] += 1
    section.tables.append(
        Table(
            key="monitoring.rag_by_quarter",
            caption=f"RAG status of outputs in submitted returns by quarter, {ctx.year.label}{_to_date(ctx)}",
            columns=["Quarter", "Green", "Amber", "Red", "Not set"],
            rows=[
                [Cell(f"Q{q}")]
                + [Cell(f"{quarters[q][v]:,}", numeric=True) for v in ("green", "amber", "red", "unset")]
                for q in (1, 2, 3, 4)
            ],
        )
    )
    return built


RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}


# --- Funding and staffing ----------------------------------------------------


def build_funding(ctx: Context) -> Built:
    analysis = cost_analysis(year=ctx.year, today=ctx.today)
    overall = analysis.overall
    section = Section(key="funding", title="Funding and staffing")
    built = Built(section)
    if not overall.groups:
        section.paragraphs.append(Paragraph(f"No awards were made for {ctx.year.label}."))
        return built
    line_counts = Counter(
        BudgetLine.objects.filter(application__award__funding_round__financial_year=ctx.year.start_year)
        .values_list("category", flat=True)
        .order_by()
    )
    cost_lines = reverse("reporting:cost-lines-all", kwargs={"year": ctx.year.start_year})
    staffing_link = f"{cost_lines}?category={BudgetCategory.STAFFING}"
    staff_office_link = f"{cost_lines}?category={BudgetCategory.STAFFING}&category={BudgetCategory.STAFF_OFFICE}"
    f = section.figures

    def add(key, label, value, unit, link="", link_count=None):
        f[key] = figure(key, label, value, unit=unit, link=link, link_count=link_count)

    groups_sorted = sorted(overall.groups, key=lambda g: exact_share(g.awarded_staffing, g.awarded) or 0)

    def group_records(title, chosen):
        def records():
            return Records(
                f"{title}, {ctx.year.label}",
                ["Group", "Awarded", "Staffing share", "With staff office costs"],
                [
                    [
                        Cell(g.group.name),
                        Cell(
                            format_money(g.awarded),
                            link=reverse(
                                "reporting:cost-lines", kwargs={"year": ctx.year.start_year, "pk": g.group.pk}
                            ),
                            numeric=True,
                        ),
                        Cell(percent_display(exact_share(g.awarded_staffing, g.awarded)), numeric=True),
                        Cell(
                            percent_display(exact_share(g.awarded_staffing + g.awarded_staff_office, g.awarded)),
                            numeric=True,
                        ),
                    ]
                    for g in chosen
                ],
            )

        return records

    add(
        "funding.groups",
        "Groups with an award",
        overall.count,
        "count",
        records_url(ctx.year, "funding.groups"),
        overall.count,
    )
    built.records["funding.groups"] = group_records("Groups with an award", groups_sorted)
    add(
        "funding.awarded",
        "Total awarded",
        overall.awarded,
        "money",
        records_url(ctx.year, "funding.groups"),
        overall.count,
    )
    add(
        "funding.staffing_share",
        "Share of the awards on staffing",
        exact_share(overall.awarded_staffing, overall.awarded),
        "percent",
        staffing_link,
        line_counts[BudgetCategory.STAFFING],
    )
    add(
        "funding.staff_office_share",
        "Share on staffing with staff office costs",
        exact_share(overall.awarded_staffing + overall.awarded_staff_office, overall.awarded),
        "percent",
        staff_office_link,
        line_counts[BudgetCategory.STAFFING] + line_counts[BudgetCategory.STAFF_OFFICE],
    )
    add(
        "funding.lowest_share",
        "Lowest group share on staffing",
        overall.lowest_share,
        "percent",
        records_url(ctx.year, "funding.groups"),
        overall.count,
    )
    add(
        "funding.highest_share",
        "Highest group share on staffing",
        overall.highest_share,
        "percent",
        records_url(ctx.year, "funding.groups"),
        overall.count,
    )
    over = [g for g in groups_sorted if g.over_threshold]
    add(
        "funding.over_threshold",
        f"Groups spending over {STAFFING_THRESHOLD}% on staffing",
        len(over),
        "count",
        records_url(ctx.year, "funding.over_threshold"),
        len(over),
    )
    built.records["funding.over_threshold"] = group_records(
        f"Groups spending over {STAFFING_THRESHOLD}% of their award on staffing", over
    )
    # Each cost divides the awards by the activities the awarded groups held
    # (counted as the activity lists count them): it links to those activities.
    awarded_ids = [g.group.pk for g in overall.groups]
    for name, value, activity_type, attended, count, listed in (
        (
            "cost_per_public_meeting",
            overall.cost_per_public_meeting,
            ActivityType.PUBLIC_MEETING,
            False,
            overall.public_meetings,
            "Public meetings held by the groups with an award",
        ),
        (
            "cost_per_targeted_event",
            overall.cost_per_targeted_event,
            ActivityType.TARGETED_EVENT,
            False,
            overall.targeted_events,
            "Targeted events held by the groups with an award",
        ),
        (
            "cost_per_attendee",
            overall.cost_per_attendee,
            "",
            True,
            activity_queryset(
                group_ids=awarded_ids, filters=ActivityFilters(year=ctx.year, when=When.HELD), today=ctx.today
            )
            .filter(public_attendance__gt=0)
            .count(),
            "Activities of the groups with an award with members of the public attending",
        ),
    ):
        key = f"funding.{name}"
        add(key, name.replace("_", " ").capitalize(), value, "money", records_url(ctx.year, key), count)
        built.records[key] = partial(
            _activity_records, ctx, activity_type, attended=attended, group_ids=awarded_ids, title=listed
        )
    section.paragraphs.append(
        Paragraph(
            f"These are the awards for {ctx.year.label}, the year whose delivery this review reports (the 2009 "
            "review set next year's allocations beside last year's delivery; here the money and the work it paid "
            "for are the same year). "
            "{funding.groups} groups were awarded {funding.awarded} in total. {funding.staffing_share} of the "
            "awards is for staffing, {funding.staff_office_share} with staff office costs. Groups' shares on "
            "staffing range from {funding.lowest_share} to {funding.highest_share}; {funding.over_threshold} "
            f"groups spend over {STAFFING_THRESHOLD}% of their award on staffing."
        )
    )
    section.paragraphs.append(
        Paragraph(
            "Across all groups the awards cost {funding.cost_per_public_meeting} per public meeting, "
            "{funding.cost_per_targeted_event} per targeted event and {funding.cost_per_attendee} per member of "
            f"the public attending{' so far' if analysis.to_date else ''}. Shares are of what was awarded "
            "(each budget scaled to its award)."
        )
    )
    shares = [(g, exact_share(g.awarded_staffing, g.awarded)) for g in reversed(groups_sorted)]
    section.tables.append(
        Table(
            key="funding.staffing_by_group",
            caption=f"Share of each group's award on staffing, {ctx.year.label}, highest first",
            columns=["Group", "Awarded", "On staffing"],
            rows=[
                [
                    Cell(g.group.name),
                    Cell(
                        format_money(g.awarded),
                        link=reverse("reporting:cost-lines", kwargs={"year": ctx.year.start_year, "pk": g.group.pk}),
                        numeric=True,
                    ),
                    Cell(percent_display(share), numeric=True),
                ]
                for g, share in shares
            ],
        )
    )
    section.charts.append(
        Chart(
            key="funding.staffing_chart",
            title=f"Share of each group's award on staffing, {ctx.year.label}",
            bars=[Bar(g.group.name, share or Decimal(0), percent_display(share)) for g, share in shares],
            alt=(
                f"Bar chart of the share of each group's award spent on staffing in {ctx.year.label}, highest "
                f"first, with a line at {STAFFING_THRESHOLD}%: "
                f"{len(over)} groups are over it. Shares run from {percent_display(overall.lowest_share)} to "
                f"{percent_display(overall.highest_share)}. The table that follows gives every group's share."
            ),
            table_key="funding.staffing_by_group",
            unit="percent",
            reference=Decimal(STAFFING_THRESHOLD),
            reference_label=f"{STAFFING_THRESHOLD}%",
        )
    )
    section.tables.append(
        Table(
            key="funding.by_model",
            caption=f"By staffing model, {ctx.year.label}",
            columns=["Staffing model", "Groups", "Awarded", "On staffing", "With staff office costs"],
            rows=[
                [
                    Cell(m.label),
                    Cell(f"{m.count:,}", numeric=True),
                    Cell(format_money(m.awarded), numeric=True),
                    Cell(percent_display(m.staffing_share), numeric=True),
                    Cell(percent_display(m.staff_and_office_share), numeric=True),
                ]
                for m in analysis.by_model
            ],
        )
    )
    return built


# --- Consultations and partnerships ------------------------------------------


def build_consultations(ctx: Context) -> Built:
    consultations = list(
        Consultation.objects.filter(closes_on__range=(ctx.year.starts_on, ctx.year.ends_on))
        .filter(closes_on__lte=ctx.today)
        .order_by("closes_on", "pk")
    )
    counts = consultation_figures.participation(ConsultationResponse.objects.all(), [c.pk for c in consultations])
    section = Section(key="consultations", title="Consultation participation")
    built = Built(section)
    rows = []
    for c in consultations:
        p = counts[c.pk]
        # Keyed by kind so last year's same consultation compares (the first
        # of a kind in a year; a second gets its id).
        slug = c.kind if f"consultations.{c.kind}.responded" not in section.figures else f"{c.kind}_{c.pk}"
        link = reverse("consultations:response-list", kwargs={"pk": c.pk}) + "?show=responded"
        base = f"consultations.{slug}"
        for name, label, value in (
            ("asked", "groups asked", p.asked),
            ("responded", "groups responded", p.responded),
            ("organisations", "member organisations represented", p.organisations),
            ("individuals", "individuals represented", p.individuals),
        ):
            shown = (
                link if name != "asked" else reverse("consultations:response-list", kwargs={"pk": c.pk}) + "?show=asked"
            )
            section.figures[f"{base}.{name}"] = figure(
                f"{base}.{name}",
                f"{c.title}: {label}",
                value,
                link=shown,
                link_count=p.asked if name == "asked" else p.responded,
            )
        section.paragraphs.append(
            Paragraph(
                f"{c.title}: {{{base}.responded}} groups responded of {{{base}.asked}} asked, representing "
                f"{{{base}.organisations}} member organisations and {{{base}.individuals}} individuals."
            )
        )
        rows.append(
            [
                Cell(c.title),
                Cell(f"{p.asked:,}", numeric=True),
                Cell(f"{p.responded:,}", link=link, numeric=True),
                Cell(p.rate_text, numeric=True),
                Cell(f"{p.organisations:,}", numeric=True),
                Cell(f"{p.individuals:,}", numeric=True),
            ]
        )
    if not consultations:
        section.paragraphs.append(Paragraph(f"No consultation closed in {ctx.year.label}{_to_date(ctx)}."))
    section.tables.append(
        Table(
            key="consultations.participation",
            caption=f"Consultations closed in {ctx.year.label}{_to_date(ctx)}",
            columns=["Consultation", "Groups asked", "Responded", "Response rate", "Organisations", "Individuals"],
            rows=rows,
        )
    )
    return built


def build_partnerships(ctx: Context) -> Built:
    programmes = programmes_for_year(ctx.year.start_year)
    mechanisms = list(
        TwoWayMechanism.objects.filter(group_id__in=ctx.group_ids, held_on__range=(ctx.year.starts_on, ctx.held_by))
        .select_related("group")
        .order_by("held_on", "pk")
    )
    section = Section(key="partnerships", title="Partner programmes and local partnerships")
    built = Built(section)
    matrix = reverse("consultations:programme-matrix") + f"?year={ctx.year.start_year}"
    section.figures["partnerships.programmes"] = figure(
        "partnerships.programmes", "Partner programmes", len(programmes), link=matrix
    )
    key = "partnerships.mechanisms"
    section.figures[key] = figure(
        key,
        "Two-way mechanisms with community safety partnerships (CDRPs)",
        len(mechanisms),
        link=records_url(ctx.year, key),
        link_count=len(mechanisms),
        to_date=ctx.to_date,
    )
    built.records[key] = lambda: Records(
        f"Two-way mechanisms with community safety partnerships, {ctx.year.label}{_to_date(ctx)}",
        ["Date", "Group", "Kind", "What happened"],
        [
            [
                Cell(m.held_on.strftime("%-d %B %Y")),
                Cell(m.group.name, link=reverse("consultations:group-programmes", kwargs={"pk": m.group_id})),
                Cell(m.get_kind_display()),
                Cell(m.description[:200]),
            ]
            for m in mechanisms
        ],
    )
    section.paragraphs.append(
        Paragraph(
            "The groups took part in {partnerships.programmes} partner programmes, recorded "
            "{partnerships.mechanisms} two-way mechanisms with their community safety partnerships and held "
            "{delivery.face_the_people} Face the People events."
        )
    )
    section.tables.append(
        Table(
            key="partnerships.programmes",
            caption=f"Partner programmes, {ctx.year.label}",
            columns=["Programme"],
            rows=[[Cell(p.name)] for p in programmes],
        )
    )
    return built


# --- Representativeness ---------------------------------------------------------

SUPPRESSED = "Not shown (fewer than 5, or would reveal one)"


def build_representation(ctx: Context) -> Built:
    """The executives' and members' profiles across London as at the year's
    end (or today), only as ``membership`` suppresses them: a count of 1 to
    4, or one that would reveal one, is never in the review."""
    report = representation_across(groups=[(g.pk, g.borough.ons_code) for g in ctx.groups], today=ctx.held_by)
    section = Section(key="representation", title="Representativeness")
    built = Built(section)
    london = reverse("membership:representation-london")
    for key, rep in (("executives", report.executive), ("members", report.members)):
        fkey = f"representation.{key}"
        if rep.total is None:
            section.figures[fkey] = Figure(
                key=fkey, label=f"{rep.label}: people who answered", value=None, display=SUPPRESSED, suppressed=True
            )
        else:
            section.figures[fkey] = figure(fkey, f"{rep.label}: people who answered", rep.total, link=london)
        table = next(t for t in rep.tables if t.name == "comparison")
        section.tables.append(
            Table(
                key=f"representation.{key}.ethnic_group",
                caption=f"{rep.label}: ethnic group, compared with the boroughs' population (Census 2021)",
                columns=["Ethnic group", "People", "Share", "Share of the population"],
                rows=[
                    [
                        Cell(row.label),
                        Cell(SUPPRESSED if row.count is None else f"{row.count:,}", numeric=row.count is not None),
                        Cell("–" if row.share is None else f"{row.share}%", numeric=True),
                        Cell("–" if row.population_share is None else f"{row.population_share}%", numeric=True),
                    ]
                    for row in table.rows
                ],
            )
        )
    section.paragraphs.append(
        Paragraph(
            f"Equality monitoring answers of the groups' current executives and individual members as at "
            f"{ctx.held_by:%-d %B %Y}: {{representation.executives}} executive members and "
            "{representation.members} individual members answered. Counts under 5, and any that would reveal "
            "one, are not shown."
        )
    )
    return built


# --- One page per group --------------------------------------------------------


def build_appendices(ctx: Context, groups: tuple | None = None) -> list[Built]:
    """One appendix per group of ``groups`` (every group by default), in the
    same few queries whatever their number."""
    groups = ctx.groups if groups is None else groups
    group_ids = [g.pk for g in groups]
    totals = activity_totals(
        group_ids=group_ids, starts_on=ctx.year.starts_on, ends_on=ctx.year.ends_on, held_by=ctx.today
    )
    analysis = cost_analysis(year=ctx.year, today=ctx.today)
    costs = {g.group.pk: g for g in analysis.groups}
    returns = defaultdict(list)
    for r in QuarterlyReturn.objects.filter(
        group_id__in=group_ids, financial_year=ctx.year.start_year, archived_at__isnull=True
    ).order_by("quarter"):
        returns[r.group_id].append(r)
    out = []
    for g in groups:
        t = totals[g.pk]
        base = f"group.{g.pk}"
        section = Section(key=base, title=g.name, appendix=True)
        f = section.figures
        for value, label in (
            (ActivityType.PUBLIC_MEETING, "Public meetings"),
            (ActivityType.TARGETED_EVENT, "Targeted events"),
        ):
            n = t.count(value)
            f[f"{base}.{value}"] = figure(
                f"{base}.{value}",
                f"{g.name}: {label.lower()}",
                n,
                link=activity_list_url(g.pk, year=ctx.year, activity_type=value, when="held"),
                link_count=n,
                to_date=ctx.to_date,
            )
        f[f"{base}.attendance"] = figure(
            f"{base}.attendance", f"{g.name}: public attending", t.public_attendance, to_date=ctx.to_date
        )
        reported = [r for r in returns[g.pk] if r.status in REPORTED_RETURN_STATUSES]
        f[f"{base}.on_time"] = figure(
            f"{base}.on_time",
            f"{g.name}: returns on time",
            sum(1 for r in reported if not r.was_late),
            link=reverse("monitoring:return-list", kwargs={"pk": g.pk}),
        )
        cost = costs.get(g.pk)
        if cost:
            lines = reverse("reporting:cost-lines", kwargs={"year": ctx.year.start_year, "pk": g.pk})
            f[f"{base}.award"] = figure(f"{base}.award", f"{g.name}: award", cost.awarded, unit="money", link=lines)
            f[f"{base}.staffing_share"] = figure(
                f"{base}.staffing_share",
                f"{g.name}: share on staffing",
                exact_share(cost.awarded_staffing, cost.awarded),
                unit="percent",
                link=lines,
            )
            money = f"It was awarded {{{base}.award}}, {{{base}.staffing_share}} of it for staffing."
        else:
            money = f"It had no award for {ctx.year.label}."
        section.paragraphs.append(
            Paragraph(
                f"{g.name} held {{{base}.{ActivityType.PUBLIC_MEETING}}} public meetings and "
                f"{{{base}.{ActivityType.TARGETED_EVENT}}} targeted events, with {{{base}.attendance}} members of "
                f"the public attending. {{{base}.on_time}} of its quarterly returns were on time. {money}"
            )
        )
        section.tables.append(
            Table(
                key=f"{base}.returns",
                caption=f"{g.name}: quarterly returns",
                columns=["Quarter", "Status"],
                rows=[[Cell(f"Q{r.quarter}"), Cell(r.get_status_display())] for r in returns[g.pk]],
            )
        )
        out.append(Built(section))
    return out


# --- Counting in proper English ------------------------------------------------------

# What follows a count in the paragraphs, and its singular: "1 public meeting".
SINGULARS = {
    "quarterly returns were submitted": "quarterly return was submitted",
    "groups were awarded": "group was awarded",
    "groups responded": "group responded",
    "groups spend": "group spends",
    "members of the public": "member of the public",
    "public meetings": "public meeting",
    "targeted events": "targeted event",
    "consultation products": "consultation product",
    "outputs": "output",
    "member organisations": "member organisation",
    "individuals": "individual",
    "partner programmes": "partner programme",
    "two-way mechanisms": "two-way mechanism",
    "Face the People events": "Face the People event",
    "executive members": "executive member",
    "individual members": "individual member",
    "of its quarterly returns were": "of its quarterly returns was",
}
_AFTER_COUNT = re.compile(
    r"\{([a-z0-9_.\-]+)\} (" + "|".join(re.escape(k) for k in sorted(SINGULARS, key=len, reverse=True)) + ")"
)


def count_in_words(paragraph: Paragraph, figures: dict[str, Figure]) -> Paragraph:
    """The paragraph with the words after each count of exactly 1 made singular."""

    def fix(match):
        fig = figures.get(match.group(1))
        if fig is not None and fig.unit == "count" and fig.value == 1:
            return "{%s} %s" % (match.group(1), SINGULARS[match.group(2)])  # noqa: UP031 - braces kept literally
        return match.group(0)

    return Paragraph(_AFTER_COUNT.sub(fix, paragraph.text))


# --- The document ----------------------------------------------------------------

BUILDERS: dict[str, Callable[[Context], Built]] = {
    "delivery": build_delivery,
    "sla": build_sla,
    "monitoring": build_monitoring,
    "funding": build_funding,
    "consultations": build_consultations,
    "partnerships": build_partnerships,
    "representation": build_representation,
}


def appendix_groups() -> tuple:
    """Every group (the officers' view: with or without an award), in the
    appendices' order: Appendix 1 is the first."""
    return tuple(EngagementGroup.objects.select_related("borough").order_by("borough__name", "name", "pk"))


def context_for(year: FinancialYear, today: dt.date | None = None) -> Context:
    return Context(year=year, today=today or timezone.localdate(), groups=appendix_groups())


def _safe(builder, ctx: Context, key: str) -> Built:
    try:
        return builder(ctx)
    except Exception as error:  # noqa: BLE001 - a section that cannot be computed is shown in error
        return Built(Section(key=key, title=key.capitalize(), errors=[f"This section could not be computed: {error}"]))


def build_section(year: FinancialYear, key: str, today: dt.date | None = None) -> Built | None:
    """One section (for the records behind one of its figures)."""
    builder = BUILDERS.get(key)
    if builder is None:
        return None
    return _safe(builder, context_for(year, today), key)


def build_document(
    year: FinancialYear,
    today: dt.date | None = None,
    narrative: dict[str, str] | None = None,
    *,
    appendices: bool = True,
) -> Document:
    """The review for ``year`` from the records as they are ``today``, each
    figure with last year's (the same builder run for the year before).
    ``appendices=False`` leaves out the one-page-per-group appendices (the
    draft page, which lists them on pages of their own: ``build_appendix``)."""
    ctx = context_for(year, today)
    before = Context(year=year.previous(), today=ctx.today, groups=ctx.groups)
    sections = []
    for key, builder in BUILDERS.items():
        built = _safe(builder, ctx, key)
        previous = _safe(builder, before, key)
        sections.append(attach_previous(built.section, None if previous.section.errors else previous.section))
    for built in build_appendices(ctx) if appendices else []:
        sections.append(built.section)
    figures = {k: f for section in sections for k, f in section.figures.items()}
    for section in sections:
        section.narrative = (narrative or {}).get(section.key, "")
        section.paragraphs = [count_in_words(p, figures) for p in section.paragraphs]
    return Document(
        financial_year=year.start_year,
        year_label=year.label,
        title=f"Community and police engagement groups: annual review {year.label}{_to_date(ctx)}",
        sections=sections,
        to_date=ctx.to_date,
        generated_on=ctx.today.isoformat(),
    )


def build_appendix(year: FinancialYear, group_pk: int, today: dt.date | None = None) -> tuple[int, Section] | None:
    """(its number, the appendix) for one group, as the whole review has it
    (None for no such group): the draft page's appendices, one a page."""
    ctx = context_for(year, today)
    index = next((i for i, g in enumerate(ctx.groups) if g.pk == group_pk), None)
    if index is None:
        return None
    (built,) = build_appendices(ctx, (ctx.groups[index],))
    section = built.section
    section.paragraphs = [count_in_words(p, section.figures) for p in section.paragraphs]
    return index + 1, section


def figure_records(year: FinancialYear, key: str, today: dt.date | None = None) -> Records | None:
    """The records behind the figure ``key`` (None if it has no list here)."""
    built = build_section(year, key.split(".", 1)[0], today)
    if built is None:
        return None
    make = built.records.get(key)
    return make() if make else None


SECTION_KEYS = list(BUILDERS)
