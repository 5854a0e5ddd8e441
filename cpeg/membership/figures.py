"""Membership figures: small-number suppression, intervals, attendance.

Pure arithmetic on counts, used by every page and export that shows
equality figures, so one rule protects them all.

Suppression (the authority's rule for special category data):

1. Primary: a count of 1 to 4 is not shown. A table whose total is 1 to 4
   shows nothing at all.
2. Secondary: if a table shows its total and exactly one cell is
   suppressed, the smallest other non-zero cell (a zero only if there is
   no other) is suppressed too,
   so the total minus the shown cells gives only the sum of two cells.
3. London-wide (and any roll-up): a sum is shown only if every figure it
   adds is shown in its own table, then rules 1 and 2 apply to the
   roll-up. Subtracting shown figures from a shown sum therefore reveals
   nothing the tables did not already show.

Shares, intervals and ratios are shown only beside a shown count.

Intervals: the 95% Wilson score interval for a share (Wilson, 1927),
which stays inside 0 to 1 and is honest for small groups. Worked example, k=3, n=12, z=1.96: p = 0.25;
centre = (p + z²/2n) / (1 + z²/n) = 0.4101 / 1.3201 = 0.3106;
half-width = z·√(p(1−p)/n + z²/4n²) / (1 + z²/n) = 0.2927 / 1.3201 = 0.2217;
so 0.0889 to 0.5323, shown as 8.8% to 53.3% (rounded outward to 1 dp).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from functools import cached_property

SMALLEST_SHOWN = 5
Z_95 = Decimal("1.959963984540054")


def is_primary_suppressed(count: int) -> bool:
    return 1 <= count < SMALLEST_SHOWN


@dataclass(frozen=True)
class Cell:
    """One count in a table, and whether it may be shown."""

    key: str
    count: int
    shown: bool

    @property
    def value(self) -> int | None:
        return self.count if self.shown else None


@dataclass(frozen=True)
class SuppressedTable:
    cells: tuple[Cell, ...]
    total: int
    total_shown: bool

    def cell(self, key: str) -> Cell:
        return self.by_key[key]

    @cached_property
    def by_key(self) -> dict[str, Cell]:
        return {c.key: c for c in self.cells}

    @property
    def any_suppressed(self) -> bool:
        return not self.total_shown or any(not c.shown for c in self.cells)


def _mask(counts: Mapping[str, int], blocked=frozenset(), total_blocked: bool = False) -> tuple[set, bool]:
    """(the keys to hide, whether the total is shown) under rules 1 and 2."""
    total = sum(counts.values())
    if is_primary_suppressed(total):
        # Every cell of a table of 1 to 4 people is small: show nothing.
        return set(counts), False
    total_shown = not total_blocked
    hidden = {k for k, c in counts.items() if is_primary_suppressed(c) or k in blocked}
    if total_shown and len(hidden) == 1:
        # The smallest other non-zero cell: hiding a zero beside a 1 would
        # say "one person, in one of these two" (and zeros are often known).
        others = [(c == 0, c, i, k) for i, (k, c) in enumerate(counts.items()) if k not in hidden]
        if others:
            hidden.add(min(others)[3])
    return hidden, total_shown


def suppress(counts: Mapping[str, int], *, blocked: Iterable[str] = (), total_blocked: bool = False) -> SuppressedTable:
    """Apply the suppression rules to one table of counts, in key order.

    ``blocked`` keys must not be shown whatever their count (rule 3: a sum
    that includes a suppressed figure); ``total_blocked`` likewise for the
    total.
    """
    hidden, total_shown = _mask(counts, frozenset(blocked), total_blocked)
    cells = tuple(Cell(k, c, k not in hidden) for k, c in counts.items())
    return SuppressedTable(cells, sum(counts.values()), total_shown)


def roll_up(tables: Iterable[SuppressedTable], keys: Iterable[str]) -> SuppressedTable:
    """A London-wide (or any) sum of tables, suppressed by rule 3 then 1 and 2."""
    return roll_up_counts(({c.key: c.count for c in t.cells} for t in tables), keys)


def roll_up_counts(tables: Iterable[Mapping[str, int]], keys: Iterable[str]) -> SuppressedTable:
    """``roll_up`` from each table's raw counts (suppressed here, in turn):
    the same result, without building every table's cells."""
    keys = list(keys)
    sums = dict.fromkeys(keys, 0)
    blocked: set[str] = set()
    total_blocked = False
    for raw in tables:
        # Every key, zeros included: a small table hides its zeros too.
        counts = {key: raw.get(key, 0) for key in keys}
        hidden, total_shown = _mask(counts)
        blocked |= hidden
        total_blocked = total_blocked or not total_shown
        for key in keys:
            sums[key] += counts[key]
    return suppress(sums, blocked=blocked, total_blocked=total_blocked)


