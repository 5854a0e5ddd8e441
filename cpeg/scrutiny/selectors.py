"""Reads for scrutiny: a borough's stop and search figures for a period,
the searches behind each figure, the imports, and monitoring meetings.

Every figure is counted here, from ``StopSearch`` rows, in a fixed number
of queries (one per breakdown); each count carries the link to exactly the
searches behind it (``stops_for`` with the same period, breakdown and
value).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from urllib.parse import urlencode

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.access import get_for_user_or_404, scope_boroughs, scope_custody_panels, scope_group_records
from cpeg.core.audit import history_entries
from cpeg.groups.models import Borough
from cpeg.scrutiny.charts import BarChart, bar_chart
from cpeg.scrutiny.choices import EthnicGroup, Force, ImportStatus, Outcome
from cpeg.scrutiny.figures import SUPPRESS_BELOW, RiskRatio, rate_per_1000, risk_ratio, share, suppressed
from cpeg.scrutiny.models import (
    BoroughPopulation,
    CustodyPanel,
    CustodyVisit,
    MonitoringMeeting,
    StopSearch,
    StopSearchImport,
)
from cpeg.scrutiny.periods import Period

# Breakdown key in URLs -> (field, heading). Values in URLs are the stored
# values; "true"/"false"/"" for the yes-no fields.
BREAKDOWNS = {
    "month": ("month", "Month"),
    "outcome": ("profile__outcome", "Outcome"),
    "object": ("profile__object_of_search", "Object of search"),
    "legislation": ("profile__legislation", "Power used (legislation)"),
    "type": ("profile__search_type", "Type of search"),
    "age": ("profile__age_range", "Age range"),
    "gender": ("profile__gender", "Gender"),
    "self": ("profile__self_defined_group", "Self-defined ethnic group"),
    "census": ("profile__self_defined_census_group", "Self-defined ethnic group (as the census file groups it)"),
    "officer": ("profile__officer_defined_group", "Officer-defined ethnic group"),
    "linked": ("profile__outcome_linked_to_object", "Outcome linked to the object of search"),
    "strip": ("profile__more_than_outer_clothing_removed", "More than outer clothing removed"),
}
# The breakdowns the figures page shows as tables, in order.
TABLES = ("month", "outcome", "object", "legislation", "age", "gender", "self", "officer", "type")
_BOOLEAN = {"true": True, "false": False, "": None}
_CHOICE_LABELS = {
    "outcome": dict(Outcome.choices),
    "self": dict(EthnicGroup.choices),
    "census": dict(EthnicGroup.choices),
    "officer": dict(EthnicGroup.choices),
}
SELF_RATE_GROUPS = (EthnicGroup.BLACK, EthnicGroup.ASIAN, EthnicGroup.MIXED, EthnicGroup.OTHER)
OFFICER_RATE_GROUPS = (EthnicGroup.BLACK, EthnicGroup.ASIAN, EthnicGroup.OTHER)


def boroughs_for(*, user) -> QuerySet:
    return scope_boroughs(user, Borough.objects.all()).order_by("name")


def borough_get_for(*, user, pk) -> Borough:
    return get_for_user_or_404(user, Borough.objects.all(), "scrutiny.view_stopsearch", pk=pk)


def imported_months(force: str = Force.METROPOLITAN) -> list[dt.date]:
    """The months with a completed import for the force, newest first."""
    return list(
        StopSearchImport.objects.filter(force=force, status=ImportStatus.DONE)
        .order_by("-month")
        .values_list("month", flat=True)
        .distinct()
    )


def latest_period(months: list[dt.date]) -> Period | None:
    """The most recent quarter with any imported month (the figures' default)."""
    return Period.month(months[0]).covering()[1] if months else None


def stops_url(borough_id: int, period: Period, by: str | None = None, value="") -> str:
    query = {"period": period.key}
    if by:
        query["by"], query["value"] = by, value_key(value)
    return reverse("scrutiny:borough-stops", kwargs={"pk": borough_id}) + "?" + urlencode(query)


def value_key(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%Y-%m}"
    return str(value)


def value_label(by: str, value) -> str:
    if by == "month":
        return f"{value:%B %Y}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return "Not recorded"
    return _CHOICE_LABELS.get(by, {}).get(value, value)


def parse_value(by: str, raw: str):
    """The stored value a URL's ``value`` names; ValueError if it cannot be one."""
    if by in ("linked", "strip"):
        if raw not in _BOOLEAN:
            raise ValueError(raw)
        return _BOOLEAN[raw]
    if by == "month":
        return Period.parse(raw).starts_on
    return raw


def _in_period(queryset: QuerySet, period: Period) -> QuerySet:
    return queryset.filter(london_date__gte=period.starts_on, london_date__lte=period.ends_on)


def stops_for(*, borough: Borough, period: Period, by: str | None = None, value=None) -> QuerySet:
    """Exactly the searches behind one figure of ``borough_figures``."""
    queryset = _in_period(StopSearch.objects.filter(borough=borough), period).select_related("profile")
    if by == "month":
        queryset = _in_period(queryset, Period.month(value))
    elif by:
        name = BREAKDOWNS[by][0]
        queryset = queryset.filter(**({f"{name}__isnull": True} if value is None else {name: value}))
    return queryset.order_by("occurred_at", "row_number", "pk")


@dataclass
class Cell:
    value: object
    label: str
    count: int
    share: Fraction | None
    url: str


@dataclass
class Breakdown:
    key: str
    heading: str
    cells: list[Cell]


@dataclass
class RateRow:
    group: str
    label: str
    searches: int
    residents: int
    rate: Fraction | None
    ratio: RiskRatio | None
    url: str


@dataclass
class Disproportionality:
    title: str
    rows: list[RateRow]
    not_stated: int
    not_stated_url: str
    note: str


@dataclass
class BoroughFigures:
    borough: Borough
    period: Period
    total: int
    total_url: str
    months_imported: list[dt.date]
    to_date: bool
    breakdowns: dict[str, Breakdown] = field(default_factory=dict)
    arrests: Cell | None = None
    no_further_action: Cell | None = None
    find_rate: Cell | None = None
    find_rate_known: int = 0
    strip_searches: Cell | None = None
    strip_known: int = 0
    self_defined: Disproportionality | None = None
    officer_defined: Disproportionality | None = None
    force_no_location: int = 0
    force_outside: int = 0

    @property
    def rate_views(self) -> list[Disproportionality]:
        return [self.self_defined, self.officer_defined]

    @property
    def has_data(self) -> bool:
        return bool(self.months_imported)


def _breakdown(borough: Borough, period: Period, by: str, base: QuerySet, total: int) -> Breakdown:
    name, heading = BREAKDOWNS[by]
    if by == "month":  # the months a period's searches fall in (London dates)
        base = base.annotate(month=TruncMonth("london_date"))
    rows = base.values_list(name).annotate(n=Count("id")).order_by("-n", name)
    if by == "month":
        rows = sorted(rows, key=lambda row: row[0])
    cells = [
        Cell(value, value_label(by, value), n, share(n, total), stops_url(borough.pk, period, by, value))
        for value, n in rows
    ]
    return Breakdown(by, heading, cells)


def _cell(breakdown: Breakdown, value, borough, period, by, total) -> Cell:
    count = next((c.count for c in breakdown.cells if c.value == value), 0)
    return Cell(value, value_label(by, value), count, share(count, total), stops_url(borough.pk, period, by, value))


def _rates(borough, period, by, counts: dict, population: dict, groups, title, note) -> Disproportionality:
    white_count, white_residents = counts.get(EthnicGroup.WHITE, 0), population.get(EthnicGroup.WHITE, 0)
    rows = [
        RateRow(
            EthnicGroup.WHITE,
            "White",
            white_count,
            white_residents,
            rate_per_1000(white_count, white_residents),
            None,
            stops_url(borough.pk, period, by, EthnicGroup.WHITE),
        )
    ]
    for group in groups:
        count, residents = counts.get(group, 0), population.get(group, 0)
        rows.append(
            RateRow(
                group,
                EthnicGroup(group).label,
                count,
                residents,
                rate_per_1000(count, residents),
                risk_ratio(count, residents, white_count, white_residents),
                stops_url(borough.pk, period, by, group),
            )
        )
    return Disproportionality(
        title,
        rows,
        counts.get(EthnicGroup.NOT_STATED, 0),
        stops_url(borough.pk, period, by, EthnicGroup.NOT_STATED),
        note,
    )


def borough_figures(*, borough: Borough, period: Period) -> BoroughFigures:
    """Every stop and search figure for a borough and period (about 15 queries)."""
    base = _in_period(StopSearch.objects.filter(borough=borough), period)
    months = [m for m in imported_months() if period.starts_on <= m <= period.ends_on]  # 1 query; few months
    total = base.count()
    latest = StopSearchImport.objects.filter(status=ImportStatus.DONE).aggregate(last=Max("month"))["last"]
    to_date = len(months) < len(period.months()) and latest is not None and latest < period.ends_on
    figures = BoroughFigures(
        borough=borough,
        period=period,
        total=total,
        total_url=stops_url(borough.pk, period),
        months_imported=sorted(months),
        to_date=to_date,
    )
    for by in (*TABLES, "census", "linked", "strip"):
        figures.breakdowns[by] = _breakdown(borough, period, by, base, total)
    outcomes = figures.breakdowns["outcome"]
    figures.arrests = _cell(outcomes, Outcome.ARREST, borough, period, "outcome", total)
    figures.no_further_action = _cell(outcomes, Outcome.NO_FURTHER_ACTION, borough, period, "outcome", total)
    linked = figures.breakdowns["linked"]
    figures.find_rate_known = sum(c.count for c in linked.cells if c.value is not None)
    figures.find_rate = _cell(linked, True, borough, period, "linked", figures.find_rate_known)
    strip = figures.breakdowns["strip"]
    figures.strip_known = sum(c.count for c in strip.cells if c.value is not None)
    figures.strip_searches = _cell(strip, True, borough, period, "strip", figures.strip_known)

    population = dict(BoroughPopulation.objects.filter(borough=borough).values_list("ethnic_group", "residents"))
    census_counts = {c.value: c.count for c in figures.breakdowns["census"].cells}
    officer_counts = {c.value: c.count for c in figures.breakdowns["officer"].cells}
    figures.self_defined = _rates(
        borough,
        period,
        "census",
        census_counts,
        population,
        SELF_RATE_GROUPS,
        "By self-defined ethnicity",
        "Searches where the person's own ethnicity was not stated are left out. As in the census file, "
        "people of mixed White and Black heritage are counted in the Black group.",
    )
    figures.officer_defined = _rates(
        borough,
        period,
        "officer",
        officer_counts,
        population,
        OFFICER_RATE_GROUPS,
        "By officer-defined ethnicity",
        "Officers record four groups only (no Mixed), so the Mixed census group is left out of these rates; "
        "searches with no officer-defined ethnicity are left out.",
    )
    # The force's searches not placed in any borough, from its imports'
    # counts (an import is exactly one London month of the force).
    located = StopSearchImport.objects.filter(
        force=Force.METROPOLITAN,
        status=ImportStatus.DONE,
        month__gte=period.starts_on,
        month__lte=period.ends_on,
    ).aggregate(none=Coalesce(Sum("no_location"), 0), outside=Coalesce(Sum("outside_boroughs"), 0))
    figures.force_no_location = located["none"]
    figures.force_outside = located["outside"]
    return figures


def import_list(*, limit: int = 50) -> QuerySet:
    return StopSearchImport.objects.select_related("created_by")[:limit]


def import_get(*, pk) -> StopSearchImport:
    return StopSearchImport.objects.select_related("created_by").get(pk=pk)


def meetings_for(*, user, group) -> QuerySet:
    return scope_group_records(user, MonitoringMeeting.objects.filter(group=group)).select_related("activity")


# --- Independent custody visiting ------------------------------------------------


def panels_for(*, user) -> QuerySet:
    return scope_custody_panels(user, CustodyPanel.objects.all()).prefetch_related("boroughs").order_by("name")


def panel_get_for(*, user, pk) -> CustodyPanel:
    return get_for_user_or_404(user, CustodyPanel.objects.all(), "scrutiny.view_custodypanel", pk=pk)


def visit_history(*, visit: CustodyVisit):
    """Every change to a visit's report and its resolution, in words (one
    query)."""
    return history_entries(("", CustodyVisit.history.filter(id=visit.pk)))


def _london_range(period: Period) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(period.starts_on, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(period.ends_on + dt.timedelta(days=1), dt.time.min))
    return start, end


def visits_for(*, panel: CustodyPanel, period: Period, outstanding: bool = False) -> QuerySet:
    """Exactly the visits behind a panel's row of the summary."""
    start, end = _london_range(period)
    queryset = CustodyVisit.objects.filter(panel=panel, visited_at__gte=start, visited_at__lt=end)
    if outstanding:
        queryset = queryset.exclude(issues_raised="").filter(issues_resolved=False)
    return queryset.select_related("suite", "first_visitor", "second_visitor").order_by("-visited_at", "-id")


SUMMARY_COUNTS = ("in_custody", "not_available", "not_offered", "offered", "accepted", "declined", "observed_only")


@dataclass
class PanelRow:
    panel: CustodyPanel | None
    attempted: int
    access_not_gained: int
    valid: int
    counts: dict
    outstanding: int
    url: str = ""
    outstanding_url: str = ""


def custody_summary(*, user, period: Period) -> tuple[list[PanelRow], PanelRow]:
    """Per panel the user may read, and in total: visits attempted, access not
    gained, valid visits, the people counts and outstanding issues (2 queries)."""
    panels = list(panels_for(user=user))
    start, end = _london_range(period)
    aggregates = {
        "attempted": Count("id"),
        "access_not_gained": Count("id", filter=Q(access_refused=True)),
        "outstanding": Count("id", filter=Q(issues_resolved=False) & ~Q(issues_raised="")),
        **{name: Coalesce(Sum(name), 0) for name in SUMMARY_COUNTS},
    }
    found = {
        row["panel"]: row
        for row in CustodyVisit.objects.filter(panel__in=panels, visited_at__gte=start, visited_at__lt=end)
        .values("panel")
        .annotate(**aggregates)
        .order_by()
    }
    rows = []
    for panel in panels:
        row = found.get(panel.pk, {})
        attempted, refused = row.get("attempted", 0), row.get("access_not_gained", 0)
        url = reverse("scrutiny:panel-visits", kwargs={"pk": panel.pk}) + f"?period={period.key}"
        rows.append(
            PanelRow(
                panel,
                attempted,
                refused,
                attempted - refused,
                {name: row.get(name, 0) for name in SUMMARY_COUNTS},
                row.get("outstanding", 0),
                url,
                url + "&outstanding=1",
            )
        )
    total = PanelRow(
        None,
        sum(r.attempted for r in rows),
        sum(r.access_not_gained for r in rows),
        sum(r.valid for r in rows),
        {name: sum(r.counts[name] for r in rows) for name in SUMMARY_COUNTS},
        sum(r.outstanding for r in rows),
    )
    return rows, total


def custody_total_label(*, rows: list[PanelRow]) -> str:
    """The total row's name in the return: London-wide only when the rows
    are every panel (an officer's); otherwise, as the page says, the panels
    shown (one query)."""
    return "London-wide total" if len(rows) == CustodyPanel.objects.count() else "All panels shown"


# --- The public pack: no row-level data, small counts suppressed ------------------


@dataclass
class PublicCell:
    label: str
    count: int | None  # None: suppressed
    share: Fraction | None
    bar: float = 0.0  # the bar's width in the chart, as a percentage of the largest


def _public(cells: list[Cell]) -> list[PublicCell]:
    hide = suppressed([c.count for c in cells])
    largest = max((c.count for c in cells), default=0) or 1
    return [
        PublicCell(c.label, None if h else c.count, None if h else c.share, 0.0 if h else 100 * c.count / largest)
        for c, h in zip(cells, hide, strict=True)
    ]


# The breakdowns a pack prints, each as a chart and its table, in order.
PACK_TABLES = ("month", "outcome", "object", "legislation", "age", "gender", "self", "officer")


@dataclass
class PackTable:
    key: str
    heading: str
    cells: list[PublicCell]
    chart: BarChart


def _pack_tables(figures: BoroughFigures, *, public: bool) -> list[PackTable]:
    tables = []
    for key in PACK_TABLES:
        if public and key == "self":
            # The public version groups self-defined ethnicity as the rates
            # do (mixed White and Black counted as Black): one grouping, so
            # no count can be found from the difference of two tables.
            key = "census"
        breakdown = figures.breakdowns[key]
        if public:
            cells = _public(breakdown.cells)
        else:
            cells = [PublicCell(c.label, c.count, c.share) for c in breakdown.cells]
        hidden = f"fewer than {SUPPRESS_BELOW}"
        rows = [(c.label, c.count, hidden if c.count is None else str(c.count)) for c in cells]
        chart = bar_chart(f"Searches by {breakdown.heading[0].lower()}{breakdown.heading[1:]}", rows)
        tables.append(PackTable(f"chart-{key}", breakdown.heading, cells, chart))
    return tables


def _public_rates(view: Disproportionality) -> list[tuple[RateRow, int | None, bool]]:
    """A rates table's rows, each with its count to publish (None: hidden)
    and whether its ratio may be shown.

    Suppressed as its own breakdown table is (the same groups with not
    stated, adding up to the total): so the counts agree between tables.
    A ratio with the census residents gives its count back, so the template
    shows no ratio where the count is hidden, and none at all when the White
    count (every ratio's denominator) is hidden."""
    counts = [row.searches for row in view.rows] + [view.not_stated]
    hide = suppressed(counts)[: len(view.rows)]
    white_hidden = hide[0]  # rows[0] is the White group
    return [
        (row, None if h else row.searches, not h and not white_hidden) for row, h in zip(view.rows, hide, strict=True)
    ]


def public_pack(*, borough: Borough, period: Period) -> dict:
    """A borough's figures for publication: tables with small counts hidden,
    the disproportionality ratios where publishing them hides nothing, no
    searches listed."""
    figures = borough_figures(borough=borough, period=period)
    rates = [(view.title, _public_rates(view)) for view in figures.rate_views]
    return {
        "figures": figures,
        "tables": _pack_tables(figures, public=True),
        "rates": rates,
        "suppress_below": SUPPRESS_BELOW,
        "public": True,
    }


def monitoring_pack(*, borough: Borough, period: Period) -> dict:
    """The monitoring group's pack (officers and the group): every figure
    exactly, each breakdown as a chart and its table; no searches listed."""
    figures = borough_figures(borough=borough, period=period)
    rates = [(view.title, [(row, row.searches, True) for row in view.rows]) for view in figures.rate_views]
    return {
        "figures": figures,
        "tables": _pack_tables(figures, public=False),
        "rates": rates,
        "suppress_below": SUPPRESS_BELOW,
        "public": False,
    }


# --- Outstanding issues (issues raised with the custody officer, not yet resolved) ----


def _outstanding(queryset: QuerySet) -> QuerySet:
    """The visits whose issues raised are not resolved (as the summary counts them)."""
    return queryset.filter(issues_resolved=False).exclude(issues_raised="")


@dataclass
class OutstandingRow:
    panel: CustodyPanel
    count: int
    url: str


def outstanding_issues(*, user, panel: CustodyPanel | None = None) -> QuerySet:
    """Visits with issues outstanding, oldest first: one panel's, or those of
    every panel the user may see (London-wide for officers)."""
    if panel is not None:
        visits = CustodyVisit.objects.filter(panel=panel)
    else:
        panel_ids = scope_custody_panels(user, CustodyPanel.objects.all()).values("pk")
        visits = CustodyVisit.objects.filter(panel__in=panel_ids)
    return _outstanding(visits).select_related("panel", "suite").order_by("visited_at", "id")


def outstanding_by_panel(*, user) -> list[OutstandingRow]:
    """Each panel the user may see with how many visits have issues
    outstanding, linked to exactly those visits (2 queries)."""
    panels = list(scope_custody_panels(user, CustodyPanel.objects.all()).order_by("name"))
    counts = dict(
        _outstanding(CustodyVisit.objects.filter(panel__in=[p.pk for p in panels]))
        .values_list("panel_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        OutstandingRow(p, counts.get(p.pk, 0), reverse("scrutiny:panel-issues", kwargs={"pk": p.pk})) for p in panels
    ]
