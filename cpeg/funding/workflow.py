"""Every funding record with a status: its moves, and who may make them.

- A round: open (groups apply, officers assess and moderate, the manager
  sets awards) -> decided (the manager decides it; final). ``imported``
  rounds are past years brought in decided from a spreadsheet.
- An application: draft (the group edits it) -> submitted (once, by the
  deadline) -> assessed (an officer; again while not decided) -> moderated
  (someone other than the assessor; again) -> decided (with the round).
  A manager may reopen a draft, submitted or assessed application (back
  to draft, with a late-submission date); re-assessing a moderated one
  clears its moderation.
- A payment: scheduled -> paid (an officer).
- A spend report: draft -> submitted (the group); an officer may reopen a
  frozen quarter (back to draft). A quarter also freezes once its
  monitoring return is submitted or accepted (``spend_lock_reason``).
- An award's reconciliation: open -> reconciled (an officer) -> open again
  (an officer reopens it, with a reason).

Services enforce the tables (``<WORKFLOW>.ensure``); views and templates
ask the ``can_<verb>(user, obj)`` functions, which put the state and the
permission (``accounts.access``) together. A refused move raises
``core.errors.InvalidTransition``.
"""

from __future__ import annotations

from django.utils import timezone

from cpeg.core.fiscal import Quarter
from cpeg.core.workflow import Workflow
from cpeg.funding.choices import (
    EDITABLE_APPLICATION_STATUSES,
    EDITABLE_ROUND_STATUSES,
    ApplicationStatus,
    PaymentStatus,
    ReconciliationStatus,
    RoundStatus,
    SpendReportStatus,
)
from cpeg.funding.models import FundingApplication, SpendReport
from cpeg.monitoring.choices import FROZEN_RETURN_STATUSES
from cpeg.monitoring.selectors import return_status

ROUND_WORKFLOW = Workflow(
    name="funding round",
    transitions={
        RoundStatus.OPEN: frozenset({RoundStatus.DECIDED}),
        RoundStatus.DECIDED: frozenset(),
        RoundStatus.IMPORTED: frozenset(),
    },
)

APPLICATION_WORKFLOW = Workflow(
    name="application",
    transitions={
        # draft -> draft: a manager's reopening moves a late draft's date on.
        ApplicationStatus.DRAFT: frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.DRAFT}),
        ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.ASSESSED, ApplicationStatus.DRAFT}),
        ApplicationStatus.ASSESSED: frozenset(
            {ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED, ApplicationStatus.DRAFT}
        ),
        ApplicationStatus.MODERATED: frozenset(
            {ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED, ApplicationStatus.DECIDED}
        ),
        ApplicationStatus.DECIDED: frozenset(),
    },
)

PAYMENT_WORKFLOW = Workflow(
    name="payment",
    transitions={PaymentStatus.SCHEDULED: frozenset({PaymentStatus.PAID}), PaymentStatus.PAID: frozenset()},
)

SPEND_REPORT_WORKFLOW = Workflow(
    name="spend report",
    transitions={
        SpendReportStatus.DRAFT: frozenset({SpendReportStatus.DRAFT, SpendReportStatus.SUBMITTED}),
        SpendReportStatus.SUBMITTED: frozenset({SpendReportStatus.DRAFT}),
    },
)

RECONCILIATION_WORKFLOW = Workflow(
    name="reconciliation",
    field="reconciliation_status",
    transitions={
        ReconciliationStatus.OPEN: frozenset({ReconciliationStatus.RECONCILED}),
        ReconciliationStatus.RECONCILED: frozenset({ReconciliationStatus.OPEN}),
    },
)

# The GOV.UK tag colour each status shows with.
STATUS_TAG_CLASSES = {
    ApplicationStatus.DRAFT: "govuk-tag--grey",
    ApplicationStatus.SUBMITTED: "govuk-tag--blue",
    ApplicationStatus.ASSESSED: "govuk-tag--yellow",
    ApplicationStatus.MODERATED: "govuk-tag--purple",
    ApplicationStatus.DECIDED: "govuk-tag--green",
    PaymentStatus.SCHEDULED: "govuk-tag--grey",
    PaymentStatus.PAID: "govuk-tag--green",
}


# --- Rounds ------------------------------------------------------------------


def is_round_open(funding_round) -> bool:
    """The round may still change: applications, assessment and awards."""
    return funding_round.status in EDITABLE_ROUND_STATUSES


