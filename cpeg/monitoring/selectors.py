"""Reads for quarterly monitoring: a group's returns, one return's page, the
officers' early-warning dashboard and a group's scorecard.

The dashboard and scorecard build their figures from a fixed number of
queries whatever the number of groups, years, returns and activities: the
returns and lines come in bulk (as plain values), SLA targets and activity
counts through the agreements and activities selectors, one call each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse

from cpeg.accounts.access import get_for_user_or_404, scope_groups
from cpeg.activities.choices import DEFAULT_OUTPUT_FOR_TYPE
from cpeg.agreements.choices import MeasureType
from cpeg.core.audit import history_entries
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.core.models import AuditEvent
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring import figures, sources
from cpeg.monitoring.choices import (
    RAG_SHORT_LABELS,
    RAG_TAG_CLASSES,
    REPORTED_RETURN_STATUSES,
    Rag,
    ReturnStatus,
)
from cpeg.monitoring.models import MonitoringSettings, QuarterlyReturn, ReturnLine

# Which kind of activity the activity list filters on, per SLA output.
ACTIVITY_TYPE_FOR_OUTPUT = {code: str(kind) for kind, code in DEFAULT_OUTPUT_FOR_TYPE.items()}
BEHIND = frozenset({Rag.AMBER, Rag.RED})
# Part-way through a quarter amber is normal, so the live record flags red only.
BEHIND_LIVE = frozenset({Rag.RED})
_PK = 987654321


def _url_maker(name: str):
    """A fast pk -> URL function for a URL taking ``pk`` ('' if the URL is not there)."""
    try:
        template = reverse(name, kwargs={"pk": _PK})
    except NoReverseMatch:
        return lambda pk: ""
    return lambda pk: template.replace(str(_PK), str(pk))


def activity_list_url(group_id: int, year: int, code: str = "", maker=None) -> str:
    """The group's activity list for a year, filtered to the output's kind of activity."""
    base = (maker or _url_maker("activities:activity-list"))(group_id)
    if not base:
        return ""
    kind = ACTIVITY_TYPE_FOR_OUTPUT.get(code)
    return f"{base}?year={year}" + (f"&type={kind}" if kind else "")


def rag_tag(rag: str) -> dict:
    return {"label": RAG_SHORT_LABELS.get(rag, "Not set"), "css": RAG_TAG_CLASSES.get(rag, "govuk-tag--grey")}


# --- A group's returns ---------------------------------------------------------------


def return_list_for_group(*, group: EngagementGroup) -> QuerySet:
    """Every return of the group (the caller has checked the group is the user's to see)."""
    return (
        QuarterlyReturn.objects.filter(group=group, archived_at__isnull=True)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-financial_year", "-quarter")
    )


def return_get_for(*, user, pk: int, perm: str = "monitoring.view_quarterlyreturn") -> QuarterlyReturn:
    """One return the user may act on with ``perm``; 404 for missing and not-yours alike."""
    return get_for_user_or_404(
        user,
        QuarterlyReturn.objects.filter(archived_at__isnull=True).select_related(
            "group__borough", "submitted_by", "reviewed_by"
        ),
        perm,
        pk=pk,
    )


def line_get_for(*, user, pk: int, perm: str = "monitoring.review_quarterlyreturn") -> ReturnLine:
    line = get_for_user_or_404(
        user,
        ReturnLine.objects.select_related("quarterly_return__group__borough", "support_resolved_by"),
        "monitoring.view_quarterlyreturn",
        pk=pk,
    )
    if not user.has_perm(perm, line.quarterly_return):
        raise Http404
    return line


@dataclass
class ReturnPage:
    quarterly_return: QuarterlyReturn
    lines: list[ReturnLine]
    events: list[AuditEvent]
    history: list
    spend_flags: list
    activity_urls: dict[str, str]
    incomplete: list[str] = field(default_factory=list)


def return_page(*, quarterly_return: QuarterlyReturn) -> ReturnPage:
    """What a return's page shows: its lines, its workflow events and its change history."""
    qr = quarterly_return
    lines = list(qr.lines.select_related("support_resolved_by").order_by("position", "id"))
    events = list(
        AuditEvent.objects.filter(
            target_type__app_label="monitoring", target_type__model="quarterlyreturn", target_id=qr.pk
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    history = history_entries(
        ("Return", QuarterlyReturn.history.filter(id=qr.pk)),
        ("Line", ReturnLine.history.filter(quarterly_return_id=qr.pk)),
    )
    maker = _url_maker("activities:activity-list")
    flags = sources.spend_flags_for(group_ids=[qr.group_id], financial_year=qr.financial_year).get(qr.group_id, [])
    return ReturnPage(
        quarterly_return=qr,
        lines=lines,
        events=events,
        history=history,
        spend_flags=list(flags),
        activity_urls={
            line.output_code: activity_list_url(qr.group_id, qr.financial_year, line.output_code, maker)
            for line in lines
        },
        incomplete=[line.output for line in lines if not line.rag or not line.progress.strip()],
    )


# --- The early-warning dashboard ---------------------------------------------------------


@dataclass
class Figure:
    """A count against a pro-rata target for one output, with where it comes from."""

    code: str
    output: str
    count: int | None
    target: Decimal | None
    rag: str
    url: str = ""

    @property
    def target_text(self) -> str:
        return figures.format_target(self.target)

    @property
    def tag(self) -> dict:
        return rag_tag(self.rag)


@dataclass
class ReturnCell:
    quarter: Quarter
    status: str  # a ReturnStatus value, "not_opened", "not_due" or "paused"
    label: str
    due_on: dt.date | None
    url: str = ""
    overdue: bool = False
    late: bool = False  # first submitted after the due date (set for the rows on the page shown)
    return_id: int | None = None


@dataclass
class SupportItem:
    line_id: int
    output: str
    text: str
    quarter: Quarter
    return_url: str


@dataclass
class BarrierRun:
    output: str
    quarters: list[Quarter]
    latest_text: str
    return_url: str

    @property
    def quarters_label(self) -> str:
        return ", ".join(q.label for q in self.quarters)


@dataclass
class DashboardRow:
    group_id: int
    group_name: str
    borough_name: str
    group_status: str
    cells: list[ReturnCell]
    behind_live: list[Figure]
    behind_latest: list[Figure]
    latest_return: ReturnCell | None
    support: list[SupportItem]
    barriers: list[BarrierRun]
    spend_flags: list
    scorecard_url: str
    returns_url: str
    # Sorted out of ``cells`` once, when the row is made.
    due: list[ReturnCell] = field(default_factory=list)
    late: list[ReturnCell] = field(default_factory=list)
    returned: list[ReturnCell] = field(default_factory=list)
    awaiting_review: list[ReturnCell] = field(default_factory=list)

    def __post_init__(self):
        for cell in self.cells:
            if cell.overdue:
                self.late.append(cell)
            elif cell.status in (ReturnStatus.DRAFT, "not_opened"):
                self.due.append(cell)
            elif cell.status == ReturnStatus.RETURNED:
                self.returned.append(cell)
            elif cell.status == ReturnStatus.SUBMITTED:
                self.awaiting_review.append(cell)

    @property
    def needs_attention(self) -> bool:
        return bool(
            self.late
            or self.returned
            or self.behind_live
            or self.behind_latest
            or self.support
            or self.barriers
            or self.spend_flags
        )

    def shows_under(self, show: str) -> bool:
        """Whether the row belongs in the list filtered by ``?show=``."""
        if not show:
            return True
        if show == "attention":
            return self.needs_attention
        return bool(getattr(self, DASHBOARD_FILTER_FIELDS[show]))


# ``?show=`` on the dashboard: what each filter lists (each summary figure
# links to the list behind it), and the row field it tests.
DASHBOARD_FILTERS = {
    "attention": "Groups that need attention",
    "due": "Groups with returns due",
    "late": "Groups with late returns",
    "returned": "Groups with returns sent back",
    "review": "Groups with returns waiting for review",
    "behind": "Groups behind on the activity record",
    "behind-return": "Groups behind in their latest return",
    "support": "Groups with open requests for support",
    "barriers": "Groups with barriers in two or more quarters running",
}
DASHBOARD_FILTER_FIELDS = {
    "due": "due",
    "late": "late",
    "returned": "returned",
    "review": "awaiting_review",
    "behind": "behind_live",
    "behind-return": "behind_latest",
    "support": "support",
    "barriers": "barriers",
}


@dataclass
class Dashboard:
    """The dashboard for a year: totals over every group the user may see,
    and the rows of the page shown (after the ``show`` filter)."""

    year: FinancialYear
    today: dt.date
    live_quarter: Quarter | None
    live_to: dt.date
    quarters: tuple[Quarter, ...]
    totals: dict
    page: Page
    show: str = ""

    @property
    def rows(self) -> list[DashboardRow]:
        return list(self.page.object_list)

    @property
    def show_label(self) -> str:
        return DASHBOARD_FILTERS.get(self.show, "Groups")


def live_period(year: FinancialYear, today: dt.date) -> tuple[Quarter | None, dt.date]:
    """The quarter whose pro-rata target the live figures are judged
    against, and the day activities are counted to.

    In the current year: the last quarter that has ended, with activities
    counted to today (so what a group has done since then counts towards
    catching up). Nothing is due before the end of Q1, so in Q1 there is no
    quarter (None) and nothing is judged. For a past year: Q4 (the yearly
    target), counted to the year's end. For a future year: nothing.
    """
    if year.contains(today):
        ended = [q for q in year.quarters if q.ends_on < today]
        return (ended[-1] if ended else None), today
    if today > year.ends_on:
        return year.quarters[-1], year.ends_on
    return None, year.starts_on  # a future year: nothing counted yet


def _return_cells(year, today, returns_by_q, due_dates, labels, url_for, *, reporting: bool) -> list[ReturnCell]:
    """One cell per quarter; ``reporting`` is False for a suspended group
    (monitoring paused); ``due_dates`` has the quarters that have ended."""
    cells = []
    for quarter in year.quarters:
        row = returns_by_q.get(quarter.number)
        if row is not None:
            status = row["status"]
            cells.append(
                ReturnCell(
                    quarter=quarter,
                    status=status,
                    label=labels[status],
                    due_on=row["due_on"],
                    url=url_for(row["id"]),
                    overdue=status == ReturnStatus.DRAFT and today > row["due_on"],
                    return_id=row["id"],
                )
            )
        elif quarter.number in due_dates and not reporting:
            cells.append(ReturnCell(quarter=quarter, status="paused", label="Monitoring paused", due_on=None))
        elif quarter.number in due_dates:  # the quarter has ended
            due_on = due_dates[quarter.number]
            cells.append(
                ReturnCell(
                    quarter=quarter, status="not_opened", label="Not opened", due_on=due_on, overdue=today > due_on
                )
            )
        else:
            cells.append(ReturnCell(quarter=quarter, status="not_due", label="Not due yet", due_on=None))
    return cells


def _local_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localdate(value)


def _live_red_figures(gid, targets, counts, quarter: Quarter, shares: dict, year_start, maker) -> list[Figure]:
    """The group's counted outputs that are red on the activity record so far,
    judged against the pro-rata target to the end of ``quarter`` (``shares``
    caches yearly target -> pro-rata target across groups)."""
    result = []
    for t in targets:
        if t.measure != MeasureType.COUNT or t.annual_target is None:
            continue
        target = shares.get(t.annual_target)
        if target is None:
            target = shares[t.annual_target] = figures.pro_rata_target(t.annual_target, quarter.number)
        count = counts.get((gid, t.code), 0)
        rag = figures.suggest_rag(count, target)
        if rag in BEHIND_LIVE:
            result.append(
                Figure(t.code, t.output, count, target, rag, activity_list_url(gid, year_start, t.code, maker))
            )
    return result


def _mark_late(rows: list[DashboardRow]) -> None:
    """Mark the cells of returns first submitted after their due date (one
    query, for the rows on the page shown only: reading every return's
    submission time would cost more than the rest of the dashboard)."""
    cells = {c.return_id: c for r in rows for c in r.cells if c.return_id is not None}
    if not cells:
        return
    for pk, first in QuarterlyReturn.objects.filter(pk__in=list(cells), first_submitted_at__isnull=False).values_list(
        "pk", "first_submitted_at"
    ):
        cell = cells[pk]
        cell.late = _local_date(first) > cell.due_on


def dashboard(
    *,
    user,
    year: FinancialYear | None = None,
    today: dt.date,
    show: str = "",
    page: int | str | None = 1,
    page_size: int = 50,
) -> Dashboard:
    """Early warning for officers (and link members, for their boroughs), per group:
    returns due, late or returned; outputs behind their pro-rata trajectory live
    and in the latest return; open support requests from any return of the year;
    barriers reported in two or more quarters running (for the same output), and
    spend flags from funding.

    ``show`` narrows the rows to one kind of warning (``DASHBOARD_FILTERS``);
    ``page`` picks the page of ``page_size`` rows. The totals always cover
    every group. A fixed number of queries.
    """
    year = year or FinancialYear.containing(today)
    show = show if show in DASHBOARD_FILTERS else ""
    live_quarter, live_to = live_period(year, today)
    config = MonitoringSettings.load()
    groups = list(
        scope_groups(user, EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED))
        .order_by("borough__name", "name")
        .values("id", "name", "status", "borough__name")
    )
    group_ids = [g["id"] for g in groups]
    previous_q4 = Quarter(year.start_year - 1, 4)
    scoped_returns = QuarterlyReturn.objects.filter(
        Q(financial_year=year.start_year) | Q(financial_year=previous_q4.start_year, quarter=4),
        archived_at__isnull=True,
    )
    if len(group_ids) < 500:
        scoped_returns = scoped_returns.filter(group_id__in=group_ids)
    wanted = set(group_ids)
    returns = [
        r
        for r in scoped_returns.order_by().values("id", "group_id", "financial_year", "quarter", "status", "due_on")
        if r["group_id"] in wanted
    ]
    by_group: dict[int, dict[tuple[int, int], dict]] = defaultdict(dict)
    for r in returns:
        by_group[r["group_id"]][(r["financial_year"], r["quarter"])] = r
    # The latest return each group has reported (submitted at least once) this year.
    latest: dict[int, dict] = {}
    for gid, rows in by_group.items():
        reported = [
            r for (fy, _q), r in rows.items() if fy == year.start_year and r["status"] in REPORTED_RETURN_STATUSES
        ]
        if reported:
            latest[gid] = max(reported, key=lambda r: r["quarter"])
    reported_ids = [r["id"] for r in returns if r["status"] in REPORTED_RETURN_STATUSES]
    latest_ids = [r["id"] for r in latest.values()]
    lines_by_return: dict[int, list[dict]] = defaultdict(list)
    if reported_ids:
        # Only the lines the dashboard shows: behind in the latest return,
        # barriers in any reported return, and support asked for in any
        # reported return and not yet marked as provided.
        open_support = ~Q(support_requested="") & Q(support_resolved_at__isnull=True)
        line_filter = Q(quarterly_return_id__in=reported_ids) & (~Q(barriers="") | open_support)
        if latest_ids:
            line_filter |= Q(quarterly_return_id__in=latest_ids, rag__in=list(BEHIND))
        for line in (
            ReturnLine.objects.filter(line_filter)
            .annotate(support_open=ExpressionWrapper(open_support, output_field=BooleanField()))
            .order_by("quarterly_return_id", "position", "id")
            .values(
                "id",
                "quarterly_return_id",
                "output_code",
                "output",
                "count_to_date",
                "pro_rata_target",
                "rag",
                "barriers",
                "support_requested",
                "support_open",
            )
        ):
            lines_by_return[line["quarterly_return_id"]].append(line)
    targets = (
        sources.sla_targets_for_groups(group_ids=group_ids, financial_year=year.start_year, measure=MeasureType.COUNT)
        if groups and live_quarter is not None
        else {}
    )
    counts = (
        sources.output_counts(group_ids=group_ids, starts_on=year.starts_on, ends_on=live_to)
        if groups and live_quarter is not None
        else {}
    )
    flags = sources.spend_flags_for(group_ids=group_ids, financial_year=year.start_year) if groups else {}
    return_url = _url_maker("monitoring:return-detail")
    scorecard_url = _url_maker("monitoring:scorecard")
    returns_url = _url_maker("monitoring:return-list")
    activities = _url_maker("activities:activity-list")
    year_quarters = [previous_q4, *year.quarters]
    # Worked out once, not per group.
    labels = {status.value: str(status.label) for status in ReturnStatus}
    due_dates = {
        q.number: figures.return_due_on(q, config.deadline_working_days) for q in year.quarters if q.ends_on < today
    }
    shares: dict = {}
    totals = dict.fromkeys(
        (
            "groups",
            "due",
            "late",
            "returned",
            "awaiting_review",
            "behind_live",
            "behind_latest",
            "support",
            "barriers",
            "attention",
        ),
        0,
    )

    rows = []
    for g in groups:
        gid = g["id"]
        group_returns = by_group.get(gid, {})
        cells = _return_cells(
            year,
            today,
            {q: r for (fy, q), r in group_returns.items() if fy == year.start_year},
            due_dates,
            labels,
            return_url,
            reporting=g["status"] == GroupStatus.ACTIVE,
        )
        live = (
            _live_red_figures(gid, targets.get(gid, ()), counts, live_quarter, shares, year.start_year, activities)
            if live_quarter is not None
            else []
        )
        latest_row = latest.get(gid)
        behind_latest, latest_cell = [], None
        if latest_row is not None:
            latest_cell = next(c for c in cells if c.quarter.number == latest_row["quarter"])
            for line in lines_by_return.get(latest_row["id"], ()):
                if line["rag"] in BEHIND:
                    behind_latest.append(
                        Figure(
                            line["output_code"],
                            line["output"],
                            line["count_to_date"],
                            line["pro_rata_target"],
                            line["rag"],
                            return_url(latest_row["id"]),
                        )
                    )
        row = DashboardRow(
            group_id=gid,
            group_name=g["name"],
            borough_name=g["borough__name"],
            group_status=g["status"],
            cells=cells,
            behind_live=live,
            behind_latest=behind_latest,
            latest_return=latest_cell,
            support=_open_support(year_quarters, group_returns, lines_by_return, return_url),
            barriers=_barrier_runs(year_quarters, group_returns, lines_by_return, return_url),
            spend_flags=list(flags.get(gid, ())),
            scorecard_url=scorecard_url(gid),
            returns_url=returns_url(gid),
        )
        totals["groups"] += 1
        totals["due"] += len(row.due)
        totals["late"] += len(row.late)
        totals["returned"] += len(row.returned)
        totals["awaiting_review"] += len(row.awaiting_review)
        totals["behind_live"] += bool(row.behind_live)
        totals["behind_latest"] += bool(row.behind_latest)
        totals["support"] += len(row.support)
        totals["barriers"] += bool(row.barriers)
        totals["attention"] += row.needs_attention
        if row.shows_under(show):
            rows.append(row)
    shown = Paginator(rows, page_size).get_page(page)
    _mark_late(list(shown.object_list))
    return Dashboard(
        year=year,
        today=today,
        live_quarter=live_quarter,
        live_to=live_to,
        quarters=year.quarters,
        totals=totals,
        page=shown,
        show=show,
    )


def _open_support(year_quarters, group_returns, lines_by_return, return_url) -> list[SupportItem]:
    """Support asked for on any line of the group's reported returns for the
    year (the previous year's Q4 included) and not yet marked as provided,
    oldest quarter first."""
    items = []
    for quarter in year_quarters:
        r = group_returns.get((quarter.start_year, quarter.number))
        if r is None or r["status"] not in REPORTED_RETURN_STATUSES:
            continue
        for line in lines_by_return.get(r["id"], ()):
            if line["support_open"] and line["support_requested"].strip():
                items.append(
                    SupportItem(line["id"], line["output"], line["support_requested"], quarter, return_url(r["id"]))
                )
    return items


def _barrier_runs(year_quarters, group_returns, lines_by_return, return_url) -> list[BarrierRun]:
    """Outputs with barriers reported in two or more consecutive quarters
    (the previous year's Q4 counts as the quarter before Q1)."""
    per_output: dict[str, list[tuple[int, Quarter, dict, int]]] = defaultdict(list)
    for index, quarter in enumerate(year_quarters):
        r = group_returns.get((quarter.start_year, quarter.number))
        if r is None or r["status"] not in REPORTED_RETURN_STATUSES:
            continue
        for line in lines_by_return.get(r["id"], []):
            if line["barriers"].strip():
                per_output[line["output_code"]].append((index, quarter, line, r["id"]))
    runs = []
    for entries in per_output.values():
        best: list = []
        current: list = []
        for entry in entries:
            if current and entry[0] == current[-1][0] + 1:
                current.append(entry)
            else:
                current = [entry]
            if len(current) >= max(2, len(best)):
                best = list(current)
        if len(best) >= 2:
            last = best[-1]
            runs.append(
                BarrierRun(
                    output=last[2]["output"],
                    quarters=[e[1] for e in best],
                    latest_text=last[2]["barriers"],
                    return_url=return_url(last[3]),
                )
            )
    return runs


# --- A group's scorecard ---------------------------------------------------------------------


@dataclass
class ScorecardCell:
    quarter: Quarter
    count: int | None
    target: Decimal | None
    rag: str
    source: str  # "return" (as in the return), "live" (from the activity record) or "" (not started)
    url: str = ""

    @property
    def target_text(self) -> str:
        return figures.format_target(self.target)

    @property
    def tag(self) -> dict:
        return rag_tag(self.rag)


@dataclass
class ScorecardRow:
    code: str
    output: str
    heading_title: str
    measure: str
    annual_target: int | None
    is_variation: bool
    variation_reason: str
    cells: list[ScorecardCell]
    activity_url: str

    @property
    def is_counted(self) -> bool:
        return self.measure == MeasureType.COUNT


@dataclass
class ScorecardQuarter:
    quarter: Quarter
    return_id: int | None
    status_label: str
    url: str
    late: bool


@dataclass
class Scorecard:
    group: EngagementGroup
    year: FinancialYear
    today: dt.date
    quarters: list[ScorecardQuarter]
    rows: list[ScorecardRow]
    spend_flags: list


def scorecard(*, group: EngagementGroup, year: FinancialYear, today: dt.date) -> Scorecard:
    """Every quarter of a year side by side for one group: per SLA line, the
    count against the pro-rata target and the RAG status. Quarters with a
    return show the return's figures and status (frozen once submitted); a
    started quarter without one shows live figures from the activity record.
    A fixed number of queries."""
    returns = {
        r.quarter: r
        for r in QuarterlyReturn.objects.filter(
            group=group, financial_year=year.start_year, archived_at__isnull=True
        ).prefetch_related("lines")
    }
    targets = sources.sla_targets_for_groups(group_ids=[group.pk], financial_year=year.start_year).get(group.pk, [])
    started = [q for q in year.quarters if q.starts_on <= today]
    counts_by_q = {
        q.number: sources.output_counts(group_ids=[group.pk], starts_on=year.starts_on, ends_on=min(q.ends_on, today))
        for q in started
    }
    flags = sources.spend_flags_for(group_ids=[group.pk], financial_year=year.start_year).get(group.pk, [])
    return_url = _url_maker("monitoring:return-detail")
    activities = _url_maker("activities:activity-list")

    outputs: dict[str, dict] = {}
    for t in targets:
        outputs[t.code] = {
            "output": t.output,
            "heading_title": t.heading_title,
            "measure": t.measure,
            "annual_target": t.annual_target,
            "is_variation": t.is_variation,
            "variation_reason": t.variation_reason,
            "position": t.position,
        }
    lines_by_q: dict[int, dict[str, ReturnLine]] = {}
    for number, qr in returns.items():
        lines_by_q[number] = {line.output_code: line for line in qr.lines.all()}
        for line in qr.lines.all():
            outputs.setdefault(
                line.output_code,
                {
                    "output": line.output,
                    "heading_title": line.heading_title,
                    "measure": line.measure,
                    "annual_target": line.annual_target,
                    "is_variation": line.is_variation,
                    "variation_reason": line.variation_reason,
                    "position": line.position,
                },
            )
    rows = []
    for code, info in sorted(outputs.items(), key=lambda item: (item[1]["position"], item[0])):
        cells = []
        counted = info["measure"] == MeasureType.COUNT
        for quarter in year.quarters:
            line = lines_by_q.get(quarter.number, {}).get(code)
            if line is not None:
                cells.append(
                    ScorecardCell(
                        quarter,
                        line.count_to_date,
                        line.pro_rata_target,
                        line.rag,
                        "return",
                        return_url(returns[quarter.number].pk),
                    )
                )
            elif quarter.number in counts_by_q and counted:
                target = figures.pro_rata_target(info["annual_target"], quarter.number)
                count = counts_by_q[quarter.number].get((group.pk, code), 0)
                cells.append(ScorecardCell(quarter, count, target, figures.suggest_rag(count, target), "live"))
            else:
                target = figures.pro_rata_target(info["annual_target"], quarter.number) if counted else None
                cells.append(ScorecardCell(quarter, None, target, "", ""))
        rows.append(
            ScorecardRow(
                code=code,
                output=info["output"],
                heading_title=info["heading_title"],
                measure=info["measure"],
                annual_target=info["annual_target"],
                is_variation=info["is_variation"],
                variation_reason=info["variation_reason"],
                cells=cells,
                activity_url=activity_list_url(group.pk, year.start_year, code, activities),
            )
        )
    quarters = []
    for quarter in year.quarters:
        qr = returns.get(quarter.number)
        quarters.append(
            ScorecardQuarter(
                quarter=quarter,
                return_id=qr.pk if qr else None,
                status_label=qr.get_status_display() if qr else ("Not opened" if quarter.ends_on < today else ""),
                url=return_url(qr.pk) if qr else "",
                late=bool(qr and qr.was_late),
            )
        )
    return Scorecard(group=group, year=year, today=today, quarters=quarters, rows=rows, spend_flags=list(flags))


def scorecard_year_choices(*, today: dt.date) -> list[tuple[int, str]]:
    from cpeg.core.fiscal import financial_year_choices

    return financial_year_choices(FinancialYear.containing(today), before=5, after=0)


# --- What other apps may read about a group's returns ------------------------
# Funding (which sits above monitoring) and reporting read returns only
# through these three functions, never the models.


def returns_owed(*, group: EngagementGroup, year: FinancialYear) -> int:
    """The quarterly returns a group owed for ``year``: one for each quarter
    that ended on or after the day it was set up (as returns are opened), so
    a group set up mid-year owes fewer than four."""
    established = group.established_on
    return sum(1 for q in year.quarters if established is None or established <= q.ends_on)


@dataclass(frozen=True)
class ReturnsRecord:
    """A group's reporting in a year: returns submitted on time and the
    support it asked for in submitted returns ("Q2, Output: text")."""

    owed: int
    on_time: int
    support_needed: list[str]


def returns_record(*, group: EngagementGroup, year: FinancialYear) -> ReturnsRecord:
    """Returns submitted on time and support asked for, from the group's
    quarterly returns for the year (two queries).

    Support counts once the return asking for it has been submitted, as on
    the monitoring dashboard: a draft's request never reached the authority.
    """
    returns = list(
        QuarterlyReturn.objects.filter(group=group, financial_year=year.start_year, archived_at__isnull=True)
    )
    submitted = [r for r in returns if r.first_submitted_at is not None]
    support = [
        f"Q{quarter}, {output}: {text}"
        for quarter, output, text in ReturnLine.objects.filter(quarterly_return__in=submitted)
        .exclude(support_requested="")
        .order_by("quarterly_return__quarter", "position")
        .values_list("quarterly_return__quarter", "output", "support_requested")
    ]
    return ReturnsRecord(
        owed=returns_owed(group=group, year=year),
        on_time=sum(1 for r in submitted if not r.was_late),
        support_needed=support,
    )


def return_status(*, group_id: int, financial_year: int, quarter: int) -> str | None:
    """The status of the group's (unarchived) return for a quarter, or None."""
    return (
        QuarterlyReturn.objects.filter(
            group_id=group_id, financial_year=financial_year, quarter=quarter, archived_at__isnull=True
        )
        .values_list("status", flat=True)
        .first()
    )
