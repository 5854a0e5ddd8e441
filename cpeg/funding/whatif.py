"""What-if rules for the allocation page: pure functions, nothing saved.

Each rule takes the recommendations (key -> Decimal pounds) and returns the
amounts it would award. Every rule keeps two promises, whatever it is given:
no amount is above the cap, and the amounts never add up to more than the
pot. Work is done in whole pence (integers), so nothing is lost to
rounding and no float is ever involved.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from cpeg.funding.money import PENNY


def _to_pence(value) -> int:
    return int((Decimal(value) / PENNY).to_integral_value())


def _to_pounds(pence: int) -> Decimal:
    return (Decimal(pence) * PENNY).quantize(PENNY)


def _share_out(weights: dict, total: int, limits: dict) -> dict:
    """Split ``total`` pence in proportion to ``weights``, each key at most
    ``limits[key]``; what a full key cannot take goes round again. Once
    every share is under a penny, single pence go to the largest
    remainders. Returns key -> pence added."""
    added = {k: 0 for k in weights}
    remaining = total
    while remaining > 0:
        open_keys = [k for k in weights if weights[k] > 0 and added[k] < limits[k]]
        if not open_keys:
            break
        weight_sum = sum(weights[k] for k in open_keys)
        given, remainders = 0, {}
        for k in open_keys:
            whole, remainders[k] = divmod(remaining * weights[k], weight_sum)
            take = min(whole, limits[k] - added[k])
            added[k] += take
            given += take
        if given == 0:
            for k in sorted(open_keys, key=lambda k: (-remainders[k], str(k))):
                if remaining == 0:
                    break
                added[k] += 1
                remaining -= 1
            continue
        remaining -= given
    return added


def share_in_proportion(weights: Mapping, total: int) -> dict:
    """Split ``total`` whole pence in proportion to ``weights`` (whole,
    not negative) so the shares add up to exactly ``total``.

    Each key first gets the whole pence of its exact share; the pence left
    over go one each to the largest remainders (ties by key), so no share is
    more than a penny from its exact value. All weights 0: all shares 0.
    """
    weight_sum = sum(weights.values())
    if weight_sum == 0:
        return {k: 0 for k in weights}
    shares = {k: w * total // weight_sum for k, w in weights.items()}
    remainders = {k: w * total % weight_sum for k, w in weights.items()}
    spare = total - sum(shares.values())
    for k in sorted(shares, key=lambda k: (-remainders[k], str(k)))[:spare]:
        shares[k] += 1
    return shares


def scale_to_pot(recommendations: Mapping, *, pot, cap) -> dict:
    """Cap each recommendation, then scale all down pro rata if the total is
    above the pot. Never scales up: an under-spent pot is left as it is."""
    cap_p, pot_p = _to_pence(cap), _to_pence(pot)
    capped = {k: max(0, min(_to_pence(v), cap_p)) for k, v in recommendations.items()}
    total = sum(capped.values())
    if total <= pot_p or total == 0:
        return {k: _to_pounds(v) for k, v in capped.items()}
    # Scaling down, a share's extra penny never takes it above its capped
    # recommendation.
    return {k: _to_pounds(v) for k, v in share_in_proportion(capped, pot_p).items()}


def cap_and_redistribute(recommendations: Mapping, *, pot, cap, requests: Mapping | None = None) -> dict:
    """Cap each recommendation; share what the cap frees among the others in
    proportion to their recommendations, none beyond the cap or what it asked
    for (``requests``); then scale to the pot if still above it."""
    cap_p = _to_pence(cap)
    recs = {k: max(0, _to_pence(v)) for k, v in recommendations.items()}
    capped = {k: min(v, cap_p) for k, v in recs.items()}
    freed = sum(recs.values()) - sum(capped.values())
    limits = {}
    for k, v in capped.items():
        ceiling = cap_p
        if requests is not None and k in requests:
            ceiling = min(ceiling, max(0, _to_pence(requests[k])))
        limits[k] = max(0, ceiling - v)
    weights = {k: (v if limits[k] > 0 else 0) for k, v in capped.items()}
    added = _share_out(weights, freed, limits) if freed else {k: 0 for k in capped}
    result = {k: _to_pounds(capped[k] + added[k]) for k in capped}
    return scale_to_pot(result, pot=pot, cap=cap)


def round_to_unit(amounts: Mapping, *, unit, pot, cap) -> dict:
    """Round each amount to the nearest ``unit`` (e.g. £100), halves up,
    then take units back from those rounded up most until the cap and pot
    hold. Amounts are first brought within the cap and the pot."""
    unit_p = _to_pence(unit)
    if unit_p <= 0:
        raise ValueError("The rounding unit must be more than 0")
    cap_p, pot_p = _to_pence(cap), _to_pence(pot)
    base = {k: _to_pence(v) for k, v in scale_to_pot(amounts, pot=pot, cap=cap).items()}
    rounded = {}
    for k, v in base.items():
        down = v // unit_p * unit_p
        up = down + unit_p if v % unit_p else down
        rounded[k] = up if (v - down) * 2 >= unit_p else down
        if rounded[k] > cap_p:
            rounded[k] = down
    by_gain = sorted(rounded, key=lambda k: (-(rounded[k] - base[k]), str(k)))
    for k in by_gain:
        if sum(rounded.values()) <= pot_p:
            break
        if rounded[k] > base[k]:
            rounded[k] -= unit_p
    # Still over (the pot itself is not a whole number of units): floor
    # the largest amounts a unit at a time.
    while sum(rounded.values()) > pot_p:
        k = max(rounded, key=lambda k: (rounded[k], str(k)))
        if rounded[k] == 0:
            break
        rounded[k] = max(0, rounded[k] - unit_p)
    return {k: _to_pounds(v) for k, v in rounded.items()}


def _run_rule(rule: str, recommendations: Mapping, *, pot, cap, requests: Mapping | None) -> dict:
    from cpeg.funding.choices import WhatIfRule

    if rule == WhatIfRule.PRO_RATA:
        return scale_to_pot(recommendations, pot=pot, cap=cap)
    if rule == WhatIfRule.CAP_REDISTRIBUTE:
        return cap_and_redistribute(recommendations, pot=pot, cap=cap, requests=requests)
    raise ValueError(f"Unknown what-if rule {rule!r}")


def apply_floor(rule: str, recommendations: Mapping, *, pot, cap, floor, requests: Mapping | None = None) -> dict:
    """Run ``rule`` so that no bid that asked for at least the floor is
    awarded more than 0 but less than the floor.

    Such awards are raised to the floor and the rule is run again on the
    other bids with what is left of the pot, until none falls below it. If
    the floors alone would not fit in the pot, the bid with the smallest
    recommendation among those raised (ties by key) is left unfunded (0)
    and the others are worked out again, until they fit. A bid
    that asked for less than the floor is never raised: its amount stays
    as the rule gives it, and the allocation page shows it as below the
    floor.
    """
    floor_p, pot_p = _to_pence(floor), _to_pence(pot)
    asked = {
        k: _to_pence(requests[k]) if requests is not None and k in requests else _to_pence(v)
        for k, v in recommendations.items()
    }
    raised: set = set()
    unfunded: set = set()
    while True:
        left = pot_p - floor_p * len(raised)
        if left < 0:
            # Leave out the smallest, then start again: those still in
            # may now fit without being raised.
            unfunded.add(min(raised, key=lambda k: (_to_pence(recommendations[k]), str(k))))
            raised = set()
            continue
        others = {k: v for k, v in recommendations.items() if k not in raised and k not in unfunded}
        amounts = _run_rule(rule, others, pot=_to_pounds(left), cap=cap, requests=requests)
        below = {k for k, v in amounts.items() if 0 < _to_pence(v) < floor_p and asked[k] >= floor_p}
        if not below:
            break
        raised |= below
    amounts.update({k: _to_pounds(floor_p) for k in raised})
    amounts.update({k: _to_pounds(0) for k in unfunded})
    return {k: amounts[k] for k in recommendations}


def apply_rule(
    recommendations: Mapping, *, rule: str, pot, cap, unit=None, requests: Mapping | None = None, floor=None
) -> dict:
    """Run one what-if rule (``WhatIfRule``), keeping to the round's floor
    if it has one (``apply_floor``), then, if ``unit`` is given, round."""
    if floor:
        amounts = apply_floor(rule, recommendations, pot=pot, cap=cap, floor=floor, requests=requests)
    else:
        amounts = _run_rule(rule, recommendations, pot=pot, cap=cap, requests=requests)
    if unit:
        amounts = round_to_unit(amounts, unit=unit, pot=pot, cap=cap)
    return amounts
