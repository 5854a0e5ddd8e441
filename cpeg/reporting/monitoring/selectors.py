"""Reads for the monitoring figures that cross apps: the officers'
early-warning dashboard, a group's scorecard and a return's spend section.

They join quarterly returns (monitoring) with SLA targets (agreements),
activity counts (activities) and spend (funding), each through its app's
selectors. The dashboard and scorecard run a fixed number of queries
whatever the number of groups, years, returns and activities: a query
function reads in bulk (returns and lines as plain values), a pure builder
(``reporting.monitoring.rows``, ``.scorecard``) makes the rows.

Pages: ``reporting.monitoring.views``. Rows and totals: ``.rows``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.access import scope_groups
from cpeg.agreements.choices import MeasureType
from cpeg.core.caching import SHARED_CACHE, write_stamp
from cpeg.core.fiscal import FinancialYear, Quarter, financial_year_choices
from cpeg.funding.models import Award
from cpeg.funding.selectors import spend_flags_for, spend_position
from cpeg.groups.choices import GroupStatus
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring import sources
from cpeg.monitoring.choices import REPORTED_RETURN_STATUSES
from cpeg.monitoring.models import MonitoringSettings, QuarterlyReturn, ReturnLine
from cpeg.monitoring.selectors import evidence_url, url_maker
from cpeg.reporting.monitoring.rows import (
    BEHIND,
    DASHBOARD_FILTERS,
    Dashboard,
    DashboardData,
    RowContext,
    dashboard_row,
    dashboard_totals,
    live_period,
)
from cpeg.reporting.monitoring.scorecard import (
    Scorecard,
    ScorecardRow,
    scorecard_cell,
    scorecard_outputs,
    scorecard_quarters,
)

# Below this many groups the returns query names them; above it, reading
# the year's returns for every group and dropping the others is faster
# than a long ``IN`` list.
GROUP_IN_LIMIT = 500


def year_choices(*, today: dt.date) -> list[tuple[int, str]]:
    """The years the dashboard and scorecard offer: this one and five before."""
    return financial_year_choices(FinancialYear.containing(today), before=5, after=0)


# --- Spend (from funding) ------------------------------------------------------


@dataclass(frozen=True)
class SpendNote:
    """One spend flag as monitoring shows it: a sentence and where it comes from."""

    text: str
    url: str = ""

    def __str__(self):
        return self.text


def _money(value) -> str:
    return f"£{value:,.2f}"


def spend_notes_for(*, group_ids, financial_year: int) -> dict[int, list[SpendNote]]:
    """group id -> spend flags (overspend or underspend by budget category
    against the pro-rata budget) from ``funding.selectors.spend_flags_for``;
    groups on track or without an award have none."""
    notes: dict[int, list[SpendNote]] = {}
    for group_id, flag in spend_flags_for(group_ids=list(group_ids), financial_year=financial_year).items():
        if not getattr(flag, "is_flagged", False):
            continue
        url = getattr(flag, "url", "") or ""
        notes[group_id] = [
            SpendNote(
                f"{kind} on {c.label}: {_money(c.spent_to_date)} spent against "
                f"{_money(c.budget_to_date)} budgeted to Q{flag.quarter}",
                url,
            )
            for kind, categories in (("Overspend", flag.overspent), ("Underspend", flag.underspent))
            for c in categories
        ]
    return notes


@dataclass(frozen=True)
class ReturnSpend:
    """The spend section of a quarterly return: the group's award for the
    year (None without one), spend to date per budget category against the
    pro-rata budget, where to report this quarter's spend, and the year's
    spend flags."""

    award: object
    position: object
    report_url: str
    flags: list


def return_spend(*, quarterly_return: QuarterlyReturn) -> ReturnSpend:
    """The return page's spend section (shown beside the group's answers)."""
    qr = quarterly_return
    flags = spend_notes_for(group_ids=[qr.group_id], financial_year=qr.financial_year).get(qr.group_id, [])
    award = Award.objects.filter(group_id=qr.group_id, funding_round__financial_year=qr.financial_year).first()
    if award is None:
        return ReturnSpend(award=None, position=None, report_url="", flags=flags)
    return ReturnSpend(
        award=award,
        position=spend_position(award=award, quarter=qr.quarter),
        report_url=reverse(
            "funding:spend-report", kwargs={"pk": qr.group_id, "year": qr.financial_year, "quarter": qr.quarter}
        ),
        flags=flags,
    )


# --- The early-warning dashboard -----------------------------------------------


def _returns_by_group(group_ids: list[int], year: FinancialYear) -> dict[int, dict[tuple[int, int], dict]]:
    """group id -> (year, quarter) -> the return's id, status, due date and
    the day it was first submitted (so ``workflow.is_late`` can judge it),
    for the year and the previous year's Q4. One query."""
    previous_q4 = Quarter(year.start_year - 1, 4)
    scoped = QuarterlyReturn.objects.filter(
        Q(financial_year=year.start_year) | Q(financial_year=previous_q4.start_year, quarter=4),
        archived_at__isnull=True,
    )
    if len(group_ids) < GROUP_IN_LIMIT:
        scoped = scoped.filter(group_id__in=group_ids)
    wanted = set(group_ids)
    by_group: dict[int, dict[tuple[int, int], dict]] = defaultdict(dict)
    for r in scoped.order_by().values(
        "id", "group_id", "financial_year", "quarter", "status", "due_on", "first_submitted_at"
    ):
        if r["group_id"] in wanted:
            first = r.pop("first_submitted_at")
            r["first_submitted_on"] = timezone.localdate(first) if first else None
            by_group[r["group_id"]][(r["financial_year"], r["quarter"])] = r
    return by_group


