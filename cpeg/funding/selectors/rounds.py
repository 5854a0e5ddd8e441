"""Reads for rounds and applications: the lists officers work from, an
application's page and a group's funding page.

Fetched in a fixed number of queries per page; one application is fetched
for a user through ``accounts.access.get_for_user_or_404`` (404 for
missing and not-yours alike). What each person may see of an application's
stage and scores: ``funding.workflow``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404

from cpeg.accounts.access import get_for_user_or_404
from cpeg.funding.choices import BID_STATUSES, ApplicationStatus, BudgetCategory, RoundStatus
from cpeg.funding.models import (
    Assessment,
    AssessmentCriterion,
    Award,
    FundingApplication,
    FundingRound,
    OpenDataFile,
)
from cpeg.funding.money import ZERO, share
from cpeg.groups.models import EngagementGroup


def round_list() -> QuerySet:
    """Every round, newest first, with its counts of bids and awards."""
    # The awards are summed in a subquery: summed over the same join as the
    # bids, each award would be counted once per bid in its round.
    awards = (
        Award.objects.filter(funding_round=OuterRef("pk"))
        .order_by()
        .values("funding_round")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return FundingRound.objects.annotate(
        bid_count=Count("applications", filter=Q(applications__status__in=BID_STATUSES), distinct=True),
        draft_count=Count("applications", filter=Q(applications__status=ApplicationStatus.DRAFT), distinct=True),
        award_total=Subquery(awards),
    ).order_by("-financial_year")


def open_data_file(*, funding_round: FundingRound, file_format: str) -> OpenDataFile | None:
    """The round's stored 360Giving file in ``file_format``, if still current.

    None when the task worker has not built it yet, or when something it
    publishes has changed since (the change queued a rebuild): the caller
    says the file is being prepared. Four queries; never writes.
    """
    from cpeg.funding.opendata import source_stamp

    stamp = source_stamp(funding_round)
    return OpenDataFile.objects.filter(funding_round=funding_round, file_format=file_format, source_stamp=stamp).first()


def round_get(*, pk: int) -> FundingRound:
    """One round with who decided it; 404 if there is none."""
    return get_object_or_404(FundingRound.objects.select_related("decided_by"), pk=pk)


def with_totals(queryset: QuerySet) -> QuerySet:
    """Applications annotated with ``requested_total``, the sum of their budget lines."""
    return queryset.annotate(requested_total=Sum("budget_lines__amount"))


def round_applications(*, funding_round: FundingRound):
    """Every application in a round with its group, total and assessment, as
    an ordered queryset (the round page reads a page of it: 2,000 bids were
    a 1 MB page)."""
    return (
        with_totals(FundingApplication.objects.filter(funding_round=funding_round))
        .select_related("group__borough", "assessment__assessor", "assessment__moderator")
        .order_by("group__borough__name", "pk")
    )


def application_get_for(*, user, pk: int, perm: str = "funding.view_fundingapplication") -> FundingApplication:
    """One application the user may act on with ``perm``; 404 otherwise."""
    # The assessment comes along so ``workflow.can_moderate_application``
    # can tell the assessor without another query.
    queryset = FundingApplication.objects.select_related(
        "funding_round", "group__borough", "submitted_by", "assessment"
    )
    return get_for_user_or_404(user, queryset, perm, pk=pk)


@dataclass
class CategoryTotal:
    category: str
    label: str
    amount: Decimal
    lines: list


@dataclass
class ApplicationPage:
    application: FundingApplication
    categories: list[CategoryTotal]
    total: Decimal
    staffing_total: Decimal
    other_support: list
    consultations: list
    work_programme: list
    assessment: Assessment | None
    scores: list
    weighted_score: Decimal | None


def weighted_score(scores) -> Decimal | None:
    """Sum of score x weight as a percentage of the most possible, one place."""
    scores = list(scores)
    if not scores:
        return None
    got = sum(s.score * s.criterion.weight for s in scores)
    best = sum(AssessmentCriterion.MAX_SCORE * s.criterion.weight for s in scores)
    return share(got, best)


def application_page(*, application: FundingApplication, show_scores: bool) -> ApplicationPage:
    """Everything an application page shows, totals worked out from the lines."""
    lines = list(application.budget_lines.all())
    by_category = defaultdict(list)
    for line in lines:
        by_category[line.category].append(line)
    categories = [
        CategoryTotal(value, label, sum((x.amount for x in by_category[value]), ZERO), by_category[value])
        for value, label in BudgetCategory.choices
        if by_category[value]
    ]
    assessment = None
    scores = []
    if show_scores:
        assessment = Assessment.objects.filter(application=application).select_related("assessor", "moderator").first()
        if assessment:
            scores = list(assessment.scores.select_related("criterion").order_by("criterion__position"))
    return ApplicationPage(
        application=application,
        categories=categories,
        total=sum((x.amount for x in lines), ZERO),
        staffing_total=sum((x.amount for x in by_category[BudgetCategory.STAFFING]), ZERO),
        other_support=list(application.other_support.all()),
        consultations=list(application.consultations.all()),
        work_programme=list(application.work_programme.all()),
        assessment=assessment,
        scores=scores,
        weighted_score=weighted_score(scores),
    )


@dataclass
class GroupFundingPage:
    group: EngagementGroup
    open_rounds: list
    applications: list
    awards: list


def group_funding_page(*, group: EngagementGroup) -> GroupFundingPage:
    """A group's applications, the rounds it may apply to and its awards."""
    applications = list(
        with_totals(group.funding_applications.all())
        .select_related("funding_round")
        .order_by("-funding_round__financial_year")
    )
    applied = {a.funding_round_id for a in applications}
    open_rounds = [
        r
        for r in FundingRound.objects.filter(status=RoundStatus.OPEN).order_by("-financial_year")
        if r.pk not in applied
    ]
    awards = list(
        group.funding_awards.select_related("funding_round")
        .prefetch_related("payments")
        .order_by("-funding_round__financial_year")
    )
    return GroupFundingPage(group=group, open_rounds=open_rounds, applications=applications, awards=awards)
