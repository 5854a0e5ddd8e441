"""The SLA outputs an activity can evidence.

The 18 standard outputs come from ``agreements.sla_source`` (the
transcribed standard SLA), so every activity can evidence them whatever
is stored for a year. A group can also evidence the outputs of its own SLA
for the activity's financial year: local outputs, and outputs an officer
added to that year's template. ``OutputCatalogue`` reads those through
``agreements.selectors.sla_targets_for_groups`` (one query per year).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cpeg.agreements.sla_source import OUTPUTS
from cpeg.core.fiscal import FinancialYear

OUTPUT_CHOICES: list[tuple[str, str]] = [(o["code"], o["output"]) for o in OUTPUTS]
OUTPUT_LABELS: dict[str, str] = dict(OUTPUT_CHOICES)
OUTPUT_CODES: frozenset[str] = frozenset(OUTPUT_LABELS)


def output_label(code: str) -> str:
    """The SLA's wording for an output code (the code itself if unknown)."""
    return OUTPUT_LABELS.get(code, code)


class OutputCatalogue:
    """The outputs one group's activities can evidence, per financial year.

    Each year's list is the standard outputs, in the standard SLA's order,
    then the group's own outputs for that year that are not standard (its
    local outputs and any added to the year's template), in its SLA's
    order. Read once per year and kept for the life of the object, so an
    import of many rows reads each year once.
    """

    def __init__(self, group):
        self.group = group
        self._years: dict[int, list[tuple[str, str]]] = {}

    def choices_for_year(self, start_year: int) -> list[tuple[str, str]]:
        """(code, wording) of every output the group can evidence in the year."""
        if start_year not in self._years:
            from cpeg.agreements.selectors import sla_targets_for_groups

            own = sla_targets_for_groups(group_ids=[self.group.pk], financial_year=start_year).get(self.group.pk, [])
            extra = [(t.code, t.output) for t in own if t.code not in OUTPUT_CODES]
            self._years[start_year] = OUTPUT_CHOICES + list(dict(extra).items())
        return self._years[start_year]

    def choices_for(self, day: dt.date | None) -> list[tuple[str, str]]:
        """The outputs for the financial year of ``day`` (this year if None)."""
        return self.choices_for_year(FinancialYear.containing(day or timezone.localdate()).start_year)

    def codes_for(self, day: dt.date | None) -> frozenset[str]:
        return frozenset(code for code, _label in self.choices_for(day))

    def labels(self, *days: dt.date) -> dict[str, str]:
        """Code -> wording across the years of ``days`` (standard ones always)."""
        labels = dict(OUTPUT_LABELS)
        for day in days:
            labels.update(dict(self.choices_for(day)))
        return labels