def _latest_reported(by_group: dict, year: FinancialYear) -> dict[int, dict]:
    """The latest return each group has reported (submitted at least once) this year."""
    latest: dict[int, dict] = {}
    for gid, rows in by_group.items():
        reported = [
            r for (fy, _q), r in rows.items() if fy == year.start_year and r["status"] in REPORTED_RETURN_STATUSES
        ]
        if reported:
            latest[gid] = max(reported, key=lambda r: r["quarter"])
    return latest


def _lines_shown(by_group: dict, latest: dict) -> dict[int, list[dict]]:
    """return id -> the lines the dashboard shows: behind in the latest
    return, barriers in any reported return, and support asked for in any
    reported return and not yet marked as provided. One query (none when
    nothing is reported)."""
    reported_ids = [
        r["id"] for rows in by_group.values() for r in rows.values() if r["status"] in REPORTED_RETURN_STATUSES
    ]
    lines_by_return: dict[int, list[dict]] = defaultdict(list)
    if not reported_ids:
        return lines_by_return
    open_support = ~Q(support_requested="") & Q(support_resolved_at__isnull=True)
    line_filter = Q(quarterly_return_id__in=reported_ids) & (~Q(barriers="") | open_support)
    latest_ids = [r["id"] for r in latest.values()]
    if latest_ids:
        line_filter |= Q(quarterly_return_id__in=latest_ids, rag__in=list(BEHIND))
    lines = (
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
    )
    for line in lines:
        lines_by_return[line["quarterly_return_id"]].append(line)
    return lines_by_return


def _dashboard_groups(user):
    return scope_groups(user, EngagementGroup.objects.exclude(status=GroupStatus.DISBANDED))


def dashboard_data(
    *, user, year: FinancialYear, live_quarter, live_to: dt.date, only_ids: list[int] | None = None
) -> DashboardData:
    """Everything the dashboard shows for the groups the user may see (or
    those of them in ``only_ids``), read in bulk: a fixed number of queries
    whatever the number of groups."""
    visible = _dashboard_groups(user)
    if only_ids is not None:
        visible = visible.filter(pk__in=only_ids)
    groups = list(visible.order_by("borough__name", "name").values("id", "name", "status", "borough__name"))
    group_ids = [g["id"] for g in groups]
    by_group = _returns_by_group(group_ids, year)
    latest = _latest_reported(by_group, year)
    live = bool(groups) and live_quarter is not None
    targets = (
        sources.sla_targets_for_groups(group_ids=group_ids, financial_year=year.start_year, measure=MeasureType.COUNT)
        if live
        else {}
    )
    counts = sources.output_counts(group_ids=group_ids, starts_on=year.starts_on, ends_on=live_to) if live else {}
    return DashboardData(
        groups=groups,
        returns_by_group=by_group,
        latest=latest,
        lines_by_return=_lines_shown(by_group, latest),
        targets=targets,
        counts=counts,
        flags=spend_notes_for(group_ids=group_ids, financial_year=year.start_year) if groups else {},
        deadline_working_days=MonitoringSettings.load().deadline_working_days,
    )


def _dashboard_urls() -> dict:
    return {
        "return_url": url_maker("monitoring:return-detail"),
        "scorecard_url": url_maker("reporting:monitoring-scorecard"),
        "returns_url": url_maker("monitoring:return-list"),
        "evidence_url": evidence_url,
    }


# The dashboard's index (the totals, and which groups each filter shows,
# in order) is kept in the shared cache between requests: at 2,000 groups
# working it out classifies every group (about 3 s). Its key holds the
# latest AuditEvent's id, which every write through a service moves (each
# records an event: returns, SLAs, activities, groups, spend), with the
# day and the groups the person may see; a page then builds the rows of
# its 50 groups only.
DASHBOARD_CACHE = SHARED_CACHE
DASHBOARD_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class DashboardIndex:
    """The dashboard over every group: its totals, and the ids of the groups
    each filter (``""`` for all) shows, in the table's order."""

    totals: dict
    shown: dict[str, list[int]]


