"""Pro-rata targets, suggested RAG statuses and deadlines, against figures worked by hand."""

import datetime as dt
from decimal import Decimal

import pytest

from cpeg.core.fiscal import Quarter
from cpeg.monitoring.choices import Rag
from cpeg.monitoring.figures import (
    ended_quarters,
    format_target,
    pro_rata_target,
    return_due_on,
    suggest_rag,
    working_days_before,
)


@pytest.mark.parametrize(
    ("annual", "quarter", "expected"),
    [
        (4, 1, "1.00"),
        (4, 2, "2.00"),
        (4, 3, "3.00"),
        (4, 4, "4.00"),
        (6, 1, "1.50"),
        (6, 2, "3.00"),
        (6, 3, "4.50"),
        (5, 1, "1.25"),
        (1, 3, "0.75"),
        (0, 2, "0.00"),
    ],
)
def test_pro_rata_target_is_the_annual_target_times_quarters_gone_over_four(annual, quarter, expected):
    assert pro_rata_target(annual, quarter) == Decimal(expected)


def test_an_output_with_no_target_has_no_pro_rata_target():
    assert pro_rata_target(None, 2) is None


@pytest.mark.parametrize(
    ("count", "target", "expected"),
    [
        (3, "3", Rag.GREEN),  # on target
        (4, "3", Rag.GREEN),  # ahead
        (0, "0", Rag.GREEN),  # nothing due yet
        (2, "1.25", Rag.GREEN),
        (2, "3", Rag.AMBER),  # within one
        (0, "1", Rag.AMBER),  # within one
        (0, "0.5", Rag.AMBER),
        (1, "1.5", Rag.AMBER),
        (2, "4", Rag.AMBER),  # half of it
        (5, "10", Rag.AMBER),
        (1, "3", Rag.RED),  # two short and under half
        (0, "2", Rag.RED),
        (4, "10", Rag.RED),
        (1, "2.25", Rag.RED),
    ],
)
def test_suggested_rag_is_green_on_target_amber_within_one_or_half_way_red_otherwise(count, target, expected):
    assert suggest_rag(count, Decimal(target)) == expected


def test_yes_no_and_narrative_lines_get_no_suggestion():
    assert suggest_rag(None, None) == ""
    assert suggest_rag(3, None) == ""


def test_targets_are_shown_without_trailing_zeros():
    assert [format_target(Decimal(v)) for v in ("3.00", "1.50", "1.25", "0.00")] == ["3", "1.5", "1.25", "0"]


def test_a_q4_return_is_due_fifteen_working_days_after_31_march_2026_skipping_easter():
    # 31 March 2026 is a Tuesday. Working days after it: 1 Wed 1 Apr, 2 Thu 2 Apr,
    # (Fri 3 Apr Good Friday, weekend, Mon 6 Apr Easter Monday), 3 Tue 7 Apr, 4 Wed 8,
    # 5 Thu 9, 6 Fri 10, 7 Mon 13, 8 Tue 14, 9 Wed 15, 10 Thu 16, 11 Fri 17,
    # 12 Mon 20, 13 Tue 21, 14 Wed 22, 15 Thu 23 April.
    assert return_due_on(Quarter(2025, 4), 15) == dt.date(2026, 4, 23)


def test_a_q2_return_is_due_fifteen_working_days_after_30_september():
    # Tue 30 Sep 2025; October has no bank holiday: 1-3, 6-10, 13-17, 20, 21 Oct.
    assert return_due_on(Quarter(2025, 2), 15) == dt.date(2025, 10, 21)


def test_the_reminder_day_counts_working_days_back_from_the_deadline():
    # Thu 23 Apr 2026 back 5 working days: 22, 21, 20, 17, 16 April.
    assert working_days_before(dt.date(2026, 4, 23), 5) == dt.date(2026, 4, 16)
    # Back over Easter: Tue 7 Apr 2026 back 2: Thu 2 Apr, Wed 1 Apr.
    assert working_days_before(dt.date(2026, 4, 7), 2) == dt.date(2026, 4, 1)


def test_ended_quarters_are_this_years_finished_quarters_and_last_years_q4():
    assert ended_quarters(dt.date(2026, 11, 24)) == [Quarter(2025, 4), Quarter(2026, 1), Quarter(2026, 2)]
    assert ended_quarters(dt.date(2026, 4, 1)) == [Quarter(2025, 4)]
    assert ended_quarters(dt.date(2026, 3, 31)) == [
        Quarter(2024, 4),
        Quarter(2025, 1),
        Quarter(2025, 2),
        Quarter(2025, 3),
    ]
