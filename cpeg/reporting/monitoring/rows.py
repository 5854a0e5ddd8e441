"""The early-warning dashboard's rows and totals, built from plain values.

No database access here: ``reporting.monitoring.selectors.dashboard_data``
reads everything in bulk (returns and lines as dicts, SLA targets,
activity counts, spend flags), and the functions below turn one group's
share of it into a ``DashboardRow``, and the rows into the totals. So each
rule (what is late, what is behind, which barriers run on) can be tested
with a few dicts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page

from cpeg.agreements.choices import MeasureType
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.groups.choices import GroupStatus
from cpeg.monitoring import figures
from cpeg.monitoring.choices import (
    RAG_SHORT_LABELS,
    RAG_TAG_CLASSES,
    REPORTED_RETURN_STATUSES,
    Rag,
    ReturnStatus,
)
from cpeg.monitoring.workflow import is_late, is_overdue

BEHIND = frozenset({Rag.AMBER, Rag.RED})
# Part-way through a quarter amber is normal, so the live record flags red only.
BEHIND_LIVE = frozenset({Rag.RED})


def rag_tag(rag: str) -> dict:
    """The label and GOV.UK tag class a RAG status shows with."""
    return {"label": RAG_SHORT_LABELS.get(rag, "Not set"), "css": RAG_TAG_CLASSES.get(rag, "govuk-tag--grey")}


class ShowsTarget:
    """How a figure with a ``target`` and a ``rag`` shows them."""

    target: Decimal | None
    rag: str

    @property
    def target_text(self) -> str:
        return figures.format_target(self.target)

    @property
    def tag(self) -> dict:
        return rag_tag(self.rag)


@dataclass
class Figure(ShowsTarget):
    """A count against a pro-rata target for one output, with where it comes from."""

    code: str
    output: str
    count: int | None
    target: Decimal | None
    rag: str
    url: str = ""  # where the figure comes from (the return, or the activity list)
    count_url: str = ""  # the activities counted (``monitoring.selectors.evidence_url``)


@dataclass
class ReturnCell:
    quarter: Quarter
    status: str  # a ReturnStatus value, "not_opened", "not_due" or "paused"
    label: str
    due_on: dt.date | None
    url: str = ""
    overdue: bool = False  # late and still not submitted
    late: bool = False  # ``workflow.is_late``: the summary, the filter and the tag all read this
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
            if cell.late:
                self.late.append(cell)
            if cell.status in (ReturnStatus.DRAFT, "not_opened") and not cell.late:
                self.due.append(cell)
            elif cell.status == ReturnStatus.RETURNED:
                self.returned.append(cell)
            elif cell.status == ReturnStatus.SUBMITTED:
                self.awaiting_review.append(cell)

    @property
    def attention_reasons(self) -> list[str]:
        """Why the group needs attention now: real risk only. A return late
        and still not submitted; an output red on the activity record; an
        output reported red in the latest return, or amber with its count
        below the target; open support; barriers running;
        spend flags. Not: an amber self-assessment of a yes/no or
        narrative output (listed in the row), a
        return submitted late (tagged, and counted as late), one sent back
        (with the group, chased once overdue) or one waiting for review."""
        reasons = [f"{c.quarter.label} return late, not submitted" for c in self.late if c.overdue]
        reasons += [f"{f.output}: {f.count} of {f.target_text} on the activity record" for f in self.behind_live]
        latest = self.latest_return.quarter.label if self.latest_return else "the latest return"
        reasons += [
            f"{f.output}: reported {f.tag['label'].lower()} in {latest}"
            + (f" ({f.count} of {f.target_text})" if f.target is not None else "")
            for f in self.behind_latest
            if f.rag == Rag.RED or (f.target is not None and f.count is not None and f.count < f.target)
        ]
        reasons += [f"Support asked for: {s.output} ({s.quarter.label})" for s in self.support]
        reasons += [f"Barriers {b.quarters_label}: {b.output}" for b in self.barriers]
        reasons += [str(flag) for flag in self.spend_flags]
        return reasons

    @property
    def needs_attention(self) -> bool:
        return bool(self.attention_reasons)

    def shows_under(self, show: str) -> bool:
        """Whether the row belongs in the list filtered by ``?show=``."""
        if not show:
            return True
        if show == "attention":
            return self.needs_attention
        return bool(getattr(self, DASHBOARD_FILTER_FIELDS[show]))


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


@dataclass
class DashboardData:
    """What the dashboard reads, as plain values: the groups, each group's
    returns by (year, quarter), the latest reported return per group, the
    return lines shown, SLA targets, activity counts and spend flags."""

    groups: list[dict]
    returns_by_group: dict[int, dict[tuple[int, int], dict]]
    latest: dict[int, dict]
    lines_by_return: dict[int, list[dict]]
    targets: dict[int, list]
    counts: dict[tuple[int, str], int]
    flags: dict[int, list]
    deadline_working_days: int


@dataclass
class RowContext:
    """What every row shares, worked out once per dashboard, not per group:
    the period, status labels, due dates, URL makers and pro-rata shares."""

    year: FinancialYear
    today: dt.date
    live_quarter: Quarter | None
    due_dates: dict[int, dt.date]
    labels: dict[str, str]
    return_url: Callable[[int], str]
    scorecard_url: Callable[[int], str]
    returns_url: Callable[[int], str]
    # (group id, output code, from, to) -> the activity list behind a count.
    evidence_url: Callable[[int, str, dt.date, dt.date], str]
    live_to: dt.date | None = None
    shares: dict = field(default_factory=dict)

    @property
    def year_quarters(self) -> list[Quarter]:
        """The year's quarters, with the previous year's Q4 first."""
        return [Quarter(self.year.start_year - 1, 4), *self.year.quarters]

    @classmethod
    def make(
        cls, *, year, today, live_quarter, deadline_working_days: int, urls: dict, live_to: dt.date | None = None
    ) -> RowContext:
        return cls(
            year=year,
            today=today,
            live_quarter=live_quarter,
            live_to=live_to or today,
            due_dates={
                q.number: figures.return_due_on(q, deadline_working_days) for q in year.quarters if q.ends_on < today
            },
            labels={status.value: str(status.label) for status in ReturnStatus},
            **urls,
        )


def return_cells(returns_by_q: dict[int, dict], ctx: RowContext, *, reporting: bool) -> list[ReturnCell]:
    """One cell per quarter of the year; ``reporting`` is False for a
    suspended group (monitoring paused)."""
    cells = []
    for quarter in ctx.year.quarters:
        row = returns_by_q.get(quarter.number)
        if row is not None:
            status = row["status"]
            cells.append(
                ReturnCell(
                    quarter=quarter,
                    status=status,
                    label=ctx.labels[status],
                    due_on=row["due_on"],
                    url=ctx.return_url(row["id"]),
                    overdue=is_overdue(status, row["due_on"], ctx.today),
                    late=is_late(
                        status=status,
                        due_on=row["due_on"],
                        first_submitted_on=row.get("first_submitted_on"),
                        today=ctx.today,
                    ),
                    return_id=row["id"],
                )
            )
        elif quarter.number in ctx.due_dates and not reporting:
            cells.append(ReturnCell(quarter=quarter, status="paused", label="Monitoring paused", due_on=None))
        elif quarter.number in ctx.due_dates:  # the quarter has ended
            due_on = ctx.due_dates[quarter.number]
            late = is_late(status="not_opened", due_on=due_on, first_submitted_on=None, today=ctx.today)
            cells.append(
                ReturnCell(
                    quarter=quarter, status="not_opened", label="Not opened", due_on=due_on, overdue=late, late=late
                )
            )
        else:
            cells.append(ReturnCell(quarter=quarter, status="not_due", label="Not due yet", due_on=None))
    return cells


def live_red_figures(group_id: int, targets, counts, ctx: RowContext) -> list[Figure]:
    """The group's counted outputs that are red on the activity record so
    far, judged against the pro-rata target to the end of the live quarter
    (``ctx.shares`` caches (yearly target, due quarter) -> pro-rata target
    across groups)."""
    if ctx.live_quarter is None:
        return []
    result = []
    for t in targets:
        if t.measure != MeasureType.COUNT or t.annual_target is None:
            continue
        key = (t.annual_target, getattr(t, "due_quarter", None))
        target = ctx.shares.get(key)
        if target is None:
            target = ctx.shares[key] = figures.pro_rata_target(
                t.annual_target, ctx.live_quarter.number, due_quarter=key[1]
            )
        count = counts.get((group_id, t.code), 0)
        rag = figures.suggest_rag(count, target)
        if rag in BEHIND_LIVE:
            url = ctx.evidence_url(group_id, t.code, ctx.year.starts_on, ctx.live_to)
            result.append(Figure(t.code, t.output, count, target, rag, url, url))
    return result


def behind_in_latest(group_id: int, latest_row: dict | None, lines_by_return, ctx: RowContext) -> list[Figure]:
    """The outputs the group reported amber or red in its latest return
    (each count links to the activities it counted, to the quarter's end)."""
    if latest_row is None:
        return []
    url = ctx.return_url(latest_row["id"])
    ends_on = Quarter(latest_row["financial_year"], latest_row["quarter"]).ends_on
    return [
        Figure(
            line["output_code"],
            line["output"],
            line["count_to_date"],
            line["pro_rata_target"],
            line["rag"],
            url,
            ctx.evidence_url(group_id, line["output_code"], ctx.year.starts_on, ends_on),
        )
        for line in lines_by_return.get(latest_row["id"], ())
        if line["rag"] in BEHIND
    ]


def _reported_returns(group_returns: dict, ctx: RowContext):
    """(quarter, return) for the group's reported returns over the year's
    quarters (the previous year's Q4 first), with the quarter's index."""
    for index, quarter in enumerate(ctx.year_quarters):
        r = group_returns.get((quarter.start_year, quarter.number))
        if r is not None and r["status"] in REPORTED_RETURN_STATUSES:
            yield index, quarter, r


def open_support(group_returns: dict, lines_by_return, ctx: RowContext) -> list[SupportItem]:
    """Support asked for on any line of the group's reported returns for the
    year (the previous year's Q4 included) and not yet marked as provided,
    oldest quarter first."""
    return [
        SupportItem(line["id"], line["output"], line["support_requested"], quarter, ctx.return_url(r["id"]))
        for _index, quarter, r in _reported_returns(group_returns, ctx)
        for line in lines_by_return.get(r["id"], ())
        if line["support_open"] and line["support_requested"].strip()
    ]


def _longest_run(entries: list) -> list:
    """The longest run of consecutive quarter indexes (the latest on a tie)."""
    best: list = []
    current: list = []
    for entry in entries:
        if current and entry[0] == current[-1][0] + 1:
            current.append(entry)
        else:
            current = [entry]
        if len(current) >= max(2, len(best)):
            best = list(current)
    return best


def barrier_runs(group_returns: dict, lines_by_return, ctx: RowContext) -> list[BarrierRun]:
    """Outputs with barriers reported in two or more consecutive quarters
    (the previous year's Q4 counts as the quarter before Q1)."""
    per_output: dict[str, list[tuple[int, Quarter, dict, int]]] = defaultdict(list)
    for index, quarter, r in _reported_returns(group_returns, ctx):
        for line in lines_by_return.get(r["id"], []):
            if line["barriers"].strip():
                per_output[line["output_code"]].append((index, quarter, line, r["id"]))
    runs = []
    for entries in per_output.values():
        best = _longest_run(entries)
        if len(best) >= 2:
            _index, _quarter, line, return_id = best[-1]
            runs.append(
                BarrierRun(
                    output=line["output"],
                    quarters=[e[1] for e in best],
                    latest_text=line["barriers"],
                    return_url=ctx.return_url(return_id),
                )
            )
    return runs


def dashboard_row(group: dict, data: DashboardData, ctx: RowContext) -> DashboardRow:
    """One group's row: its returns, what is behind, support, barriers and spend."""
    gid = group["id"]
    group_returns = data.returns_by_group.get(gid, {})
    cells = return_cells(
        {q: r for (fy, q), r in group_returns.items() if fy == ctx.year.start_year},
        ctx,
        reporting=group["status"] == GroupStatus.ACTIVE,
    )
    latest_row = data.latest.get(gid)
    latest_cell = (
        next(c for c in cells if c.quarter.number == latest_row["quarter"]) if latest_row is not None else None
    )
    return DashboardRow(
        group_id=gid,
        group_name=group["name"],
        borough_name=group["borough__name"],
        group_status=group["status"],
        cells=cells,
        behind_live=live_red_figures(gid, data.targets.get(gid, ()), data.counts, ctx),
        behind_latest=behind_in_latest(gid, latest_row, data.lines_by_return, ctx),
        latest_return=latest_cell,
        support=open_support(group_returns, data.lines_by_return, ctx),
        barriers=barrier_runs(group_returns, data.lines_by_return, ctx),
        spend_flags=list(data.flags.get(gid, ())),
        scorecard_url=ctx.scorecard_url(gid),
        returns_url=ctx.returns_url(gid),
    )


TOTALS = (
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
)


def dashboard_totals(rows: list[DashboardRow]) -> dict[str, int]:
    """The summary figures over every row: returns due, late, returned and
    awaiting review and open support requests are counted one by one; the
    rest count groups."""
    totals = dict.fromkeys(TOTALS, 0)
    for row in rows:
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
    return totals
