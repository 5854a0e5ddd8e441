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


def scale_to_pot(recommendations: Mapping, *, pot, cap) -> dict:
    """Cap each recommendation, then scale all down pro rata if the total is
    above the pot. Never scales up: an under-spent pot is left as it is."""
    cap_p, pot_p = _to_pence(cap), _to_pence(pot)
    capped = {k: max(0, min(_to_pence(v), cap_p)) for k, v in recommendations.items()}
    total = sum(capped.values())
    if total <= pot_p or total == 0:
        return {k: _to_pounds(v) for k, v in capped.items()}
    scaled = {k: v * pot_p // total for k, v in capped.items()}
    remainders = {k: v * pot_p % total for k, v in capped.items()}
    spare = pot_p - sum(scaled.values())
    for k in sorted(scaled, key=lambda k: (-remainders[k], str(k))):
        if spare == 0:
            break
        if scaled[k] < capped[k]:
            scaled[k] += 1
            spare -= 1
    return {k: _to_pounds(v) for k, v in scaled.items()}


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


def apply_rule(recommendations: Mapping, *, rule: str, pot, cap, unit=None, requests: Mapping | None = None) -> dict:
    """Run one what-if rule (``WhatIfRule``) and, if ``unit`` is given, round."""
    from cpeg.funding.choices import WhatIfRule

    if rule == WhatIfRule.PRO_RATA:
        amounts = scale_to_pot(recommendations, pot=pot, cap=cap)
    elif rule == WhatIfRule.CAP_REDISTRIBUTE:
        amounts = cap_and_redistribute(recommendations, pot=pot, cap=cap, requests=requests)
    else:
        raise ValueError(f"Unknown what-if rule {rule!r}")
    if unit:
        amounts = round_to_unit(amounts, unit=unit, pot=pot, cap=cap)
    return amounts
