"""Suppression, Wilson intervals and ratios against hand computation."""

from decimal import Decimal

import pytest

from cpeg.membership import figures


def shown(table):
    return {c.key: c.value for c in table.cells}


def test_counts_of_one_to_four_are_suppressed_with_a_second_cell_so_the_total_cannot_reveal_them():
    # One person in a category: 1 is hidden, and the smallest other
    # non-zero cell (7, not the 0) goes with it.
    table = figures.suppress({"a": 10, "b": 1, "c": 0, "d": 7})
    assert shown(table) == {"a": 10, "b": None, "c": 0, "d": None}
    assert table.total == 18
    assert table.total_shown is True
    # 18 - 10 - 0 = 8 is the sum of two hidden cells: 1 + 7, 4 + 4, ...


def test_two_small_cells_need_no_secondary_suppression():
    table = figures.suppress({"a": 3, "b": 2, "c": 9})
    assert shown(table) == {"a": None, "b": None, "c": 9}


def test_a_table_of_fewer_than_five_people_shows_nothing_not_even_its_zeros():
    table = figures.suppress({"a": 3, "b": 0, "c": 1})
    assert shown(table) == {"a": None, "b": None, "c": None}
    assert table.total_shown is False


def test_five_is_shown_and_zero_is_shown():
    table = figures.suppress({"a": 5, "b": 0, "c": 6})
    assert shown(table) == {"a": 5, "b": 0, "c": 6}


def test_a_zero_is_the_secondary_cell_only_when_nothing_else_is_left():
    table = figures.suppress({"a": 0, "b": 6})
    assert shown(table) == {"a": 0, "b": 6}
    table = figures.suppress({"a": 0, "b": 2, "c": 0, "d": 6})
    assert shown(table) == {"a": 0, "b": None, "c": 0, "d": None}


def test_two_categories_differing_by_one_do_not_reveal_the_one():
    # Executive (6 White, 5 Asian) and membership (7 White, 5 Asian) would
    # reveal nothing by difference because no total across them is shown;
    # within one table, 6 and 7 are both shown and 1 appears nowhere.
    table = figures.suppress({"white": 7, "asian": 6, "black": 1})
    assert shown(table) == {"white": 7, "asian": None, "black": None}


def test_a_london_sum_is_hidden_when_any_group_figure_in_it_is_hidden():
    a = figures.suppress({"x": 10, "y": 2, "z": 8})  # y hidden, z hidden as secondary
    b = figures.suppress({"x": 6, "y": 7, "z": 9})
    london = figures.roll_up([a, b], ["x", "y", "z"])
    assert shown(london) == {"x": 16, "y": None, "z": None}
    assert london.total == 42
    assert london.total_shown is True
    # 42 - 16 = 26 = (a.y + a.z) + 16 from b: a's hidden sum, 10, which
    # a's own table already gives (20 - 10); nothing new.


def test_a_london_total_is_hidden_when_a_group_total_is_hidden():
    a = figures.suppress({"x": 3, "y": 0})
    b = figures.suppress({"x": 6, "y": 7})
    london = figures.roll_up([a, b], ["x", "y"])
    assert london.total_shown is False
    # a shows nothing (3 people), so no London sum that includes a is
    # shown: y = 0 + 7 would tell that a's 3 are all in x.
    assert shown(london) == {"x": None, "y": None}


def test_wilson_interval_matches_the_worked_example():
    low, high = figures.wilson_interval(3, 12)
    # By hand: centre 0.31063, half-width 0.22168.
    assert abs(low - Decimal("0.08894")) < Decimal("0.00001")
    assert abs(high - Decimal("0.53231")) < Decimal("0.00001")


def test_wilson_interval_at_the_edges_stays_within_zero_and_one():
    assert figures.wilson_interval(0, 12)[0] == 0
    low, high = figures.wilson_interval(12, 12)
    assert high == 1
    assert abs(low - Decimal("0.75750")) < Decimal("0.0001")  # 12/(12+3.8415)=0.7575
    with pytest.raises(ValueError):
        figures.wilson_interval(3, 0)


def test_representation_rows_compute_share_interval_and_ratio_by_hand():
    table = figures.suppress({"white": 9, "black": 6, "asian": 0, "pnts": 5})
    rows = {
        r.key: r
        for r in figures.representation_rows(
            table,
            {"white": "White", "black": "Black", "asian": "Asian", "pnts": "Prefer not to say"},
            {"white": 600, "black": 300, "asian": 100},
        )
    }
    black = rows["black"]
    assert black.count == 6
    assert black.share == Decimal("30.0")  # 6 of 20
    assert black.population_share == Decimal("30.0")  # 300 of 1,000
    assert black.ratio == Decimal("1.00")
    low, high = figures.wilson_interval(6, 20)
    assert black.low == (low * 100).quantize(Decimal("0.1"), rounding="ROUND_FLOOR")
    assert black.ratio_low <= 1 <= black.ratio_high
    assert rows["asian"].count == 0
    assert rows["asian"].ratio == Decimal("0.00")
    # 0 of 20 is still consistent with 10%: the interval reaches 16.2%.
    assert rows["asian"].under_represented is False
    assert rows["asian"].high == Decimal("16.2")
    assert rows["pnts"].ratio is None  # not in the population


def test_suppressed_rows_show_no_share_interval_or_ratio():
    table = figures.suppress({"white": 9, "black": 2, "asian": 8})
    rows = {
        r.key: r
        for r in figures.representation_rows(
            table, {"white": "W", "black": "B", "asian": "A"}, {"white": 1, "black": 1, "asian": 1}
        )
    }
    for key in ("black", "asian"):
        assert rows[key].count is rows[key].share is rows[key].ratio is rows[key].low is None
    assert rows["black"].population_share == Decimal("33.3")


def test_consecutive_missed_counts_back_from_the_latest_meeting():
    assert figures.consecutive_missed([5, 4, 3, 2], {3}) == 2
    assert figures.consecutive_missed([5, 4, 3, 2], {5}) == 0
    assert figures.consecutive_missed([5, 4], set()) == 2
    assert figures.consecutive_missed([], set()) == 0


def test_rolling_up_raw_counts_gives_the_same_as_rolling_up_suppressed_tables():
    keys = ["x", "y", "z", "w"]
    groups = [{"x": 10, "y": 2, "z": 8}, {"x": 6, "y": 7, "z": 9, "w": 1}, {"x": 3}, {"w": 12, "z": 5}]
    from_tables = figures.roll_up([figures.suppress({k: g.get(k, 0) for k in keys}) for g in groups], keys)
    assert figures.roll_up_counts(groups, keys) == from_tables


def test_a_small_groups_zeros_are_hidden_in_the_roll_up_too():
    """One person (black) in a group: the group's zero for white is hidden,
    so London's white (here 0 + 9) must not be shown either."""
    groups = [{"black": 1}, {"white": 9, "black": 6}]
    london = figures.roll_up_counts(groups, ["white", "black"])
    assert shown(london) == {"white": None, "black": None}
