"""What quarterly monitoring reads from other apps, in one place.

- SLA targets: ``agreements.selectors.sla_targets_for_groups`` (the outputs of
  the latest SLA version the group has signed for the year; its draft if it
  has signed none; the standard SLA's when it has no SLA yet).
- Activity counts: ``activities.selectors.output_counts`` (one aggregate query).
- The records behind a return line (``output_evidence``): the group's
  consultation responses, programme engagements, two-way mechanisms and
  Policing Pledge reports (``consultations.selectors.evidence_records``) and
  its membership reviews (``membership.selectors.reviews_for_groups``).

Monitoring reads nothing from funding: the spend flags and a return's spend
section come from ``reporting.monitoring.selectors``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from cpeg.activities import selectors as activity_selectors
from cpeg.agreements import selectors as agreement_selectors
from cpeg.consultations import selectors as consultation_selectors
from cpeg.core.fiscal import FinancialYear
from cpeg.membership import selectors as membership_selectors

# The SLA output a group's membership reviews evidence.
MEMBERSHIP_REVIEW_OUTPUT = "membership-review"
# The outputs records other than activities can evidence: a return line for
# one of them lists its records, or says there are none yet.
EVIDENCED_OUTPUTS = frozenset(
    {
        "policing-plan-consultation",
        "budget-consultation",
        "stop-and-search",
        "olympics",
        "counter-terrorism",
        "policing-pledge",
        "dsvb-hate-crime",
        "met-forward",
        "two-way-engagement",
        MEMBERSHIP_REVIEW_OUTPUT,
    }
)


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
class Evidence:
    """One record that evidences a return line: when, what, and its page
    ("" where the reader may not open it)."""

    on: dt.date
    text: str
    url: str


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _activity_url(activity_id, anchor: str = "") -> str:
    return reverse("activities:activity-detail", kwargs={"pk": activity_id}) + anchor


def _response(response) -> Evidence:
    title = response.consultation.title
    if response.decision == "not_responding":
        text = f"{title}: not responding ({response.not_responding_reason})"
    else:
        text = (
            f"{title}: responded for {_plural(response.organisations_count or 0, 'member organisation')} "
            f"and {_plural(response.individuals_count or 0, 'individual')}"
        )
    if response.is_late:
        text += ", sent late and accepted"
    url = reverse("consultations:response-detail", kwargs={"pk": response.pk})
    return Evidence(timezone.localdate(response.submitted_at), text, url)


def _record(record, kind: str) -> Evidence:
    programmes_url = reverse("consultations:group-programmes", kwargs={"pk": record.group_id})
    if kind == "engagement":
        url = _activity_url(record.activity_id) if record.activity_id else programmes_url
        return Evidence(record.engaged_on, f"{record.programme.name}: {record.level.name}", url)
    if kind == "cdrp":
        url = reverse("consultations:cdrp-list", kwargs={"pk": record.borough_id})
        url += f"?year={FinancialYear.containing(record.held_on).start_year}#cdrp-meeting-{record.pk}"
        return Evidence(record.held_on, f"{record.borough.name} CDRP meeting: the CPEG's seat filled", url)
    if kind == "mechanism":
        url = _activity_url(record.activity_id) if record.activity_id else programmes_url
        return Evidence(record.held_on, f"{record.get_kind_display()}: {record.description}", url)
    reported = [
        label
        for label, flag in (("performance", record.performance_reported), ("confidence", record.confidence_reported))
        if flag
    ]
    text = f"{record.activity.title}: the borough commander reported {' and '.join(reported)} figures"
    return Evidence(record.activity.held_on, text, _activity_url(record.activity_id, "#pledge"))


def output_evidence(*, group, user, starts_on: dt.date, ends_on: dt.date) -> dict[str, list[Evidence]]:
    """SLA output code -> the group's records in the period that evidence
    it, oldest first, each linked to its page: consultation responses,
    programme engagements, two-way mechanisms (CDRP seat, Face the People,
    strategic assessment), CDRP meetings where the CPEG's seat was filled,
    Policing Pledge reports and membership reviews. Six queries whatever
    the number of records."""
    found: dict[str, list[Evidence]] = {code: [] for code in EVIDENCED_OUTPUTS}
    records = consultation_selectors.evidence_records(group_ids=[group.pk], starts_on=starts_on, ends_on=ends_on)
    kinds = {
        "programmeengagement": "engagement",
        "twowaymechanism": "mechanism",
        "cdrpmeeting": "cdrp",
        "pledgereport": "pledge",
    }
    for (_group_id, code), rows in records.items():
        items = [
            _response(row)
            if row._meta.model_name == "consultationresponse"
            else _record(row, kinds[row._meta.model_name])
            for row in rows
        ]
        found[code] = sorted(items, key=lambda e: e.on)
    reviews = membership_selectors.reviews_for_groups(group_ids=[group.pk], starts_on=starts_on, ends_on=ends_on)
    if reviews.get(group.pk):
        url = reverse("membership:register", kwargs={"pk": group.pk})
        url = url if user.has_perm("membership.view_member", group) else ""
        found[MEMBERSHIP_REVIEW_OUTPUT] = [
            Evidence(
                review.reviewed_on,
                f"Membership review: {_plural(review.members_reviewed, 'member')} reviewed, "
                f"{review.members_removed} whose membership ended",
                url,
            )
            for review in reviews[group.pk]
        ]
    return found
