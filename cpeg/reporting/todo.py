"""What each person has to do next: the home page's to-do lists.

Every signed-in person starts on a list of what is waiting for them, built
from their roles' permissions (never from role names):

- a group's administrator and executive: returns to complete (open or sent
  back, with how soon they are due or how late they are), spend to report
  for quarters that have ended, funding applications to start or submit
  before the deadline; a chair or authorised executive member: the SLA
  waiting for their signature;
- officers: returns waiting for review, support groups asked for, bids to
  assess; SLAs to countersign;
- officers and managers: assessed bids to moderate; managers: rounds whose
  deadline has passed, waiting for the awards to be decided;
- link members: each group of their boroughs at a glance.

Whether an item is waiting is decided by each app's own rules (the
``can_*`` functions in ``monitoring.workflow``, ``agreements.workflow``
and ``funding.workflow``), never restated here. Each list is a fixed
number of queries whatever the number of records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from cpeg.accounts.access import borough_ids_of, group_ids_of
from cpeg.agreements import workflow as sla_workflow
from cpeg.agreements.choices import SlaStatus
from cpeg.agreements.models import GroupSla
from cpeg.core.fiscal import FinancialYear, due_in_words
from cpeg.funding import workflow as funding_workflow
from cpeg.funding.choices import ApplicationStatus, RoundStatus, SpendReportStatus
from cpeg.funding.models import Award, FundingApplication, FundingRound, SpendReport
from cpeg.groups.models import EngagementGroup
from cpeg.monitoring import workflow as return_workflow
from cpeg.monitoring.choices import EDITABLE_RETURN_STATUSES, REPORTED_RETURN_STATUSES, ReturnStatus
from cpeg.monitoring.models import QuarterlyReturn, ReturnLine

# An officer's long lists show this many items, then link to the full list.
LIST_LIMIT = 25


@dataclass(frozen=True)
class TodoItem:
    """One thing to do: what, for which group, by when, and where to do it."""

    what: str
    group: str
    url: str
    when: str = ""
    is_overdue: bool = False


@dataclass
class TodoSection:
    """A heading and its items; ``more_url`` lists everything when cut short."""

    title: str
    items: list[TodoItem] = field(default_factory=list)
    total: int = 0
    more_url: str = ""
    more_label: str = ""


@dataclass(frozen=True)
class GroupGlance:
    """A link member's line for one group: its returns at a glance."""

    name: str
    borough: str
    url: str
    overdue: int
    waiting_review: int
    sent_back: int


@dataclass
class HomePage:
    sections: list[TodoSection]
    glance: list[GroupGlance]

    @property
    def item_count(self) -> int:
        return sum(s.total for s in self.sections)


def _when(due_on: dt.date | None, today: dt.date) -> tuple[str, bool]:
    if due_on is None:
        return "", False
    return f"{due_in_words(due_on, today)} ({due_on:%-d %B %Y})", due_on < today


def _section(title: str, items: list[TodoItem], *, more_url: str = "", more_label: str = "") -> TodoSection:
    return TodoSection(
        title=title,
        items=items[:LIST_LIMIT],
        total=len(items),
        more_url=more_url if len(items) > LIST_LIMIT else "",
        more_label=more_label,
    )


# --- A group's people -------------------------------------------------------------


def group_returns_todo(user, *, group_ids, today: dt.date) -> list[TodoItem]:
    """Open and sent-back returns the user may complete (one query)."""
    returns = (
        QuarterlyReturn.objects.filter(
            group_id__in=group_ids, archived_at__isnull=True, status__in=EDITABLE_RETURN_STATUSES
        )
        .select_related("group")
        .order_by("due_on", "group__name")
    )
    items = []
    for qr in returns:
        if not return_workflow.can_edit(user, qr):
            continue
        when, overdue = _when(qr.due_on, today)
        if return_workflow.is_returned(qr):
            what = f"Change and resubmit the quarterly return for {qr.period.label}: it was sent back to you"
        else:
            what = f"Complete and submit the quarterly return for {qr.period.label} ({qr.period.months_label})"
        items.append(TodoItem(what=what, group=qr.group.name, url=qr.get_absolute_url(), when=when, is_overdue=overdue))
    return items


