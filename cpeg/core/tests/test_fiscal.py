import datetime as dt
from decimal import Decimal

import pytest

from cpeg.core.fiscal import FinancialYear, Quarter, add_working_days, is_working_day


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        (dt.date(2025, 4, 1), 2025, 1),
        (dt.date(2025, 6, 30), 2025, 1),
        (dt.date(2025, 7, 1), 2025, 2),
        (dt.date(2025, 12, 31), 2025, 3),
        (dt.date(2026, 1, 1), 2025, 4),
        (dt.date(2026, 3, 31), 2025, 4),
        (dt.date(2026, 4, 1), 2026, 1),
    ],
)
def test_dates_fall_in_the_uk_financial_year_and_quarter(day, year, quarter):
    assert FinancialYear.containing(day) == FinancialYear(year)
    assert Quarter.containing(day) == Quarter(year, quarter)


def test_a_financial_year_runs_april_to_march_and_is_labelled_by_both_years():
    year = FinancialYear(2025)
    assert year.starts_on == dt.date(2025, 4, 1)
    assert year.ends_on == dt.date(2026, 3, 31)
    assert year.label == "2025/26"
    assert [q.label for q in year.quarters] == ["Q1 2025/26", "Q2 2025/26", "Q3 2025/26", "Q4 2025/26"]


def test_quarters_have_their_own_start_and_end_dates():
    assert (Quarter(2025, 1).starts_on, Quarter(2025, 1).ends_on) == (dt.date(2025, 4, 1), dt.date(2025, 6, 30))
    assert (Quarter(2025, 3).starts_on, Quarter(2025, 3).ends_on) == (dt.date(2025, 10, 1), dt.date(2025, 12, 31))
    assert (Quarter(2025, 4).starts_on, Quarter(2025, 4).ends_on) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert Quarter(2025, 4).next() == Quarter(2026, 1)
    assert Quarter(2026, 1).previous() == Quarter(2025, 4)
    assert Quarter(2025, 2).elapsed_fraction == Decimal("0.5")


def test_a_quarter_must_be_numbered_one_to_four():
    with pytest.raises(ValueError, match="numbered 1 to 4"):
        Quarter(2025, 5)


@pytest.mark.parametrize("label", ["2025/26", "2025-26", "2025", " 2025/2026 "])
def test_financial_years_are_read_from_their_labels(label):
    assert FinancialYear.parse(label) == FinancialYear(2025)


@pytest.mark.parametrize("label", ["2025/27", "25/26", "twenty", ""])
def test_nonsense_year_labels_are_refused(label):
    with pytest.raises(ValueError, match="not a financial year"):
        FinancialYear.parse(label)


def test_weekends_and_england_bank_holidays_are_not_working_days():
    assert is_working_day(dt.date(2026, 4, 2)) is True  # Thursday before Easter
    assert is_working_day(dt.date(2026, 4, 3)) is False  # Good Friday
    assert is_working_day(dt.date(2026, 4, 6)) is False  # Easter Monday
    assert is_working_day(dt.date(2026, 4, 4)) is False  # Saturday
    assert is_working_day(dt.date(2025, 12, 25)) is False
    assert is_working_day(dt.date(2025, 12, 26)) is False


def test_fifteen_working_days_after_the_end_of_q4_skip_easter():
    # Quarter ends Tuesday 31 March 2026. Working days: 1 Apr (1), 2 Apr (2),
    # [3 Apr Good Friday, 4-5 weekend, 6 Apr Easter Monday], 7-10 Apr (3-6),
    # 13-17 Apr (7-11), 20-23 Apr (12-15).
    assert add_working_days(dt.date(2026, 3, 31), 15) == dt.date(2026, 4, 23)


def test_fifteen_working_days_after_the_end_of_q2_with_no_holidays():
    # 30 Sept 2025 is a Tuesday: 1-3 Oct (3), 6-10 (8), 13-17 (13), 20-21 (15).
    assert add_working_days(dt.date(2025, 9, 30), 15) == dt.date(2025, 10, 21)
