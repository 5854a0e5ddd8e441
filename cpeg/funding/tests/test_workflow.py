"""The funding state machines: each move and who may make it, asked in one
place (``funding.workflow``); templates never compare status strings."""

import re
from pathlib import Path

import pytest

from cpeg.core.errors import InvalidTransition
from cpeg.funding import workflow
from cpeg.funding.choices import ApplicationStatus, PaymentStatus, ReconciliationStatus, RoundStatus
from cpeg.funding.models import FundingApplication, Payment
from cpeg.funding.tests.factories import AssessmentFactory, AwardFactory, FundingApplicationFactory, decided_round

TEMPLATES = Path(workflow.__file__).resolve().parent / "templates"


def test_no_funding_template_compares_a_status_string():
    """Templates ask ``can_<verb>`` (or a status tag filter) instead."""
    compares = re.compile(r"""status\s*(==|!=)\s*['"]""")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        if compares.search(line)
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("status", "to", "allowed"),
    [
        (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, True),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.ASSESSED, True),
        (ApplicationStatus.MODERATED, ApplicationStatus.ASSESSED, True),  # re-assessing clears moderation
        (ApplicationStatus.ASSESSED, ApplicationStatus.DRAFT, True),  # a manager reopens it
        (ApplicationStatus.MODERATED, ApplicationStatus.DRAFT, False),
        (ApplicationStatus.SUBMITTED, ApplicationStatus.MODERATED, False),
        (ApplicationStatus.ASSESSED, ApplicationStatus.DECIDED, False),
        (ApplicationStatus.DECIDED, ApplicationStatus.DRAFT, False),
    ],
)
def test_the_application_transition_table(status, to, allowed):
    application = FundingApplication(status=status)
    assert workflow.APPLICATION_WORKFLOW.allows(application, to=to) is allowed


def test_a_refused_move_raises_invalid_transition_with_the_records_status():
    payment = Payment(status=PaymentStatus.PAID)
    with pytest.raises(InvalidTransition, match="This payment is paid, so it cannot be made paid"):
        workflow.PAYMENT_WORKFLOW.ensure(payment, to=PaymentStatus.PAID)


@pytest.mark.django_db
def test_only_an_officer_other_than_the_assessor_may_moderate(officer, second_officer, camden_admin, camden):
    assessment = AssessmentFactory(assessor=officer, application__group=camden)
    application = assessment.application
    application.status = ApplicationStatus.ASSESSED
    assert workflow.can_moderate_application(second_officer, application) is True
    assert workflow.can_moderate_application(officer, application) is False
    assert workflow.can_moderate_application(camden_admin, application) is False
    application.funding_round.status = RoundStatus.DECIDED
    assert workflow.can_moderate_application(second_officer, application) is False


@pytest.mark.django_db
def test_a_reconciliation_is_done_once_then_only_reopened(officer, camden_admin, camden):
    award = AwardFactory(group=camden, funding_round=decided_round())  # 2024/25: the year has ended
    assert award.reconciliation_status == ReconciliationStatus.OPEN
    assert workflow.can_reconcile(officer, award) is True
    assert workflow.can_reconcile(camden_admin, award) is False
    assert workflow.can_reopen_reconciliation(officer, award) is False
    award.reconciled_at = award.updated_at
    assert workflow.can_reconcile(officer, award) is False
    assert workflow.can_reopen_reconciliation(officer, award) is True
    assert workflow.can_reopen_spend(officer, award, locked="reconciled") is False


@pytest.mark.django_db
def test_a_group_sees_submitted_and_no_scores_until_the_round_is_decided(officer, camden_admin, camden):
    application = FundingApplicationFactory(group=camden, status=ApplicationStatus.MODERATED)
    assert workflow.status_shown(officer, application) == (ApplicationStatus.MODERATED, "Moderated")
    assert workflow.status_shown(camden_admin, application) == (ApplicationStatus.SUBMITTED, "Submitted")
    assert workflow.can_see_scores(officer, application) is True
    assert workflow.can_see_scores(camden_admin, application) is False