def ensure_round_open(funding_round) -> None:
    """Raise InvalidTransition once the round is decided (or imported)."""
    ROUND_WORKFLOW.ensure_in(
        funding_round, EDITABLE_ROUND_STATUSES, message=f"{funding_round} has been decided; it can no longer change"
    )


def can_change_round(user, funding_round) -> bool:
    """The user may change the round's settings and criteria (a manager, while open)."""
    return is_round_open(funding_round) and user.has_perm("funding.manage_fundinground")


def can_decide_round(user, funding_round) -> bool:
    """The user may set and decide the round's awards (a manager, while open)."""
    return ROUND_WORKFLOW.allows(funding_round, to=RoundStatus.DECIDED) and user.has_perm("funding.decide_allocation")


def decide_too_early_reason(funding_round, *, today=None) -> str | None:
    """Why the round cannot be decided yet, or None once its application
    deadline (and any reopened application's late deadline) has passed.

    Deciding closes every application still in draft: before the deadline
    that would lock out groups still drafting.
    """
    today = today or timezone.localdate()
    if funding_round.closes_on >= today:
        return (
            f"The application deadline, {funding_round.closes_on:%-d %B %Y}, has not passed: "
            "groups may still submit. Decide the round after it"
        )
    late = (
        FundingApplication.objects.filter(
            funding_round=funding_round, status=ApplicationStatus.DRAFT, late_submission_until__gte=today
        )
        .order_by("-late_submission_until")
        .values_list("late_submission_until", flat=True)
        .first()
    )
    if late:
        return (
            f"A reopened application may be submitted until {late:%-d %B %Y}: "
            "the application deadline for it has not passed"
        )
    return None


def can_decide_now(user, funding_round, *, today=None) -> bool:
    """The user may decide the round now: open, a manager, deadline passed
    (every bid moderated is checked with the awards, by the service)."""
    return can_decide_round(user, funding_round) and decide_too_early_reason(funding_round, today=today) is None


# --- Applications --------------------------------------------------------------


def is_application_editable(application) -> bool:
    """A draft in an open round: the group may still change it."""
    return application.status in EDITABLE_APPLICATION_STATUSES and is_round_open(application.funding_round)


def can_change_application(user, application) -> bool:
    """The group may change its draft while the round is open."""
    return is_application_editable(application) and user.has_perm("funding.change_fundingapplication", application)


def awaits_submission(application) -> bool:
    """The application is a draft the group has yet to submit."""
    return APPLICATION_WORKFLOW.allows(application, to=ApplicationStatus.SUBMITTED)


def can_reopen_application(user, application) -> bool:
    """A manager may send a draft, submitted or assessed application back to draft."""
    return (
        is_round_open(application.funding_round)
        and APPLICATION_WORKFLOW.allows(application, to=ApplicationStatus.DRAFT)
        and user.has_perm("funding.manage_fundinground")
    )


def can_assess_application(user, application) -> bool:
    """An officer may (re-)assess a submitted application while the round is open."""
    return (
        is_round_open(application.funding_round)
        and APPLICATION_WORKFLOW.allows(application, to=ApplicationStatus.ASSESSED)
        and user.has_perm("funding.assess_fundingapplication", application)
    )


def is_assessor(user, application) -> bool:
    """The user assessed this application (so may not moderate it)."""
    assessment = getattr(application, "assessment", None)
    return assessment is not None and assessment.assessor_id == user.pk


def can_moderate_application(user, application) -> bool:
    """An officer other than the assessor may moderate an assessed application."""
    return (
        is_round_open(application.funding_round)
        and APPLICATION_WORKFLOW.allows(application, to=ApplicationStatus.MODERATED)
        and user.has_perm("funding.moderate_fundingapplication", application)
        and not is_assessor(user, application)
    )


# Before a round is decided a group sees its submitted application as
# "Submitted", whatever stage assessment has reached.
INTERNAL_STATUSES = frozenset({ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED})


def can_see_assessment_stage(user, application) -> bool:
    """Officers always; anyone else once the round is decided."""
    return application.funding_round.is_decided or user.has_perm("funding.view_assessment", application)


def status_shown(user, application) -> tuple[str, str]:
    """(status, label) of an application as ``user`` may see it: officers the
    real stage; anyone else "Submitted" until the round is decided."""
    status = application.status
    if status in INTERNAL_STATUSES and not can_see_assessment_stage(user, application):
        status = ApplicationStatus.SUBMITTED
    return status, ApplicationStatus(status).label


