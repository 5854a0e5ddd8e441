"""What quarterly monitoring reads from other apps, in one place.

- SLA targets: ``agreements.selectors.sla_targets_for_groups`` (the outputs of
  the latest SLA version the group has signed for the year; its draft if it
  has signed none; the standard SLA's when it has no SLA yet).
- Activity counts: ``activities.selectors.output_counts`` (one aggregate query).

Monitoring reads nothing from funding: the spend flags and a return's spend
section come from ``reporting.monitoring.selectors``.
"""

from __future__ import annotations

import datetime as dt

from cpeg.activities import selectors as activity_selectors
from cpeg.agreements import selectors as agreement_selectors


def sla_targets_for_groups(*, group_ids, financial_year: int, measure: str | None = None) -> dict[int, list]:
    """group id -> its OutputTargets for the year, ordered by position: the
    latest version the group has signed (or its draft if it has signed none,
    or the standard SLA if it has no SLA); ``measure`` keeps one kind only."""
    return agreement_selectors.sla_targets_for_groups(
        group_ids=list(group_ids), financial_year=financial_year, measure=measure
    )


def output_counts(*, group_ids, starts_on: dt.date, ends_on: dt.date) -> dict[tuple[int, str], int]:
    """(group id, output code) -> activities held in the period that evidence it. One query."""
    return activity_selectors.output_counts(group_ids=list(group_ids), starts_on=starts_on, ends_on=ends_on)
