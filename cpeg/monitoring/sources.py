"""What quarterly monitoring reads from other apps, in one place.

- SLA targets: ``agreements.selectors.sla_targets_for_groups`` (the outputs of
  the latest SLA version the group has signed for the year; its draft if it
  has signed none; the standard SLA's when it has no SLA yet).
- Activity counts: ``activities.selectors.output_counts`` (one aggregate query).
- Spend flags: ``funding.selectors.spend_flags_for`` (SPEND FLAGS: shown on
  the dashboard, the scorecard and the return page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


@dataclass(frozen=True)
class SpendNote:
    """One spend flag as monitoring shows it: a sentence and where it comes from."""

    text: str
    url: str = ""

    def __str__(self):
        return self.text


def _money(value) -> str:
    return f"£{value:,.2f}"


def spend_flags_for(*, group_ids, financial_year: int) -> dict[int, list[SpendNote]]:
    """group id -> spend flags (overspend or underspend by budget category
    against the pro-rata budget) from the funding app; groups on track or
    without an award have none."""
    from cpeg.funding.selectors import spend_flags_for as funding_flags

    notes: dict[int, list[SpendNote]] = {}
    for group_id, flag in funding_flags(group_ids=list(group_ids), financial_year=financial_year).items():
        if not getattr(flag, "is_flagged", False):
            continue
        url = getattr(flag, "url", "") or ""
        items = []
        for kind, categories in (("Overspend", flag.overspent), ("Underspend", flag.underspent)):
            for c in categories:
                items.append(
                    SpendNote(
                        f"{kind} on {c.label}: {_money(c.spent_to_date)} spent against "
                        f"{_money(c.budget_to_date)} budgeted to Q{flag.quarter}",
                        url,
                    )
                )
        notes[group_id] = items
    return notes


@dataclass(frozen=True)
class ReturnSpend:
    """The spend section of a quarterly return: the group's award for the
    year, spend to date per budget category against the pro-rata budget,
    and where to report this quarter's spend."""

    award: object
    position: object
    report_url: str


def return_spend(*, group, financial_year: int, quarter: int) -> ReturnSpend | None:
    """The return's spend section, or None when the group has no award that year."""
    from django.urls import reverse

    from cpeg.funding.models import Award
    from cpeg.funding.selectors import spend_position

    award = Award.objects.filter(group=group, funding_round__financial_year=financial_year).first()
    if award is None:
        return None
    return ReturnSpend(
        award=award,
        position=spend_position(award=award, quarter=quarter),
        report_url=reverse("funding:spend-report", kwargs={"pk": group.pk, "year": financial_year, "quarter": quarter}),
    )