def wilson_interval(k: int, n: int, z: Decimal = Z_95) -> tuple[Decimal, Decimal]:
    """The 95% Wilson score interval for k of n, as fractions (0 to 1)."""
    if n <= 0 or k < 0 or k > n:
        raise ValueError("need 0 <= k <= n and n > 0")
    with localcontext() as ctx:
        ctx.prec = 30
        n_d, p = Decimal(n), Decimal(k) / Decimal(n)
        z2 = z * z
        denominator = 1 + z2 / n_d
        centre = (p + z2 / (2 * n_d)) / denominator
        half = z * (p * (1 - p) / n_d + z2 / (4 * n_d * n_d)).sqrt() / denominator
        low, high = max(Decimal(0), centre - half), min(Decimal(1), centre + half)
    return +low, +high


def percent(fraction: Decimal, rounding=None) -> Decimal:
    """A fraction as a percentage to 1 decimal place."""
    value = fraction * 100
    if rounding is None:
        return value.quantize(Decimal("0.1"))
    return value.quantize(Decimal("0.1"), rounding=rounding)


@dataclass(frozen=True)
class RepresentationRow:
    """One category: the group's count and share against the population's."""

    key: str
    label: str
    count: int | None  # None: suppressed
    share: Decimal | None  # percentage of those who answered, 1 dp
    low: Decimal | None  # 95% Wilson interval, percentages, rounded outward
    high: Decimal | None
    population_share: Decimal | None  # percentage, 1 dp
    ratio: Decimal | None  # group share ÷ population share, 2 dp
    ratio_low: Decimal | None
    ratio_high: Decimal | None

    @property
    def under_represented(self) -> bool:
        """The whole interval lies below the population's share."""
        return self.ratio_high is not None and self.ratio_high < 1

    @property
    def over_represented(self) -> bool:
        return self.ratio_low is not None and self.ratio_low > 1


def representation_rows(
    table: SuppressedTable,
    labels: Mapping[str, str],
    population: Mapping[str, int] | None = None,
) -> list[RepresentationRow]:
    """Rows for the categories of ``table`` (prefer-not-to-say left out of
    the shares), compared with ``population`` counts where given."""
    answered = table.total
    pop_total = sum(population.values()) if population else 0
    rows = []
    for cell in table.cells:
        label = labels[cell.key]
        pop_share = None
        if population and pop_total:
            pop_fraction = Decimal(population.get(cell.key, 0)) / Decimal(pop_total)
            pop_share = percent(pop_fraction)
        if not cell.shown or not table.total_shown or answered == 0:
            rows.append(RepresentationRow(cell.key, label, None, None, None, None, pop_share, None, None, None))
            continue
        low, high = wilson_interval(cell.count, answered)
        share = Decimal(cell.count) / Decimal(answered)
        ratio = ratio_low = ratio_high = None
        if population and pop_total and population.get(cell.key):
            pop_fraction = Decimal(population[cell.key]) / Decimal(pop_total)
            two_dp = Decimal("0.01")
            ratio = (share / pop_fraction).quantize(two_dp)
            ratio_low = (low / pop_fraction).quantize(two_dp, rounding=ROUND_FLOOR)
            ratio_high = (high / pop_fraction).quantize(two_dp, rounding=ROUND_CEILING)
        rows.append(
            RepresentationRow(
                cell.key,
                label,
                cell.count,
                percent(share),
                percent(low, ROUND_FLOOR),
                percent(high, ROUND_CEILING),
                pop_share,
                ratio,
                ratio_low,
                ratio_high,
            )
        )
    return rows