def group_spend_todo(user, *, group_ids, today: dt.date) -> list[TodoItem]:
    """Quarters of this year's award that have ended and whose spend the
    group has not submitted (two queries, and one a quarter for the
    return's status in ``spend_lock_reason``)."""
    year = FinancialYear.containing(today)
    awards = list(
        Award.objects.filter(group_id__in=group_ids, funding_round__financial_year=year.start_year)
        .select_related("group", "funding_round")
        .order_by("group__name")
    )
    reports = {
        (r.award_id, r.quarter): r for r in SpendReport.objects.filter(award__in=awards, financial_year=year.start_year)
    }
    items = []
    for award in awards:
        for quarter in year.quarters:
            if not funding_workflow.can_submit_spend(award, quarter=quarter.number, today=today):
                continue
            report = reports.get((award.pk, quarter.number))
            if report is not None and report.status == SpendReportStatus.SUBMITTED:
                continue
            locked = funding_workflow.spend_lock_reason(award=award, quarter=quarter.number, report=report)
            if not funding_workflow.can_report_spend(user, award, locked=locked):
                continue
            items.append(
                TodoItem(
                    what=f"Report what you spent in {quarter.label} ({quarter.months_label})",
                    group=award.group.name,
                    url=reverse(
                        "funding:spend-report",
                        kwargs={"pk": award.group_id, "year": year.start_year, "quarter": quarter.number},
                    ),
                    when=f"the quarter ended on {quarter.ends_on:%-d %B %Y}",
                )
            )
    return items


def group_applications_todo(user, *, group_ids, today: dt.date) -> list[TodoItem]:
    """Open rounds the group has not applied to, and drafts still to submit
    before the deadline (three queries)."""
    rounds = list(FundingRound.objects.filter(status=RoundStatus.OPEN, opens_on__lte=today).order_by("closes_on", "pk"))
    groups = list(EngagementGroup.objects.filter(pk__in=group_ids).order_by("name"))
    applications = {
        (a.group_id, a.funding_round_id): a
        for a in FundingApplication.objects.filter(group_id__in=group_ids, funding_round__in=rounds).select_related(
            "funding_round", "group"
        )
    }
    items = []
    for funding_round in rounds:
        for group in groups:
            application = applications.get((group.pk, funding_round.pk))
            if application is None:
                if funding_round.closes_on < today or not user.has_perm("funding.change_fundingapplication", group):
                    continue
                when, overdue = _when(funding_round.closes_on, today)
                items.append(
                    TodoItem(
                        what=f"Apply for funding from {funding_round.title}",
                        group=group.name,
                        url=reverse("funding:group-applications", kwargs={"pk": group.pk}),
                        when=f"deadline {when}",
                        is_overdue=overdue,
                    )
                )
            elif funding_workflow.awaits_submission(application) and funding_workflow.can_change_application(
                user, application
            ):
                deadline = max(funding_round.closes_on, application.late_submission_until or funding_round.closes_on)
                if deadline < today:
                    continue
                when, overdue = _when(deadline, today)
                items.append(
                    TodoItem(
                        what=f"Finish and submit your application to {funding_round.title}",
                        group=group.name,
                        url=application.get_absolute_url(),
                        when=f"deadline {when}",
                        is_overdue=overdue,
                    )
                )
    return items


def group_slas_todo(user, *, group_ids, today: dt.date) -> list[TodoItem]:
    """Draft SLAs the user may sign for their group (one query, and one a
    group for the signing permission)."""
    year = FinancialYear.containing(today)
    slas = (
        GroupSla.objects.filter(
            group_id__in=group_ids,
            superseded_at__isnull=True,
            status=SlaStatus.DRAFT,
            financial_year__in=(year.start_year, year.start_year + 1),
        )
        .select_related("group")
        .order_by("financial_year", "group__name")
    )
    items = []
    for sla in slas:
        if not sla_workflow.can_sign(user, sla):
            continue
        starts = sla.year.starts_on
        items.append(
            TodoItem(
                what=f"Sign the service level agreement for {sla.year.label}",
                group=sla.group.name,
                url=reverse("agreements:sla-sign", kwargs={"pk": sla.group_id, "year": sla.financial_year}),
                when=f"waiting since {timezone.localtime(sla.created_at):%-d %B %Y}"
                + (f"; the year starts on {starts:%-d %B %Y}" if starts > today else ""),
            )
        )
    return items


# --- Officers and managers ---------------------------------------------------------


