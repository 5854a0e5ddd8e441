"""The what-if rules: hand-worked examples and properties that always hold."""

import random
from decimal import Decimal

import pytest

from cpeg.funding.allocation import apply_rule, cap_and_redistribute, round_to_unit, scale_to_pot
from cpeg.funding.choices import WhatIfRule
from cpeg.funding.money import floor_money, parse_money, round_money

D = Decimal


def test_scale_to_pot_scales_everyone_down_by_the_same_fraction():
    amounts = scale_to_pot({"a": D("40000"), "b": D("20000"), "c": D("40000")}, pot=D("50000"), cap=D("50000"))
    assert amounts == {"a": D("20000.00"), "b": D("10000.00"), "c": D("20000.00")}


def test_scale_to_pot_leaves_amounts_alone_when_they_fit():
    amounts = scale_to_pot({"a": D("100.50"), "b": D("200")}, pot=D("1000"), cap=D("500"))
    assert amounts == {"a": D("100.50"), "b": D("200.00")}


def test_scale_to_pot_hands_leftover_pence_to_the_largest_remainders():
    amounts = scale_to_pot({"a": D("1"), "b": D("1"), "c": D("1")}, pot=D("2"), cap=D("5"))
    assert sum(amounts.values()) == D("2.00")
    assert sorted(amounts.values()) == [D("0.66"), D("0.67"), D("0.67")]


def test_cap_and_redistribute_shares_the_excess_in_proportion():
    # a is £10,000 over the cap; b and c (1:3) share it, b up to its request.
    amounts = cap_and_redistribute(
        {"a": D("60000"), "b": D("10000"), "c": D("30000")},
        pot=D("200000"),
        cap=D("50000"),
        requests={"a": D("60000"), "b": D("20000"), "c": D("45000")},
    )
    assert amounts == {"a": D("50000.00"), "b": D("12500.00"), "c": D("37500.00")}


def test_cap_and_redistribute_sends_what_a_full_group_cannot_take_round_again():
    amounts = cap_and_redistribute(
        {"a": D("60000"), "b": D("10000"), "c": D("30000")},
        pot=D("200000"),
        cap=D("50000"),
        requests={"a": D("60000"), "b": D("11000"), "c": D("45000")},
    )
    assert amounts == {"a": D("50000.00"), "b": D("11000.00"), "c": D("39000.00")}


def test_round_to_unit_rounds_half_up_then_keeps_within_the_pot():
    amounts = round_to_unit({"a": D("150"), "b": D("149.99"), "c": D("250")}, unit=D("100"), pot=D("500"), cap=D("500"))
    # 200 + 100 + 300 = 600 is over the pot: the biggest round-ups go back.
    assert sum(amounts.values()) <= D("500")
    assert amounts["b"] == D("100.00")


def test_apply_rule_refuses_an_unknown_rule():
    with pytest.raises(ValueError, match="Unknown what-if rule"):
        apply_rule({"a": D("1")}, rule="magic", pot=D("1"), cap=D("1"))


def test_money_rounds_half_up_in_one_place():
    assert round_money(D("2.345")) == D("2.35")
    assert round_money(D("149.99"), D("100")) == D("100.00")
    assert round_money(D("150"), D("100")) == D("200.00")
    assert floor_money(D("199.99"), D("100")) == D("100.00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("-5", "must be 0 or more"),
        ("ten pounds", "must be an amount in pounds"),
        ("12.345", "more than 2 decimal places"),
        ("", "Enter the amount"),
        ("1e5", "must be an amount in pounds"),
        ("NaN", "must be an amount in pounds"),
    ],
)
def test_parse_money_refuses_bad_amounts_with_a_clear_message(text, message):
    from cpeg.funding.money import MoneyError

    with pytest.raises(MoneyError, match=message):
        parse_money(text, label="The amount")


def test_parse_money_refuses_a_float_outright():
    from cpeg.funding.money import MoneyError

    with pytest.raises(MoneyError):
        parse_money(0.1)


def test_parse_money_reads_pounds_and_commas():
    assert parse_money("£1,250.5") == D("1250.50")


# Property checks over many random cases (a seeded generator, so a failure
# is reproducible): the promises hold whatever the inputs.
UNITS = [None, D("1"), D("10"), D("100"), D("500"), D("1000")]


def _pence(rng, high):
    return (D(rng.randint(0, high * 100)) / 100).quantize(D("0.01"))


def _cases(count, seed):
    rng = random.Random(seed)
    for _ in range(count):
        size = rng.randint(1, 35)
        recs = {k: _pence(rng, rng.choice([100, 60000, 200000])) for k in range(size)}
        yield rng, recs, _pence(rng, rng.choice([50, 500000, 2000000])), _pence(rng, rng.choice([10, 50000, 200000]))


@pytest.mark.parametrize("rule", list(WhatIfRule.values))
def test_no_rule_ever_awards_above_the_cap_or_beyond_the_pot(rule):
    for rng, recs, pot, cap in _cases(400, seed=hash(rule) % 1000):
        unit = rng.choice(UNITS)
        requests = {k: v * rng.choice([1, 2]) for k, v in recs.items()}
        amounts = apply_rule(recs, rule=rule, pot=pot, cap=cap, unit=unit, requests=requests)
        assert set(amounts) == set(recs)
        assert sum(amounts.values()) <= pot, (recs, pot, cap, unit)
        assert all(D(0) <= a <= cap for a in amounts.values()), (recs, pot, cap, unit)
        assert all(a == a.quantize(D("0.01")) for a in amounts.values())


