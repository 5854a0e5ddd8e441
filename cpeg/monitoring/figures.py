"""The arithmetic of quarterly monitoring: pro-rata targets, suggested RAG
statuses and deadlines. Pure functions, no database.

Deadlines
    a return is due so many working days (a setting) after its quarter
    ends; one sent back with comments is due again by the later of that
    date and ``RESUBMIT_WORKING_DAYS`` working days after it was sent back.

Pro-rata target
    annual target x quarter number / 4, as a Decimal. No rounding is needed
    or done: a whole-number target divided into quarters always ends in .00,
    .25, .50 or .75, and is kept exactly (two decimal places). A target of 4
    meetings gives 1, 2, 3, 4 by Q1..Q4; a target of 6 gives 1.5, 3, 4.5, 6;
    a target of 5 gives 1.25 at Q1, so a group needs 2 meetings to be green.

Yearly outputs due in one quarter
    an output with a due quarter (the annual report and membership review
    are due by Q4) is not spread over the year: nothing is due before that
    quarter, and the whole yearly target from its end. So an annual report
    not yet published in Q1 is on track ("0 of 0"), and one still missing
    at Q4 is behind ("0 of 1").

Suggested RAG (counted outputs only; yes/no and narrative lines get none)
    with c the count so far this year and p the pro-rata target:
    - green when c >= p (including p = 0);
    - amber when c < p and (p - c <= 1 or c >= p / 2), i.e. within one of the
      target, or at least half of it;
    - red otherwise.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from cpeg.core.fiscal import FinancialYear, Quarter, add_working_days, is_working_day
from cpeg.monitoring.choices import Rag

TWO_PLACES = Decimal("0.01")


def pro_rata_target(
    annual_target: int | None, quarter_number: int, *, due_quarter: int | None = None
) -> Decimal | None:
    """The share of the yearly target due by the end of quarter
    ``quarter_number``: all of it from ``due_quarter`` on (none before) for
    an output due in one quarter, otherwise a quarter of it per quarter."""
    if annual_target is None:
        return None
    if quarter_number not in (1, 2, 3, 4):
        raise ValueError("A quarter is numbered 1 to 4")
    if due_quarter is not None:
        value = Decimal(annual_target) if quarter_number >= due_quarter else Decimal(0)
        return value.quantize(TWO_PLACES)
    value = Decimal(annual_target) * Decimal(quarter_number) / Decimal(4)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def suggest_rag(count: int | None, target: Decimal | None) -> str:
    """Green, amber or red for a count against a pro-rata target ("" if not counted)."""
    if count is None or target is None:
        return ""
    count_d = Decimal(count)
    if count_d >= target:
        return Rag.GREEN
    if target - count_d <= 1 or count_d * 2 >= target:
        return Rag.AMBER
    return Rag.RED


def format_target(value: Decimal | None) -> str:
    """3.00 -> "3", 1.50 -> "1.5", 1.25 -> "1.25"."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def return_due_on(quarter: Quarter, deadline_working_days: int) -> dt.date:
    """The deadline: so many working days (England and Wales) after the quarter ends."""
    return add_working_days(quarter.ends_on, deadline_working_days)


# A return sent back to the group with comments is due again by the later of
# its original due date and this many working days after it was sent back.
RESUBMIT_WORKING_DAYS = 10


def resubmission_due_on(due_on: dt.date, returned_on: dt.date) -> dt.date:
    """When a returned return is due again: its own due date, or
    ``RESUBMIT_WORKING_DAYS`` working days after it was sent back if later."""
    return max(due_on, add_working_days(returned_on, RESUBMIT_WORKING_DAYS))


def working_days_before(day: dt.date, count: int) -> dt.date:
    """The working day ``count`` working days before ``day`` (``day`` itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current -= dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def ended_quarters(today: dt.date) -> list[Quarter]:
    """Quarters whose return should be open by ``today``: the current financial
    year's ended quarters, and the previous year's Q4 (its return falls due in
    the new year)."""
    year = FinancialYear.containing(today)
    return [Quarter(year.start_year - 1, 4)] + [q for q in year.quarters if q.ends_on < today]
