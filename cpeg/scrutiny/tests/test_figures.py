"""Rates and risk ratios against hand computation and the published figures."""

import csv
import math
from fractions import Fraction

import pytest

from cpeg.scrutiny.figures import SMALL_COUNT, Judgement, rate_per_1000, risk_ratio, share
from cpeg.scrutiny.population import REFERENCE
from cpeg.scrutiny.tests.factories import shared_data


def test_rates_are_exact():
    assert rate_per_1000(3, 9000) == Fraction(1, 3)
    assert share(1, 3) == Fraction(1, 3)
    assert rate_per_1000(5, 0) is None
    assert share(0, 0) is None


def test_risk_ratio_by_hand():
    # 60 of 10,000 Black residents searched, 20 of 20,000 White residents:
    # 6 per 1,000 against 1 per 1,000, a ratio of 6.
    # SE(ln RR) = sqrt(1/60 - 1/10000 + 1/20 - 1/20000) = sqrt(0.0665166...)
    result = risk_ratio(60, 10_000, 20, 20_000)
    se = math.sqrt(1 / 60 - 1 / 10_000 + 1 / 20 - 1 / 20_000)
    assert result.ratio == pytest.approx(6.0)
    assert result.low == pytest.approx(6 * math.exp(-1.959964 * se), rel=1e-6)
    assert result.high == pytest.approx(6 * math.exp(1.959964 * se), rel=1e-6)
    assert result.low == pytest.approx(3.6195, abs=1e-3)
    assert result.judgement == Judgement.HIGHER


def test_an_interval_spanning_one_is_no_clear_difference():
    result = risk_ratio(12, 10_000, 10, 10_000)
    assert result.low < 1 < result.high
    assert result.judgement == Judgement.NO_CLEAR_DIFFERENCE


def test_lower():
    assert risk_ratio(20, 10_000, 200, 10_000).judgement == Judgement.LOWER


def test_small_numbers_are_shown_but_not_judged():
    result = risk_ratio(SMALL_COUNT - 1, 1_000, 500, 100_000)
    assert result.ratio == pytest.approx(1.8)
    assert result.judgement == Judgement.TOO_FEW
    # Exactly the threshold is judged: classification on exact counts.
    assert risk_ratio(SMALL_COUNT, 1_000, 100, 100_000).judgement == Judgement.HIGHER


def test_no_searches_gives_no_ratio():
    assert risk_ratio(0, 1_000, 50, 10_000).ratio is None
    assert risk_ratio(5, 1_000, 0, 10_000).judgement == Judgement.NONE
    assert risk_ratio(5, 0, 5, 10_000).judgement == Judgement.NONE


def test_cross_check_against_the_published_borough_figures():
    """Black Thrive's per-borough risk ratios for 2020-2022 (police.uk against
    Census 2021): the same counts through our function give their ratio and
    interval, and their populations are exactly the census file we ship."""
    path = shared_data() / "stop-and-search-derived" / "london_summarised_stats_by_year_la_2020-2022_mixed_incl.csv"
    with REFERENCE.open(newline="", encoding="utf-8") as handle:
        population = {row["LAD_code"]: row for row in csv.DictReader(handle)}
    checked = 0
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            black, white = int(row["Black_stopped"]), int(row["White_stopped"])
            black_pop, white_pop = int(row["Black_population"]), int(row["White_population"])
            assert int(population[row["la_code"]]["Black"]) == black_pop
            assert int(population[row["la_code"]]["White"]) == white_pop
            result = risk_ratio(black, black_pop, white, white_pop)
            assert result.ratio == pytest.approx(float(row["rr"]), rel=1e-9)
            assert result.low == pytest.approx(float(row["rr_ci_low"]), rel=1e-7)
            assert result.high == pytest.approx(float(row["rr_ci_upp"]), rel=1e-7)
            assert float(rate_per_1000(black, black_pop)) == pytest.approx(float(row["Black_stop_rate"]) * 10)
            checked += 1
    assert checked == 99


def test_small_counts_are_suppressed_with_a_second_cell_when_one_alone():
    from cpeg.scrutiny.figures import suppressed

    assert suppressed([120, 3, 40, 0]) == [False, True, True, False]
    assert suppressed([120, 3, 4, 40]) == [False, True, True, False]
    assert suppressed([120, 40, 5]) == [False, False, False]
    assert suppressed([2]) == [True]
