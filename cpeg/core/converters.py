"""URL converters shared by every app.

``<fy:year>`` matches a financial year's start year, 1990 to 2099, as four
digits, so a URL with year 0, a negative or a five-digit year is a plain
404 before any view runs (``FinancialYear`` would otherwise raise inside a
view, a 500). Registered once, in ``config/urls.py``, before the apps'
URL modules are read.
"""

from django.urls import register_converter

MIN_YEAR = 1990
MAX_YEAR = 2099


class FinancialYearConverter:
    """The start year of a UK financial year in a URL (``/2025/``)."""

    regex = "(?:19|20)[0-9]{2}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValueError(value)
        return year

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


def register() -> None:
    """Register ``fy``; safe to call more than once."""
    from django.urls.converters import get_converters

    if "fy" not in get_converters():
        register_converter(FinancialYearConverter, "fy")