def returns_to_review(user, *, today: dt.date) -> list[TodoItem]:
    """Submitted returns waiting for an officer's decision (one query)."""
    returns = (
        QuarterlyReturn.objects.filter(archived_at__isnull=True, status=ReturnStatus.SUBMITTED)
        .select_related("group")
        .order_by("submitted_at", "pk")
    )
    items = []
    for qr in returns:
        if not return_workflow.can_review(user, qr):
            continue
        since = timezone.localtime(qr.submitted_at).date() if qr.submitted_at else None
        items.append(
            TodoItem(
                what=f"Review the quarterly return for {qr.period.label}",
                group=qr.group.name,
                url=qr.get_absolute_url(),
                when=f"submitted {_ago(since, today)}" if since else "",
            )
        )
    return items


def _ago(day: dt.date, today: dt.date) -> str:
    days = (today - day).days
    if days <= 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago ({day:%-d %B %Y})"


def support_requested(user, *, today: dt.date) -> list[TodoItem]:
    """Support groups asked for in returns the authority has seen, not yet
    marked as given (one query)."""
    lines = (
        ReturnLine.objects.filter(
            quarterly_return__archived_at__isnull=True,
            quarterly_return__status__in=REPORTED_RETURN_STATUSES,
            support_resolved_at__isnull=True,
        )
        .exclude(support_requested="")
        .select_related("quarterly_return__group")
        .order_by("quarterly_return__submitted_at", "quarterly_return_id", "position")
    )
    items = []
    for line in lines:
        if not return_workflow.can_provide_support(user, line):
            continue
        qr = line.quarterly_return
        asked = line.support_requested.strip()
        items.append(
            TodoItem(
                what=f"Support asked for in {qr.period.label}: “{asked[:120]}{'…' if len(asked) > 120 else ''}”",
                group=qr.group.name,
                url=qr.get_absolute_url(),
            )
        )
    return items


def _applications(status: str):
    return (
        FundingApplication.objects.filter(status=status, funding_round__status=RoundStatus.OPEN)
        .select_related("funding_round", "group", "assessment")
        .order_by("funding_round__assessment_ends_on", "group__name")
    )


def bids_to_assess(user, *, today: dt.date) -> list[TodoItem]:
    """Submitted applications in open rounds waiting for an assessment (one query)."""
    items = []
    for application in _applications(ApplicationStatus.SUBMITTED):
        if not funding_workflow.can_assess_application(user, application):
            continue
        when, overdue = _when(application.funding_round.assessment_ends_on, today)
        items.append(
            TodoItem(
                what=f"Assess the application to {application.funding_round.title}",
                group=application.group.name,
                url=reverse("funding:application-assess", kwargs={"pk": application.pk}),
                when=f"assessment {when}",
                is_overdue=overdue,
            )
        )
    return items


def bids_to_moderate(user, *, today: dt.date) -> list[TodoItem]:
    """Assessed applications the user may moderate (not their own
    assessments) in open rounds (one query)."""
    items = []
    for application in _applications(ApplicationStatus.ASSESSED):
        if not funding_workflow.can_moderate_application(user, application):
            continue
        when, overdue = _when(application.funding_round.decisions_on, today)
        items.append(
            TodoItem(
                what=f"Moderate the assessment of the application to {application.funding_round.title}",
                group=application.group.name,
                url=reverse("funding:application-moderate", kwargs={"pk": application.pk}),
                when=f"decisions {when}",
                is_overdue=overdue,
            )
        )
    return items


def rounds_to_decide(user, *, today: dt.date) -> list[TodoItem]:
    """Open rounds whose deadline has passed, for a manager to decide (one
    query, and one a round for late applications)."""
    items = []
    for funding_round in FundingRound.objects.filter(status=RoundStatus.OPEN).order_by("decisions_on", "pk"):
        if not funding_workflow.can_decide_now(user, funding_round, today=today):
            continue
        when, overdue = _when(funding_round.decisions_on, today)
        items.append(
            TodoItem(
                what=f"Decide the awards for {funding_round.title}",
                group="All groups",
                url=reverse("funding:allocation", kwargs={"pk": funding_round.pk}),
                when=f"decisions {when}",
                is_overdue=overdue,
            )
        )
    return items