def can_see_scores(user, application) -> bool:
    """Officers always; a group only once the round is decided, if it says so."""
    if user.has_perm("funding.view_assessment", application):
        return True
    funding_round = application.funding_round
    return funding_round.is_decided and funding_round.show_scores_to_groups


# --- Payments, spend and reconciliation -------------------------------------


def can_mark_paid(user, payment) -> bool:
    """An officer may mark a scheduled instalment paid."""
    return PAYMENT_WORKFLOW.allows(payment, to=PaymentStatus.PAID) and user.has_perm(
        "funding.manage_payments", payment.award
    )


def spend_lock_reason(*, award, quarter: int, report) -> str | None:
    """Why the group can no longer change a quarter's spend, or None if it can.

    Frozen once the award is reconciled, once the spend report is submitted,
    or once the quarter's monitoring return is submitted or accepted; an
    officer's reopening (a draft report with ``reopened_at``) lifts the last
    two until the group submits again.
    """
    q = Quarter(award.funding_round.financial_year, quarter)
    if award.reconciled_at is not None:
        return f"The award for {award.funding_round.year.label} has been reconciled, so its spend can no longer change"
    if report is not None and report.status == SpendReportStatus.SUBMITTED:
        when = f" on {timezone.localtime(report.submitted_at):%-d %B %Y}" if report.submitted_at else ""
        return (
            f"The spend for {q.label} was submitted{when}, so it can no longer change. "
            "Ask the authority to reopen it if it needs correcting"
        )
    if report is not None and report.reopened_at is not None:
        return None
    status = return_status(group_id=award.group_id, financial_year=award.funding_round.financial_year, quarter=quarter)
    if status in FROZEN_RETURN_STATUSES:
        return (
            f"The quarterly return for {q.label} has been {status}, so the spend for the quarter can no longer "
            "change. Ask the authority to reopen the spend report if it needs correcting"
        )
    return None


def can_submit_spend(award, *, quarter: int, today=None) -> bool:
    """A quarter's spend may be submitted (and so frozen) only once the
    quarter has ended; until then the group saves it as a draft."""
    return Quarter(award.funding_round.financial_year, quarter).ends_on < (today or timezone.localdate())


def can_report_spend(user, award, *, locked: str | None) -> bool:
    """The group may change a quarter's spend that is not frozen (``locked``
    is ``spend_lock_reason`` for the quarter)."""
    return not locked and user.has_perm("funding.change_fundingapplication", award)


def can_reopen_spend(user, award, *, locked: str | None) -> bool:
    """An officer may reopen a frozen quarter's spend while the award is not reconciled."""
    return (
        bool(locked)
        and RECONCILIATION_WORKFLOW.allows(award, to=ReconciliationStatus.RECONCILED)
        and user.has_perm("funding.manage_payments", award)
    )


def reconcile_too_early_reason(award, *, today=None) -> str | None:
    """Why the award's year cannot be reconciled yet, or None if it can.

    Only once the year has ended, or once the group has submitted every
    quarter's spend: mid-year, quarters not yet reported would count as
    nothing spent and the paid instalments as money to be returned.
    """
    year = award.funding_round.year
    today = today or timezone.localdate()
    if year.ends_on < today:
        return None
    submitted = set(
        SpendReport.objects.filter(award=award, status=SpendReportStatus.SUBMITTED).values_list("quarter", flat=True)
    )
    if submitted >= {1, 2, 3, 4}:
        return None
    return (
        f"The year {year.label} cannot be reconciled until it ends on {year.ends_on:%-d %B %Y}, "
        "or until the group has submitted its spend for every quarter"
    )


def can_reconcile(user, award, *, today=None) -> bool:
    """An officer may reconcile an award's year (once, until reopened),
    after the year ends or once every quarter's spend is submitted."""
    return (
        RECONCILIATION_WORKFLOW.allows(award, to=ReconciliationStatus.RECONCILED)
        and user.has_perm("funding.manage_payments", award)
        and reconcile_too_early_reason(award, today=today) is None
    )


def can_reopen_reconciliation(user, award) -> bool:
    """An officer may undo a reconciliation, with a reason."""
    return RECONCILIATION_WORKFLOW.allows(award, to=ReconciliationStatus.OPEN) and user.has_perm(
        "funding.manage_payments", award
    )
