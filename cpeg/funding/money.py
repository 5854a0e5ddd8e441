"""Money: Decimal pounds and pence, rounded in one place.

Amounts are ``Decimal`` with two places end to end (models use
``DecimalField(max_digits=12, decimal_places=2)``); nothing here accepts
or returns a float.
"""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")


def round_money(value, unit: Decimal = PENNY) -> Decimal:
    """Round to the nearest ``unit`` (a penny unless given), halves up."""
    value = Decimal(value)
    unit = Decimal(unit)
    if unit == PENNY:
        return value.quantize(PENNY, rounding=ROUND_HALF_UP)
    return ((value / unit).quantize(Decimal(1), rounding=ROUND_HALF_UP) * unit).quantize(PENNY)


def floor_money(value, unit: Decimal = PENNY) -> Decimal:
    """Round down to a whole ``unit`` (never up: used to stay within a pot)."""
    value = Decimal(value)
    unit = Decimal(unit)
    return ((value / unit).quantize(Decimal(1), rounding=ROUND_DOWN) * unit).quantize(PENNY)


class MoneyError(ValueError):
    """Text that is not an amount of money; ``str()`` is the reason."""


_MONEY_RE = re.compile(r"^-?\d+(\.\d+)?$")


def parse_money(text, *, label: str = "The amount", allow_zero: bool = True) -> Decimal:
    """Read "1250", "1,250.50" or "£1250.5" as a Decimal; refuse anything else.

    Refuses negatives, non-numbers and pence beyond two places, with a
    message that names ``label``.
    """
    if isinstance(text, float):
        raise MoneyError(f"{label} must be an amount in pounds, like 1250.00")
    if isinstance(text, (int, Decimal)):
        raw = str(text)
    else:
        raw = str(text or "").strip().replace(",", "").replace(" ", "")
        if raw.startswith("£"):
            raw = raw[1:]
        elif raw.startswith("-£"):
            raw = "-" + raw[2:]
    if raw == "":
        raise MoneyError(f"Enter {label[0].lower() + label[1:]}")
    if not _MONEY_RE.match(raw):
        raise MoneyError(f"{label} must be an amount in pounds, like 1250.00")
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:  # pragma: no cover - the pattern rules it out
        raise MoneyError(f"{label} must be an amount in pounds, like 1250.00") from exc
    if value < 0:
        raise MoneyError(f"{label} must be 0 or more")
    if value.as_tuple().exponent < -2:
        raise MoneyError(f"{label} must not have more than 2 decimal places (pence)")
    if value > MAX_AMOUNT:
        raise MoneyError(f"{label} is too large")
    if not allow_zero and value == 0:
        raise MoneyError(f"{label} must be more than 0")
    return value.quantize(PENNY)


def format_money(value) -> str:
    """£1,234.50; whole pounds show no pence (£50,000)."""
    if value is None:
        return "-"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"£{value:,.0f}"
    return f"£{value:,.2f}"


def share(part, whole) -> Decimal | None:
    """``part`` as a percentage of ``whole`` to one place, or None if whole is 0."""
    whole = Decimal(whole or 0)
    if whole == 0:
        return None
    return (Decimal(part or 0) * 100 / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def to_pence(value) -> int:
    """Pounds (Decimal, int or text) as whole pence."""
    return int((Decimal(value) / PENNY).to_integral_value())


def to_pounds(pence: int) -> Decimal:
    """Whole pence as Decimal pounds to two places."""
    return (Decimal(pence) * PENNY).quantize(PENNY)


def share_in_proportion(weights, total: int) -> dict:
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