def slas_to_countersign(user, *, today: dt.date) -> list[TodoItem]:
    """SLAs the group has signed, waiting for an officer's countersignature (one query)."""
    slas = (
        GroupSla.objects.filter(superseded_at__isnull=True, status=SlaStatus.GROUP_SIGNED)
        .select_related("group")
        .order_by("group_signed_on", "group__name")
    )
    items = []
    for sla in slas:
        if not sla_workflow.can_countersign(user, sla):
            continue
        items.append(
            TodoItem(
                what=f"Countersign the service level agreement for {sla.year.label}",
                group=sla.group.name,
                url=reverse("agreements:sla-countersign", kwargs={"pk": sla.group_id, "year": sla.financial_year}),
                when=f"signed by the group {_ago(sla.group_signed_on, today)}" if sla.group_signed_on else "",
            )
        )
    return items


# --- Link members ------------------------------------------------------------------


def boroughs_at_a_glance(*, borough_ids, today: dt.date) -> list[GroupGlance]:
    """Each group of the boroughs: returns overdue, waiting for review and
    sent back, this year and last (two queries)."""
    groups = list(
        EngagementGroup.objects.filter(borough_id__in=borough_ids)
        .select_related("borough")
        .order_by("borough__name", "name")
    )
    year = FinancialYear.containing(today)
    counts = {g.pk: {"overdue": 0, "review": 0, "back": 0} for g in groups}
    for group_id, status, due_on in QuarterlyReturn.objects.filter(
        group__in=groups,
        archived_at__isnull=True,
        financial_year__in=(year.start_year - 1, year.start_year),
    ).values_list("group_id", "status", "due_on"):
        if return_workflow.is_overdue(status, due_on, today):
            counts[group_id]["overdue"] += 1
        elif status == ReturnStatus.SUBMITTED:
            counts[group_id]["review"] += 1
        elif status == ReturnStatus.RETURNED:
            counts[group_id]["back"] += 1
    return [
        GroupGlance(
            name=g.name,
            borough=g.borough.name,
            url=reverse("monitoring:return-list", kwargs={"pk": g.pk}),
            overdue=counts[g.pk]["overdue"],
            waiting_review=counts[g.pk]["review"],
            sent_back=counts[g.pk]["back"],
        )
        for g in groups
    ]


# --- The page ------------------------------------------------------------------------


def home_page(*, user, today: dt.date | None = None) -> HomePage:
    """The to-do lists the user's permissions call for."""
    today = today or timezone.localdate()
    sections: list[TodoSection] = []
    group_ids = sorted(group_ids_of(user))
    if group_ids:
        sections += [
            _section("Quarterly returns", group_returns_todo(user, group_ids=group_ids, today=today)),
            _section("Spend to report", group_spend_todo(user, group_ids=group_ids, today=today)),
            _section("Funding applications", group_applications_todo(user, group_ids=group_ids, today=today)),
        ]
        to_sign = group_slas_todo(user, group_ids=group_ids, today=today)
        if to_sign:
            sections.append(_section("Service level agreement to sign", to_sign))
    if user.has_perm("monitoring.review_quarterlyreturn"):
        dashboard = reverse("reporting:monitoring-dashboard")
        sections += [
            _section(
                "Returns to review",
                returns_to_review(user, today=today),
                more_url=dashboard,
                more_label="See every return on the monitoring dashboard",
            ),
            _section(
                "Support requested",
                support_requested(user, today=today),
                more_url=dashboard,
                more_label="See every group on the monitoring dashboard",
            ),
            _section(
                "Bids to assess",
                bids_to_assess(user, today=today),
                more_url=reverse("funding:round-list"),
                more_label="See every funding round",
            ),
            _section(
                "SLAs to countersign",
                slas_to_countersign(user, today=today),
                more_url=reverse("agreements:sla-overview"),
                more_label="See every SLA",
            ),
        ]
    if user.has_perm("funding.moderate_fundingapplication"):
        sections.append(
            _section(
                "Assessments to moderate",
                bids_to_moderate(user, today=today),
                more_url=reverse("funding:round-list"),
                more_label="See every funding round",
            )
        )
    if user.has_perm("funding.decide_allocation"):
        sections.append(_section("Funding decisions waiting", rounds_to_decide(user, today=today)))
    borough_ids = sorted(borough_ids_of(user))
    glance = boroughs_at_a_glance(borough_ids=borough_ids, today=today) if borough_ids else []
    return HomePage(sections=sections, glance=glance)
