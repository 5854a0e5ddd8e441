"""The early-warning dashboard over the demo: some groups on track and some not."""

import datetime as dt

import pytest

from cpeg.accounts.models import User
from cpeg.core.fiscal import FinancialYear
from cpeg.reporting.monitoring import selectors

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def demo(demo_data):
    """The demo loaded as of 24 November 2026 (the shared fixture in conftest.py)."""


def test_the_dashboard_shows_some_groups_on_track_and_some_not(demo):
    officer = User.objects.get(username="officer")
    board = selectors.dashboard(user=officer, year=FinancialYear(2026), today=TODAY, page_size=100)
    rows = {r.borough_name: r for r in board.rows}
    assert len(rows) == 32
    behind = {name for name, r in rows.items() if r.behind_live or r.behind_latest}
    assert 0 < len(behind) < 32
    assert {name for name, r in rows.items() if r.barriers} >= {"Haringey", "Croydon"}
    assert {name for name, r in rows.items() if r.support} >= {"Haringey", "Islington", "Hackney"}
    on_track = [name for name, r in rows.items() if not r.needs_attention]
    assert len(on_track) >= 3
    assert not {"Hillingdon", "Sutton", "Enfield"} & set(on_track)


def test_needs_attention_singles_out_a_minority_each_with_its_reason(demo):
    """Yearly outputs (annual report, membership review) are due by Q4 and
    an amber self-assessment of a narrative output is not a risk, so a
    minority is flagged, each with the reasons why."""
    officer = User.objects.get(username="officer")
    board = selectors.dashboard(user=officer, year=FinancialYear(2026), today=TODAY, page_size=100)
    flagged = {r.borough_name: r.attention_reasons for r in board.rows if r.needs_attention}
    assert 0 < len(flagged) < len(board.rows) / 2, flagged
    assert board.totals["attention"] == len(flagged)
    assert all(flagged.values())
    assert {"Hillingdon", "Sutton", "Enfield"} <= set(flagged)
    assert not any("Annual report" in reason or "membership" in reason for r in flagged.values() for reason in r)
    assert not any(f.code in {"annual-report", "membership-review"} for r in board.rows for f in r.behind_live)