def consecutive_missed(meetings_newest_first: Iterable[int], attended: set[int]) -> int:
    """How many meetings in a row, back from the latest, a member missed.

    ``meetings_newest_first`` are the register ids of the meetings the
    member was expected at (held while they were a member); ``attended``
    those where they were marked present.
    """
    missed = 0
    for register_id in meetings_newest_first:
        if register_id in attended:
            break
        missed += 1
    return missed


# --- Capacity and other funding ---------------------------------------------


@dataclass(frozen=True)
class NeedCount:
    """For one skill: the training needs identified, and how many of them
    training in that skill has met since."""

    identified: int
    met: int

    @property
    def open(self) -> int:
        return self.identified - self.met


def training_need_counts(needs: Iterable[tuple[int, int]], trained: set[tuple[int, int]]) -> dict[int, NeedCount]:
    """Needs per skill id from ``needs`` (audit id, skill id) pairs, each
    met when ``trained`` holds the same pair.

    >>> training_need_counts([(1, 7), (2, 7), (2, 8)], {(2, 7), (1, 8)})
    {7: NeedCount(identified=2, met=1), 8: NeedCount(identified=1, met=0)}
    """
    identified: dict[int, int] = {}
    met: dict[int, int] = {}
    for audit_id, skill_id in needs:
        identified[skill_id] = identified.get(skill_id, 0) + 1
        if (audit_id, skill_id) in trained:
            met[skill_id] = met.get(skill_id, 0) + 1
    return {skill_id: NeedCount(n, met.get(skill_id, 0)) for skill_id, n in identified.items()}


@dataclass(frozen=True)
class FundingTotals:
    """Other funding, counted and added up exactly by status.

    ``requested`` sums what was applied for (every status); ``awarded``
    what funders awarded; ``waiting`` what is applied for and undecided;
    ``refused`` what was applied for and refused.
    """

    applications: int
    requested: Decimal
    awarded_count: int
    awarded: Decimal
    waiting_count: int
    waiting: Decimal
    refused_count: int
    refused: Decimal


def funding_totals(rows: Iterable[tuple[str, Decimal, Decimal | None]]) -> FundingTotals:
    """Totals of (status, requested, awarded) rows.

    >>> t = funding_totals([("awarded", Decimal("5000"), Decimal("4000.50")),
    ...                     ("applied", Decimal("1200"), None),
    ...                     ("refused", Decimal("300"), None)])
    >>> (t.applications, t.requested, t.awarded, t.waiting, t.refused)
    (3, Decimal('6500'), Decimal('4000.50'), Decimal('1200'), Decimal('300'))
    """
    counts = {"applied": 0, "awarded": 0, "refused": 0}
    sums = {"requested": Decimal(0), "awarded": Decimal(0), "applied": Decimal(0), "refused": Decimal(0)}
    for status, requested, awarded in rows:
        counts[status] += 1
        sums["requested"] += requested
        if status == "awarded":
            sums["awarded"] += awarded
        else:
            sums[status] += requested
    return FundingTotals(
        applications=sum(counts.values()),
        requested=sums["requested"],
        awarded_count=counts["awarded"],
        awarded=sums["awarded"],
        waiting_count=counts["applied"],
        waiting=sums["applied"],
        refused_count=counts["refused"],
        refused=sums["refused"],
    )
