"""The dashboard's rows and totals from plain values: no database."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.monitoring.choices import Rag, ReturnStatus
from cpeg.reporting.monitoring.rows import (
    DashboardData,
    RowContext,
    barrier_runs,
    dashboard_row,
    dashboard_totals,
    live_period,
    open_support,
    return_cells,
)

YEAR = FinancialYear(2025)


def _ctx(today=dt.date(2025, 10, 1)) -> RowContext:
    live_quarter, _ = live_period(YEAR, today)
    return RowContext.make(
        year=YEAR,
        today=today,
        live_quarter=live_quarter,
        deadline_working_days=15,
        urls={
            "return_url": lambda pk: f"/r/{pk}/",
            "scorecard_url": lambda pk: f"/s/{pk}/",
            "returns_url": lambda pk: f"/l/{pk}/",
            "evidence_url": lambda pk, code, starts_on, ends_on: (
                f"/a/{pk}/?output={code}&from={starts_on}&to={ends_on}"
            ),
        },
    )


def _return(pk, quarter, status, year=2025, due_on=dt.date(2025, 10, 21)):
    return {"id": pk, "group_id": 1, "financial_year": year, "quarter": quarter, "status": status, "due_on": due_on}


def _line(pk, code, *, barriers="", support="", support_open=False, rag=Rag.GREEN):
    return {
        "id": pk,
        "output_code": code,
        "output": f"Output {code}",
        "count_to_date": 1,
        "pro_rata_target": Decimal("2.00"),
        "rag": rag,
        "barriers": barriers,
        "support_requested": support,
        "support_open": support_open,
    }


def test_each_quarter_gets_a_cell_for_its_return_or_what_is_missing():
    """1 October 2025: Q1 (due 21 July) never opened is overdue; Q2 is a
    draft not yet due; Q3 and Q4 have not ended."""
    cells = return_cells({2: _return(7, 2, ReturnStatus.DRAFT)}, _ctx(), reporting=True)
    assert [(c.status, c.overdue, c.url) for c in cells] == [
        ("not_opened", True, ""),
        (ReturnStatus.DRAFT, False, "/r/7/"),
        ("not_due", False, ""),
        ("not_due", False, ""),
    ]
    paused = return_cells({}, _ctx(), reporting=False)
    assert [c.status for c in paused] == ["paused", "paused", "not_due", "not_due"]


def test_barriers_in_two_quarters_running_make_a_run_across_the_year_boundary():
    """Last year's Q4 counts as the quarter before Q1; a gap breaks the run;
    a draft's barriers are not reported yet."""
    returns = {
        (2024, 4): _return(1, 4, ReturnStatus.ACCEPTED, year=2024),
        (2025, 1): _return(2, 1, ReturnStatus.ACCEPTED),
        (2025, 2): _return(3, 2, ReturnStatus.DRAFT),
    }
    lines = {
        1: [_line(10, "meetings", barriers="No venue"), _line(11, "newsletters", barriers="No printer")],
        2: [_line(20, "meetings", barriers="Still no venue")],
        3: [_line(30, "newsletters", barriers="Printer broken")],
    }
    (run,) = barrier_runs(returns, lines, _ctx())
    assert ([q.label for q in run.quarters], run.latest_text, run.return_url) == (
        ["Q4 2024/25", "Q1 2025/26"],
        "Still no venue",
        "/r/2/",
    )


def test_open_support_comes_from_reported_returns_only_oldest_first():
    returns = {
        (2025, 1): _return(2, 1, ReturnStatus.SUBMITTED),
        (2025, 2): _return(3, 2, ReturnStatus.DRAFT),
    }
    lines = {
        2: [_line(20, "meetings", support="A hall", support_open=True), _line(21, "x", support="Done")],
        3: [_line(30, "meetings", support="Printing", support_open=True)],
    }
    (item,) = open_support(returns, lines, _ctx())
    assert (item.line_id, item.quarter, item.return_url) == (20, Quarter(2025, 1), "/r/2/")