def _dashboard_index_key(*, user, year: FinancialYear, today: dt.date) -> str:
    """Moves with any audited write, the day, the year and the groups the
    user may see. Two queries."""
    group_ids = list(_dashboard_groups(user).order_by("pk").values_list("pk", flat=True))
    stamp = write_stamp()
    scope = hashlib.sha256(",".join(map(str, group_ids)).encode()).hexdigest()
    return f"monitoring-dashboard:{year.start_year}:{today.isoformat()}:{stamp}:{scope}"


def _index_of(rows: list) -> DashboardIndex:
    return DashboardIndex(
        totals=dashboard_totals(rows),
        shown={show: [row.group_id for row in rows if row.shows_under(show)] for show in ("", *DASHBOARD_FILTERS)},
    )


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
    every group. A fixed number of queries; with the index cached, only the
    page's groups are read.
    """
    year = year or FinancialYear.containing(today)
    show = show if show in DASHBOARD_FILTERS else ""
    live_quarter, live_to = live_period(year, today)
    cache = caches[DASHBOARD_CACHE]
    key = _dashboard_index_key(user=user, year=year, today=today)
    index = cache.get(key)
    rows_by_id = None
    if index is None:
        rows_by_id = {
            row.group_id: row
            for row in _dashboard_rows(user=user, year=year, today=today, period=(live_quarter, live_to))
        }
        index = _index_of(list(rows_by_id.values()))
        cache.set(key, index, DASHBOARD_CACHE_SECONDS)
    shown = Paginator(index.shown[show], page_size).get_page(page)
    if rows_by_id is None:
        page_rows = _dashboard_rows(
            user=user, year=year, today=today, period=(live_quarter, live_to), only_ids=list(shown.object_list)
        )
        rows_by_id = {row.group_id: row for row in page_rows}
    # The page holds the rows themselves, in the index's order.
    shown.object_list = [rows_by_id[group_id] for group_id in shown.object_list if group_id in rows_by_id]
    return Dashboard(
        year=year,
        today=today,
        live_quarter=live_quarter,
        live_to=live_to,
        quarters=year.quarters,
        totals=index.totals,
        page=shown,
        show=show,
    )


def _dashboard_rows(*, user, year, today, period, only_ids=None) -> list:
    live_quarter, live_to = period
    data = dashboard_data(user=user, year=year, live_quarter=live_quarter, live_to=live_to, only_ids=only_ids)
    ctx = RowContext.make(
        year=year,
        today=today,
        live_quarter=live_quarter,
        live_to=live_to,
        deadline_working_days=data.deadline_working_days,
        urls=_dashboard_urls(),
    )
    return [dashboard_row(group, data, ctx) for group in data.groups]


# --- A group's scorecard -------------------------------------------------------


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
    counts_by_q = {
        q.number: sources.output_counts(group_ids=[group.pk], starts_on=year.starts_on, ends_on=min(q.ends_on, today))
        for q in year.quarters
        if q.starts_on <= today
    }
    flags = spend_notes_for(group_ids=[group.pk], financial_year=year.start_year).get(group.pk, [])
    return_url = url_maker("monitoring:return-detail")
    lines_by_q = {number: {line.output_code: line for line in qr.lines.all()} for number, qr in returns.items()}
    outputs = scorecard_outputs(targets, returns)
    rows = [
        _scorecard_row(code, info, year, group.pk, lines_by_q, counts_by_q, returns, return_url, today)
        for code, info in sorted(outputs.items(), key=lambda item: (item[1]["position"], item[0]))
    ]
    return Scorecard(
        group=group,
        year=year,
        today=today,
        quarters=scorecard_quarters(year, returns, today, return_url),
        rows=rows,
        spend_flags=list(flags),
    )


def _scorecard_row(code, info, year, group_id, lines_by_q, counts_by_q, returns, return_url, today):
    """One output's row: a cell per quarter (each count linking to the
    activities it counted) and the link to the year's activities."""
    cells = [
        scorecard_cell(
            quarter,
            info,
            lines_by_q.get(quarter.number, {}).get(code),
            counts_by_q.get(quarter.number),
            group_id=group_id,
            code=code,
            url=return_url(returns[quarter.number].pk) if quarter.number in returns else "",
            count_url=evidence_url(group_id, code, year.starts_on, min(quarter.ends_on, today)),
        )
        for quarter in year.quarters
    ]
    return ScorecardRow(
        code=code,
        output=info["output"],
        heading_title=info["heading_title"],
        measure=info["measure"],
        annual_target=info["annual_target"],
        is_variation=info["is_variation"],
        variation_reason=info["variation_reason"],
        cells=cells,
        activity_url=evidence_url(group_id, code, year.starts_on, min(year.ends_on, today)),
    )
