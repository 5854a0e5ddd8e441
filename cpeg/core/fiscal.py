"""The UK financial year, its quarters and working days.

The authority's year runs April to March; Q1 is April-June, Q2 July-September,
Q3 October-December and Q4 January-March. The year that starts on 1 April 2025
is "2025/26". Every date rule in CPEG Manager (SLA years, quarterly returns,
funding rounds, deadlines) goes through this module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

import holidays


def london_today() -> dt.date:
    """Today in London (the server's clock may run on UTC)."""
    from django.utils import timezone

    return timezone.localdate()


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A UK financial year, named by the calendar year in which it starts."""

    start_year: int

    @classmethod
    def containing(cls, day: dt.date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @classmethod
    def current(cls, today: dt.date | None = None) -> FinancialYear:
        return cls.containing(today or london_today())

    @classmethod
    def parse(cls, label: str) -> FinancialYear:
        """Read "2025/26", "2025-26" or "2025" as the year starting April 2025."""
        text = str(label).strip()
        head = text.replace("-", "/").split("/")[0]
        if not head.isdigit() or len(head) != 4:
            raise ValueError(f"{label!r} is not a financial year such as 2025/26")
        year = cls(int(head))
        if "/" in text.replace("-", "/"):
            tail = text.replace("-", "/").split("/")[1]
            if tail not in {str(year.start_year + 1)[-2:], str(year.start_year + 1)}:
                raise ValueError(f"{label!r} is not a financial year such as 2025/26")
        return year

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def ends_on(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{str(self.start_year + 1)[-2:]}"

    @property
    def quarters(self) -> tuple[Quarter, ...]:
        return tuple(Quarter(self.start_year, n) for n in (1, 2, 3, 4))

    def contains(self, day: dt.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def next(self) -> FinancialYear:
        return FinancialYear(self.start_year + 1)

    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Quarter:
    """One quarter of a financial year: 1 = April-June ... 4 = January-March."""

    start_year: int
    number: int

    def __post_init__(self):
        if self.number not in (1, 2, 3, 4):
            raise ValueError("A quarter is numbered 1 to 4")

    @classmethod
    def containing(cls, day: dt.date) -> Quarter:
        year = FinancialYear.containing(day)
        months_in = (day.month - 4) % 12
        return cls(year.start_year, months_in // 3 + 1)

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.start_year)

    @property
    def starts_on(self) -> dt.date:
        month = 4 + (self.number - 1) * 3
        year = self.start_year + (month - 1) // 12
        return dt.date(year, (month - 1) % 12 + 1, 1)

    @property
    def ends_on(self) -> dt.date:
        following = self.next().starts_on
        return following - dt.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"Q{self.number} {self.financial_year.label}"

    @property
    def months_label(self) -> str:
        return {
            1: "April to June",
            2: "July to September",
            3: "October to December",
            4: "January to March",
        }[self.number]

    @property
    def elapsed_fraction(self):
        """The share of the year done at this quarter's end, as a Decimal."""
        from decimal import Decimal

        return Decimal(self.number) / Decimal(4)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.start_year + 1, 1)
        return Quarter(self.start_year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.start_year - 1, 4)
        return Quarter(self.start_year, self.number - 1)

    def __str__(self) -> str:
        return self.label


@cache
def _bank_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.UK(subdiv="ENG", years=year).keys())


def is_working_day(day: dt.date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The date ``count`` working days after ``day`` (``day`` itself not counted)."""
    current = day
    remaining = count
    while remaining > 0:
        current += dt.timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def financial_year_choices(around: FinancialYear | None = None, before=5, after=2):
    """(start_year, label) pairs for form fields, newest first."""
    centre = around or FinancialYear.current()  # London's date, not the server's
    years = range(centre.start_year + after, centre.start_year - before - 1, -1)
    return [(y, FinancialYear(y).label) for y in years]


def _days(count: int) -> str:
    return f"{count} day{'' if count == 1 else 's'}"


def due_in_words(due_on: dt.date, today: dt.date | None = None) -> str:
    """When something falls due, in words: "due today", "due tomorrow",
    "due in 3 days", "overdue by 1 day" (calendar days, London's today)."""
    today = today or london_today()
    days = (due_on - today).days
    if days == 0:
        return "due today"
    if days == 1:
        return "due tomorrow"
    if days > 1:
        return f"due in {_days(days)}"
    return f"overdue by {_days(-days)}"