def test_a_row_and_the_totals_from_plain_values():
    """Camden: Q1 returned, Q2 submitted with newsletters amber; 0 of 2
    newsletters live is red. Hackney: nothing opened, so Q1 is late and Q2
    is due."""
    target = SimpleNamespace(code="newsletters", output="Newsletters", measure="count", annual_target=4)
    data = DashboardData(
        groups=[
            {"id": 1, "name": "Camden", "status": "active", "borough__name": "Camden"},
            {"id": 2, "name": "Hackney", "status": "active", "borough__name": "Hackney"},
        ],
        returns_by_group={
            1: {(2025, 1): _return(2, 1, ReturnStatus.RETURNED), (2025, 2): _return(3, 2, ReturnStatus.SUBMITTED)}
        },
        latest={1: _return(3, 2, ReturnStatus.SUBMITTED)},
        lines_by_return={3: [_line(30, "newsletters", rag=Rag.AMBER)]},
        targets={1: [target], 2: [target]},
        counts={(2, "newsletters"): 2},
        flags={},
        deadline_working_days=15,
    )
    ctx = _ctx(dt.date(2025, 10, 22))
    camden, hackney = (dashboard_row(g, data, ctx) for g in data.groups)
    assert [(f.code, f.count, f.rag, f.url) for f in camden.behind_live] == [
        ("newsletters", 0, Rag.RED, "/a/1/?output=newsletters&from=2025-04-01&to=2025-10-22")
    ]
    assert [(f.code, f.rag, f.url) for f in camden.behind_latest] == [("newsletters", Rag.AMBER, "/r/3/")]
    assert camden.latest_return.quarter == Quarter(2025, 2)
    assert ([c.quarter.number for c in camden.returned], [c.quarter.number for c in camden.awaiting_review]) == (
        [1],
        [2],
    )
    assert ([c.quarter.number for c in hackney.late], hackney.behind_live) == ([1, 2], [])
    assert dashboard_totals([camden, hackney]) == {
        "groups": 2,
        "due": 0,
        "late": 2,
        "returned": 1,
        "awaiting_review": 1,
        "behind_live": 1,
        "behind_latest": 1,
        "support": 0,
        "barriers": 0,
        "attention": 2,
    }
    assert [r.group_name for r in (camden, hackney) if r.shows_under("returned")] == ["Camden"]


def test_one_meaning_of_late_for_the_summary_the_filter_and_the_tag():
    """22 October 2025: Camden's Q1 return was first submitted on 25 July,
    after its 21 July due date; Hackney's Q1 is a draft past its due date.
    Both are late: counted in the summary, listed by the filter, tagged."""
    q1_due = dt.date(2025, 7, 21)
    data = DashboardData(
        groups=[
            {"id": 1, "name": "Camden", "status": "active", "borough__name": "Camden"},
            {"id": 2, "name": "Hackney", "status": "active", "borough__name": "Hackney"},
        ],
        returns_by_group={
            1: {
                (2025, 1): {
                    **_return(2, 1, ReturnStatus.ACCEPTED, due_on=q1_due),
                    "first_submitted_on": dt.date(2025, 7, 25),
                }
            },
            2: {(2025, 1): {**_return(3, 1, ReturnStatus.DRAFT, due_on=q1_due), "first_submitted_on": None}},
        },
        latest={},
        lines_by_return={},
        targets={},
        counts={},
        flags={},
        deadline_working_days=15,
    )
    ctx = _ctx(dt.date(2025, 10, 22))
    camden, hackney = (dashboard_row(g, data, ctx) for g in data.groups)
    assert [c.late for c in camden.cells][:2] == [True, True]  # Q2 never opened, past 21 October
    assert [c.late for c in hackney.cells][:1] == [True]
    assert dashboard_totals([camden, hackney])["late"] == 4
    assert [r.group_name for r in (camden, hackney) if r.shows_under("late")] == ["Camden", "Hackney"]
