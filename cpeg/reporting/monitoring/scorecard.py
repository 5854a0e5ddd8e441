"""A group's scorecard: every quarter of a year side by side, built from
plain values (``reporting.monitoring.selectors.scorecard`` reads them)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cpeg.agreements.choices import MeasureType
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.monitoring import figures
from cpeg.reporting.monitoring.rows import ShowsTarget

# What a scorecard row takes from an SLA target or a return line.
OUTPUT_FIELDS = (
    "output",
    "heading_title",
    "measure",
    "annual_target",
    "due_quarter",
    "is_variation",
    "variation_reason",
    "position",
)


@dataclass
class ScorecardCell(ShowsTarget):
    quarter: Quarter
    count: int | None
    target: Decimal | None
    rag: str
    source: str  # "return" (as in the return), "live" (from the activity record) or "" (not started)
    url: str = ""  # the quarter's return
    count_url: str = ""  # the activities counted (to the quarter's end, or today)


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
    group: object
    year: FinancialYear
    today: dt.date
    quarters: list[ScorecardQuarter]
    rows: list[ScorecardRow]
    spend_flags: list


def scorecard_outputs(targets, returns: dict) -> dict[str, dict]:
    """code -> what the row shows about the output: from the SLA targets,
    then from the returns' lines for outputs no longer in the SLA."""
    outputs = {t.code: {name: getattr(t, name) for name in OUTPUT_FIELDS} for t in targets}
    for qr in returns.values():
        for line in qr.lines.all():
            outputs.setdefault(line.output_code, {name: getattr(line, name) for name in OUTPUT_FIELDS})
    return outputs


def scorecard_cell(
    quarter: Quarter, info: dict, line, live_counts: dict | None, *, group_id, code, url: str, count_url: str = ""
):
    """One output in one quarter: the return's figures if the quarter has a
    return with this line, live figures from the activity record if the
    quarter has started (a count for every output, a target and status for
    counted ones), otherwise just the pro-rata target."""
    counted = info["measure"] == MeasureType.COUNT
    if line is not None:
        return ScorecardCell(quarter, line.count_to_date, line.pro_rata_target, line.rag, "return", url, count_url)
    if live_counts is not None:
        target = (
            figures.pro_rata_target(info["annual_target"], quarter.number, due_quarter=info["due_quarter"])
            if counted
            else None
        )
        count = live_counts.get((group_id, code), 0)
        return ScorecardCell(quarter, count, target, figures.suggest_rag(count, target), "live", "", count_url)
    target = (
        figures.pro_rata_target(info["annual_target"], quarter.number, due_quarter=info["due_quarter"])
        if counted
        else None
    )
    return ScorecardCell(quarter, None, target, "", "")


def scorecard_quarters(year: FinancialYear, returns: dict, today: dt.date, return_url) -> list[ScorecardQuarter]:
    """Each quarter's return (status, link, late) or what to say without one."""
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
    return quarters
