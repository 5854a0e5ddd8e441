"""The periods figures are given for: a month, a financial-year quarter, a
financial year. Keys in URLs: ``2018-10``, ``2018-Q3`` (Q3 of 2018/19:
October to December 2018), ``2018/19``."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from cpeg.core.fiscal import FinancialYear, Quarter

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


@dataclass(frozen=True)
class Period:
    kind: str  # "month", "quarter" or "year"
    key: str
    label: str
    starts_on: dt.date
    ends_on: dt.date

    @classmethod
    def month(cls, day: dt.date) -> Period:
        last = calendar.monthrange(day.year, day.month)[1]
        return cls("month", f"{day:%Y-%m}", f"{day:%B %Y}", day.replace(day=1), day.replace(day=last))

    @classmethod
    def quarter(cls, quarter: Quarter) -> Period:
        return cls(
            "quarter",
            f"{quarter.start_year}-Q{quarter.number}",
            f"{quarter.label} ({quarter.months_label} {quarter.ends_on.year})",
            quarter.starts_on,
            quarter.ends_on,
        )

    @classmethod
    def year(cls, year: FinancialYear) -> Period:
        return cls("year", year.label, f"Financial year {year.label}", year.starts_on, year.ends_on)

    @classmethod
    def parse(cls, key: str) -> Period:
        """A period from its key; ValueError if it is not one."""
        text = (key or "").strip()
        if match := _MONTH.match(text):
            month = int(match[2])
            if 1 <= month <= 12:
                return cls.month(dt.date(int(match[1]), month, 1))
        elif match := _QUARTER.match(text):
            return cls.quarter(Quarter(int(match[1]), int(match[2])))
        else:
            try:
                return cls.year(FinancialYear.parse(text))
            except ValueError:
                pass
        raise ValueError(f"Enter a month (2018-10), a quarter (2018-Q3) or a financial year (2018/19), not {key!r}")

    def months(self) -> list[dt.date]:
        """The first day of each month in the period."""
        months, day = [], self.starts_on
        while day <= self.ends_on:
            months.append(day)
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return months

    def covering(self) -> list[Period]:
        """The month, quarter and year that contain this period's start."""
        quarter = Quarter.containing(self.starts_on)
        return [Period.month(self.starts_on), Period.quarter(quarter), Period.year(quarter.financial_year)]
