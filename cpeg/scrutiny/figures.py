"""The arithmetic of stop and search monitoring: rates and risk ratios.

Pure functions on counts, no database. Rates are kept exact (``Fraction``)
and every classification is made on exact values (or, for a confidence
interval, on the unrounded float); templates round only for display.

Disproportionality is the risk ratio of a group's search rate against the
White group's, with a 95% confidence interval by the log method (Katz):
``ln(RR) ± z × sqrt(1/a − 1/n₁ + 1/b − 1/n₀)``, z from the normal
distribution in Python's ``statistics`` module. Small numbers: with no
searches in either group there is no ratio; with fewer than
``SMALL_COUNT`` searches in either group the ratio and interval are shown
but not judged ("too few searches to judge").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist

CONFIDENCE = 0.95
Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)
SMALL_COUNT = 10


def share(part: int, whole: int) -> Fraction | None:
    """``part`` as an exact fraction of ``whole`` (None when whole is 0)."""
    return Fraction(part, whole) if whole else None


def rate_per_1000(count: int, residents: int) -> Fraction | None:
    """Searches per 1,000 residents, exact."""
    return Fraction(count * 1000, residents) if residents else None


class Judgement:
    HIGHER = "higher"
    LOWER = "lower"
    NO_CLEAR_DIFFERENCE = "no_clear_difference"
    TOO_FEW = "too_few"
    NONE = "none"

    WORDS = {
        HIGHER: "More likely to be searched than White residents",
        LOWER: "Less likely to be searched than White residents",
        NO_CLEAR_DIFFERENCE: "No clear difference from White residents",
        TOO_FEW: "Too few searches to judge",
        NONE: "Cannot be computed",
    }


@dataclass(frozen=True)
class RiskRatio:
    ratio: float | None
    low: float | None
    high: float | None
    judgement: str
    reason: str = ""

    @property
    def words(self) -> str:
        return Judgement.WORDS[self.judgement]


def risk_ratio(group_count: int, group_residents: int, white_count: int, white_residents: int) -> RiskRatio:
    """The group's search rate over the White group's, with its 95% interval."""
    a, n1, b, n0 = group_count, group_residents, white_count, white_residents
    if not n1 or not n0:
        return RiskRatio(None, None, None, Judgement.NONE, "No census population for one of the groups")
    if a > n1 or b > n0:
        # More searches than residents (people searched more than once,
        # or living elsewhere): a rate, but not a proportion, so no interval.
        ratio = (a / n1) / (b / n0) if b else None
        return RiskRatio(ratio, None, None, Judgement.NONE, "More searches than residents: no interval")
    if a == 0 or b == 0:
        who = "this group" if a == 0 else "White people"
        return RiskRatio(None, None, None, Judgement.NONE, f"No searches of {who} in the period")
    ratio = (a / n1) / (b / n0)
    se = math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n0)
    low = math.exp(math.log(ratio) - Z * se)
    high = math.exp(math.log(ratio) + Z * se)
    if a < SMALL_COUNT or b < SMALL_COUNT:
        judgement = Judgement.TOO_FEW
        reason = f"Fewer than {SMALL_COUNT} searches in one of the groups"
    elif low > 1:
        judgement, reason = Judgement.HIGHER, ""
    elif high < 1:
        judgement, reason = Judgement.LOWER, ""
    else:
        judgement, reason = Judgement.NO_CLEAR_DIFFERENCE, ""
    return RiskRatio(ratio, low, high, judgement, reason)


SUPPRESS_BELOW = 5


def suppressed(counts: list[int]) -> list[bool]:
    """Which counts a public table hides: every count from 1 to 4, and, when
    exactly one count is hidden, the next smallest too (so it cannot be
    worked out from the total). Zeros are shown: they disclose nobody."""
    hide = [0 < count < SUPPRESS_BELOW for count in counts]
    if sum(hide) == 1:
        others = [(count, i) for i, count in enumerate(counts) if not hide[i] and count > 0]
        if others:
            hide[min(others)[1]] = True
    return hide