def test_scaling_spends_the_whole_pot_when_the_capped_bids_exceed_it():
    for _, recs, pot, cap in _cases(400, seed=7):
        capped_total = sum(min(v, cap) for v in recs.values())
        assert sum(scale_to_pot(recs, pot=pot, cap=cap).values()) == min(pot, capped_total)


def test_redistribution_never_gives_anyone_more_than_they_asked_or_the_cap():
    for rng, recs, _, cap in _cases(400, seed=11):
        requests = {k: v + _pence(rng, 5000) for k, v in recs.items()}
        amounts = cap_and_redistribute(recs, pot=D("99999999"), cap=cap, requests=requests)
        assert all(amounts[k] <= max(min(recs[k], cap), min(requests[k], cap)) for k in recs)
        # Nothing is lost: what the cap frees is shared out while anyone
        # recommended something has room (a £0 recommendation gets nothing).
        room = sum(min(requests[k], cap) - min(recs[k], cap) for k in recs if recs[k] > 0)
        freed = sum(recs[k] - min(recs[k], cap) for k in recs)
        assert sum(amounts.values()) == sum(min(recs[k], cap) for k in recs) + min(room, freed)


# --- The round's floor (fix 11) ---------------------------------------------------
FLOOR_BIDS = {"a": D("50000"), "b": D("25000"), "c": D("21000")}


@pytest.mark.parametrize("rule", list(WhatIfRule.values))
def test_pro_rata_raises_awards_below_the_floor_and_rebalances_the_rest(rule):
    # Pro rata alone gives 31,250 / 15,625 / 13,125 of the £60,000 pot:
    # b and c fall below the £20,000 floor, so each gets the floor and a
    # takes what is left (£20,000).
    plain = apply_rule(FLOOR_BIDS, rule=rule, pot=D("60000"), cap=D("50000"))
    assert plain == {"a": D("31250.00"), "b": D("15625.00"), "c": D("13125.00")}
    amounts = apply_rule(FLOOR_BIDS, rule=rule, pot=D("60000"), cap=D("50000"), floor=D("20000"))
    assert amounts == {"a": D("20000.00"), "b": D("20000.00"), "c": D("20000.00")}


def test_a_bid_that_asked_less_than_the_floor_is_not_raised():
    # c asked for £19,000: it is not raised. b is raised to £20,000; a and c
    # share the other £40,000 pro rata (50:21).
    amounts = apply_rule(
        FLOOR_BIDS,
        rule=WhatIfRule.PRO_RATA,
        pot=D("60000"),
        cap=D("50000"),
        floor=D("20000"),
        requests={"a": D("50000"), "b": D("25000"), "c": D("19000")},
    )
    assert amounts == {"a": D("28169.01"), "b": D("20000.00"), "c": D("11830.99")}
    assert sum(amounts.values()) == D("60000.00")


def test_when_the_floors_alone_exceed_the_pot_the_smallest_bids_go_unfunded():
    # Four bids of £30,000 (floor £20,000) and a £50,000 pot: pro rata gives
    # £12,500 each; at most two can have the floor, so the smallest
    # recommendations (c, then d) are left out and a and b share the pot.
    amounts = apply_rule(
        {"a": D("30000"), "b": D("30000"), "c": D("29000"), "d": D("29500")},
        rule=WhatIfRule.PRO_RATA,
        pot=D("50000"),
        cap=D("50000"),
        floor=D("20000"),
    )
    assert amounts == {"a": D("25000.00"), "b": D("25000.00"), "c": D("0.00"), "d": D("0.00")}


def test_a_bid_recommended_nothing_stays_at_nothing():
    amounts = apply_rule(
        {"a": D("0"), "b": D("40000")}, rule=WhatIfRule.PRO_RATA, pot=D("30000"), cap=D("50000"), floor=D("20000")
    )
    assert amounts == {"a": D("0.00"), "b": D("30000.00")}


@pytest.mark.parametrize("rule", list(WhatIfRule.values))
def test_with_a_floor_no_rule_breaks_the_pot_the_cap_or_the_floor(rule):
    for rng, recs, pot, cap in _cases(300, seed=hash(rule) % 1000 + 5):
        floor = (cap * D(rng.choice(["0.1", "0.4", "0.9", "1"]))).quantize(D("0.01"))
        requests = {k: v * rng.choice([1, 2]) for k, v in recs.items()}
        amounts = apply_rule(recs, rule=rule, pot=pot, cap=cap, requests=requests, floor=floor)
        assert set(amounts) == set(recs)
        assert sum(amounts.values()) <= pot, (recs, pot, cap, floor)
        assert all(D(0) <= a <= cap for a in amounts.values())
        assert all(amounts[k] == 0 or amounts[k] >= floor for k in recs if requests[k] >= floor), (
            recs,
            pot,
            cap,
            floor,
        )


# --- Scaling a budget to the award (fix 10) -----------------------------------------


def test_share_in_proportion_adds_up_exactly_giving_leftover_pence_to_the_largest_remainders():
    from cpeg.funding.money import share_in_proportion

    assert share_in_proportion({"x": 100, "y": 100, "z": 100}, 200) == {"x": 67, "y": 67, "z": 66}
    # Exact shares 33.33, 50.00, 16.67 pence: the spare penny goes to z (.67).
    assert share_in_proportion({"x": 2, "y": 3, "z": 1}, 100) == {"x": 33, "y": 50, "z": 17}
    assert share_in_proportion({"x": 0, "y": 0}, 500) == {"x": 0, "y": 0}
