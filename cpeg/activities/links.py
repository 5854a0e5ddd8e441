"""Links to a group's activity list, filtered to exactly what a figure counts.

Every count of activities shown anywhere (a return line, a scorecard cell,
a dashboard item, a funding figure) links to the list of the activities it
counted: build the link with ``activity_list_url`` from the same filters
the count was made with, e.g.::

    counts = output_counts(group_ids=ids, starts_on=year.starts_on,
                           ends_on=quarter.ends_on, held_by=today)
    url = activity_list_url(group.pk, output="public-meetings",
                            starts_on=year.starts_on,
                            ends_on=quarter.ends_on, when="held")

The list then shows the same number (``activities.selectors``:
``activity_queryset`` is the one rule for both).
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from urllib.parse import urlencode

from django.urls import reverse

from cpeg.activities.selectors import ActivityFilters
from cpeg.core.fiscal import FinancialYear

_PK = 987654321


@cache
def _list_url_template() -> str:
    return reverse("activities:activity-list", kwargs={"pk": _PK})


def activity_list_url(
    group_id: int,
    *,
    year: FinancialYear | int | None = None,
    activity_type: str = "",
    output: str = "",
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    when: str = "",
    filters: ActivityFilters | None = None,
) -> str:
    """The group's activity list with these filters (or ``filters``), as a
    path with a query string. No query: one string replacement per call."""
    if filters is None:
        if isinstance(year, int):
            year = FinancialYear(year)
        filters = ActivityFilters(
            year=year,
            activity_type=str(activity_type or ""),
            output=output,
            starts_on=starts_on,
            ends_on=ends_on,
            when=str(when or ""),
        )
    base = _list_url_template().replace(str(_PK), str(int(group_id)))
    query = filters.as_query()
    return f"{base}?{urlencode(query)}" if query else base
