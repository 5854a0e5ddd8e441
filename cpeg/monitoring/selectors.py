"""Reads for quarterly monitoring: a group's returns and one return's page.

The early-warning dashboard and the scorecard join returns with other
apps' figures, so they live in ``reporting.monitoring``; so does a return's
spend section. The three functions at the end are what other apps may read
about a group's returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from cpeg.accounts.access import get_for_user_or_404
from cpeg.activities.links import activity_list_url
from cpeg.activities.selectors import When
from cpeg.core.audit import history_entries
from cpeg.core.fiscal import FinancialYear
from cpeg.core.models import AuditEvent
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring import sources, workflow
from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

_PK = 987654321


def url_maker(name: str):
    """A fast pk -> URL function for a URL taking ``pk`` ('' if the URL is not there)."""
    try:
        template = reverse(name, kwargs={"pk": _PK})
    except NoReverseMatch:
        return lambda pk: ""
    return lambda pk: template.replace(str(_PK), str(pk))


def evidence_url(group_id: int, code: str, starts_on: dt.date, ends_on: dt.date) -> str:
    """The list behind a count: the group's activities held from ``starts_on``
    to ``ends_on`` (inclusive) that evidence the SLA output ``code``, the
    filters ``sources.output_counts`` counts with. Every count monitoring
    shows (a return line, a scorecard cell, a dashboard item) links here."""
    return activity_list_url(group_id, output=code, starts_on=starts_on, ends_on=ends_on, when=When.HELD)


# --- A group's returns ---------------------------------------------------------------


def return_list_for_group(*, group: EngagementGroup) -> QuerySet:
    """Every return of the group (the caller has checked the group is the user's to see)."""
    return (
        QuarterlyReturn.objects.filter(group=group, archived_at__isnull=True)
        .select_related("submitted_by", "reviewed_by")
        .order_by("-financial_year", "-quarter")
    )


def return_get_for(*, user, pk: int, perm: str = "monitoring.view_quarterlyreturn") -> QuarterlyReturn:
    """One return the user may act on with ``perm``; 404 for missing and not-yours alike."""
    return get_for_user_or_404(
        user,
        QuarterlyReturn.objects.filter(archived_at__isnull=True).select_related(
            "group__borough", "submitted_by", "reviewed_by"
        ),
        perm,
        pk=pk,
    )


def line_get_for(*, user, pk: int, perm: str = "monitoring.review_quarterlyreturn") -> ReturnLine:
    line = get_for_user_or_404(
        user,
        ReturnLine.objects.select_related("quarterly_return__group__borough", "support_resolved_by"),
        "monitoring.view_quarterlyreturn",
        pk=pk,
    )
    if not user.has_perm(perm, line.quarterly_return):
        raise Http404
    return line


@dataclass(frozen=True)
class CountChange:
    """A line of a submitted or accepted return whose frozen count no longer
    matches the activity record (an activity withdrawn, or recorded late)."""

    line: ReturnLine
    live: int

    @property
    def difference(self) -> int:
        return self.live - (self.line.count_to_date or 0)

    @property
    def text(self) -> str:
        n = abs(self.difference)
        activities = f"{n} activit{'y' if n == 1 else 'ies'}"
        if self.difference < 0:
            return f"{activities} counted in this return {'has' if n == 1 else 'have'} since been withdrawn"
        return f"{activities} more {'has' if n == 1 else 'have'} since been recorded for this period"


def count_changes(*, quarterly_return: QuarterlyReturn, lines=None, events=None) -> list[CountChange]:
    """The lines of a frozen return whose count differs from the activity
    record now (one query; none for a return the group still edits), less
    those an officer has already decided to keep as they stand."""
    qr = quarterly_return
    if not workflow.is_frozen(qr):
        return []
    live = sources.output_counts(group_ids=[qr.group_id], starts_on=qr.year.starts_on, ends_on=qr.period.ends_on)
    lines = lines if lines is not None else list(qr.lines.order_by("position", "id"))
    changes = [
        CountChange(line, live.get((qr.group_id, line.output_code), 0))
        for line in lines
        if line.count_to_date is not None and live.get((qr.group_id, line.output_code), 0) != line.count_to_date
    ]
    if events is None:
        events = AuditEvent.objects.filter(
            target_type__app_label="monitoring", target_type__model="quarterlyreturn", target_id=qr.pk
        ).order_by("created_at", "id")
    kept = [e for e in events if e.event_type == "RETURN_COUNTS_KEPT"]
    if kept and kept[-1].payload.get("counts") == {c.line.output_code: c.live for c in changes}:
        return []  # the officer kept exactly these figures
    return changes


@dataclass
class ReturnPage:
    quarterly_return: QuarterlyReturn
    lines: list[ReturnLine]
    events: list[AuditEvent]
    history: list
    activity_urls: dict[str, str]
    incomplete: list[str] = field(default_factory=list)
    count_changes: list[CountChange] = field(default_factory=list)


def return_page(*, quarterly_return: QuarterlyReturn) -> ReturnPage:
    """What a return's page shows: its lines, its workflow events and its change history."""
    qr = quarterly_return
    lines = list(qr.lines.select_related("support_resolved_by").order_by("position", "id"))
    events = list(
        AuditEvent.objects.filter(
            target_type__app_label="monitoring", target_type__model="quarterlyreturn", target_id=qr.pk
        )
        .select_related("actor")
        .order_by("created_at", "id")
    )
    history = history_entries(
        ("Return", QuarterlyReturn.history.filter(id=qr.pk)),
        ("Line", ReturnLine.history.filter(quarterly_return_id=qr.pk)),
    )
    return ReturnPage(
        quarterly_return=qr,
        lines=lines,
        events=events,
        history=history,
        activity_urls={
            line.output_code: evidence_url(qr.group_id, line.output_code, qr.year.starts_on, qr.period.ends_on)
            for line in lines
        },
        incomplete=[line.output for line in lines if not line.rag or not line.progress.strip()],
        count_changes=count_changes(quarterly_return=qr, lines=lines, events=events),
    )


def line_evidence(*, quarterly_return: QuarterlyReturn, user) -> dict[str, list[sources.Evidence]]:
    """Output code -> the records that evidence the return's lines so far
    this year (the year's start to the end of the return's quarter, as its
    counts): the group's consultation responses, programme engagements,
    two-way mechanisms, Policing Pledge reports and membership reviews,
    each linked to its page. A fixed number of queries."""
    qr = quarterly_return
    return sources.output_evidence(group=qr.group, user=user, starts_on=qr.year.starts_on, ends_on=qr.period.ends_on)


def attach_evidence(lines, evidence: dict) -> None:
    """Give each line ``evidence_records``: its records (a list, perhaps
    empty) where its output can be evidenced by records, else None."""
    for line in lines:
        line.evidence_records = evidence.get(line.output_code)


# --- What other apps may read about a group's returns ------------------------
# Funding (which sits above monitoring) and reporting read returns only
# through these three functions, never the models.


def returns_owed(*, group: EngagementGroup, year: FinancialYear, today: dt.date | None = None) -> int:
    """The quarterly returns a group owed for ``year`` by ``today``: one for
    each quarter that has ended and ended on or after the day the group was
    set up (as returns are opened), so a group set up mid-year, or a year
    not yet over, owes fewer than four."""
    today = today or timezone.localdate()
    established = group.established_on
    return sum(1 for q in year.quarters if q.ends_on < today and (established is None or established <= q.ends_on))


@dataclass(frozen=True)
class ReturnsRecord:
    """A group's reporting in a year: returns submitted on time and the
    support it asked for in submitted returns ("Q2, Output: text")."""

    owed: int
    on_time: int
    support_needed: list[str]


def returns_record(*, group: EngagementGroup, year: FinancialYear, today: dt.date | None = None) -> ReturnsRecord:
    """Returns owed by ``today`` (ended quarters only), submitted on time and
    support asked for, from the group's quarterly returns for the year (two
    queries).

    Support counts once the return asking for it has been submitted, as on
    the monitoring dashboard: a draft's request never reached the authority.
    """
    returns = list(
        QuarterlyReturn.objects.filter(group=group, financial_year=year.start_year, archived_at__isnull=True)
    )
    submitted = [r for r in returns if r.first_submitted_at is not None]
    support = [
        f"Q{quarter}, {output}: {text}"
        for quarter, output, text in ReturnLine.objects.filter(quarterly_return__in=submitted)
        .exclude(support_requested="")
        .order_by("quarterly_return__quarter", "position")
        .values_list("quarterly_return__quarter", "output", "support_requested")
    ]
    return ReturnsRecord(
        owed=returns_owed(group=group, year=year, today=today),
        on_time=sum(1 for r in submitted if not r.was_late),
        support_needed=support,
    )


def return_status(*, group_id: int, financial_year: int, quarter: int) -> str | None:
    """The status of the group's (unarchived) return for a quarter, or None."""
    return (
        QuarterlyReturn.objects.filter(
            group_id=group_id, financial_year=financial_year, quarter=quarter, archived_at__isnull=True
        )
        .values_list("status", flat=True)
        .first()
    )
