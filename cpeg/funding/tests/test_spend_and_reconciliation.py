"""Spend reports freeze once submitted (or once the quarter's return goes in),
stale spend forms are conflicts, and the reconciliation is worked out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.models import AuditEvent
from cpeg.funding import services
from cpeg.funding.choices import PaymentStatus, SpendReportStatus
from cpeg.funding.models import Award, SpendReport
from cpeg.funding.tests.factories import AwardFactory, PaymentFactory, decided_round
from cpeg.monitoring.choices import ReturnStatus
from cpeg.monitoring.tests.factories import QuarterlyReturnFactory

D = Decimal
pytestmark = pytest.mark.django_db


def _events(event_type):
    return AuditEvent.objects.filter(event_type=event_type)


@pytest.fixture
def award(camden):
    """Camden's £40,000 award for 2024/25 (every quarter has ended)."""
    return AwardFactory(
        group=camden,
        amount=D("40000.00"),
        funding_round=decided_round(),
    )


def _submit(award, admin, quarter, amounts, version=0):
    return services.spend_report_save(
        award=award, quarter=quarter, actor=admin, amounts=amounts, submit=True, loaded_version=version
    )


def _return(award, quarter, status):
    return QuarterlyReturnFactory(
        group=award.group,
        financial_year=award.funding_round.financial_year,
        quarter=quarter,
        status=status,
        officer_comments="Please explain the underspend." if status == ReturnStatus.RETURNED else "",
    )


# --- Freezing spend (fix 1) ------------------------------------------------------


def test_submitted_spend_cannot_be_rewritten_by_the_group(award, camden_admin):
    report = _submit(award, camden_admin, 1, {"venue": "600"})
    with pytest.raises(InvalidTransition, match="spend for Q1 2024/25 was submitted on .*can no longer change"):
        _submit(award, camden_admin, 1, {"venue": "60000"}, version=report.version)
    report.refresh_from_db()
    assert report.lines.get(category="venue").amount == D("600.00")
    assert _events("FUNDING_SPEND_SUBMITTED").count() == 1


@pytest.mark.parametrize("status", [ReturnStatus.SUBMITTED, ReturnStatus.ACCEPTED])
def test_spend_is_frozen_once_the_quarters_return_is_submitted_or_accepted(award, camden_admin, status):
    _return(award, 2, status)
    with pytest.raises(InvalidTransition, match=f"quarterly return for Q2 2024/25 has been {status}"):
        _submit(award, camden_admin, 2, {"venue": "600"})
    assert not SpendReport.objects.exists()


@pytest.mark.parametrize("status", [ReturnStatus.DRAFT, ReturnStatus.RETURNED])
def test_spend_stays_open_while_the_quarters_return_is_a_draft_or_sent_back(award, camden_admin, status):
    _return(award, 2, status)
    assert _submit(award, camden_admin, 2, {"venue": "600"}).status == SpendReportStatus.SUBMITTED


def test_another_quarters_return_does_not_freeze_this_quarter(award, camden_admin):
    _return(award, 1, ReturnStatus.ACCEPTED)
    assert _submit(award, camden_admin, 2, {"venue": "600"}).quarter == 2


def test_an_officer_reopens_frozen_spend_with_a_reason_and_the_group_resubmits(award, camden_admin, officer):
    _return(award, 1, ReturnStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.spend_report_reopen(award=award, quarter=1, actor=camden_admin, reason="Typo")
    with pytest.raises(ValidationError, match="Enter why you are reopening the spend report"):
        services.spend_report_reopen(award=award, quarter=1, actor=officer, reason="  ")
    report = services.spend_report_reopen(award=award, quarter=1, actor=officer, reason="Venue invoice missed")
    assert report.status == SpendReportStatus.DRAFT
    assert report.reopened_by == officer
    event = _events("FUNDING_SPEND_REOPENED").get()
    assert event.payload == {"reason": "Venue invoice missed"}
    assert event.group == award.group
    report = _submit(award, camden_admin, 1, {"venue": "750"}, version=report.version)
    assert report.lines.get(category="venue").amount == D("750.00")
    # Submitted again: frozen again.
    with pytest.raises(InvalidTransition, match="was submitted"):
        _submit(award, camden_admin, 1, {"venue": "1"}, version=report.version)


def test_spend_that_is_not_frozen_cannot_be_reopened(award, officer):
    with pytest.raises(InvalidTransition, match="is not frozen"):
        services.spend_report_reopen(award=award, quarter=3, actor=officer, reason="Why not")


def test_spend_is_checked_against_the_award_as_saved_not_a_stale_copy(award, camden_admin, officer):
    """The award row is locked and read afresh: a reconciliation recorded
    after the caller loaded the award still freezes its spend."""
    stale = Award.objects.get(pk=award.pk)
    services.award_reconcile(award=award, actor=officer)
    assert stale.reconciled_at is None
    with pytest.raises(InvalidTransition, match="has been reconciled"):
        _submit(stale, camden_admin, 4, {"venue": "1"})
    assert not SpendReport.objects.exists()


# --- Stale spend forms (fix 9) ------------------------------------------------------


def test_a_blank_or_old_version_cannot_overwrite_a_report_that_exists(award, camden_admin):
    services.spend_report_save(award=award, quarter=1, actor=camden_admin, amounts={"venue": "600"}, loaded_version=0)
    report = SpendReport.objects.get()
    for stale in (None, "", 0, report.version - 1):
        with pytest.raises(EditConflict):
            services.spend_report_save(
                award=award, quarter=1, actor=camden_admin, amounts={"venue": "1"}, loaded_version=stale
            )
    assert report.lines.get(category="venue").amount == D("600.00")
    services.spend_report_save(
        award=award, quarter=1, actor=camden_admin, amounts={"venue": "650"}, loaded_version=report.version
    )
    assert report.lines.get(category="venue").amount == D("650.00")


def test_a_form_that_saw_a_report_cannot_save_when_none_exists(award, camden_admin):
    with pytest.raises(EditConflict):
        services.spend_report_save(award=award, quarter=1, actor=camden_admin, amounts={}, loaded_version=3)


# --- Reconciliation (fix 2) ---------------------------------------------------------


def _paid(award, *amounts):
    for n, amount in enumerate(amounts, start=1):
        PaymentFactory(
            award=award, instalment=n, amount=D(amount), status=PaymentStatus.PAID, paid_on=dt.date(2024, 4, 1)
        )


def test_reconciliation_is_worked_out_from_payments_and_spend(award, camden_admin, officer):
    _paid(award, "10000", "10000", "10000")
    PaymentFactory(award=award, instalment=4, amount=D("10000"))  # scheduled, not paid
    _submit(award, camden_admin, 1, {"staffing": "7000", "venue": "1000.25"})
    _submit(award, camden_admin, 2, {"staffing": "7000", "publicity": "999.50"})
    _submit(award, camden_admin, 3, {"staffing": "7000"})
    award = services.award_reconcile(award=award, actor=officer, notes="Q4 not reported")
    # Paid 30,000; spent 22,999.75; so 7,000.25 comes back.
    assert (award.paid_amount, award.total_spent_amount) == (D("30000.00"), D("22999.75"))
    assert award.calculated_return_amount == award.return_amount == D("7000.25")
    assert award.adjustment_reason == ""
    event = _events("FUNDING_AWARD_RECONCILED").get()
    assert event.payload["return"] == "7000.25"
    assert Award.objects.get(pk=award.pk).reconciled_by == officer


def test_spending_more_than_was_paid_returns_nothing(award, camden_admin, officer):
    _paid(award, "5000")
    _submit(award, camden_admin, 1, {"staffing": "6000"})
    award = services.award_reconcile(award=award, actor=officer)
    assert award.return_amount == D("0.00")


def test_an_adjustment_needs_a_reason_and_is_recorded(award, camden_admin, officer):
    _paid(award, "10000")
    _submit(award, camden_admin, 1, {"staffing": "9000"})
    with pytest.raises(ValidationError, match="Enter the reason for changing the sum to be returned from £1,000"):
        services.award_reconcile(award=award, actor=officer, adjusted_return="400")
    with pytest.raises(ValidationError, match="cannot be more than has been paid"):
        services.award_reconcile(award=award, actor=officer, adjusted_return="10000.01", adjustment_reason="x")
    assert Award.objects.get(pk=award.pk).reconciled_at is None
    award = services.award_reconcile(
        award=award, actor=officer, adjusted_return="400", adjustment_reason="£600 committed to the March event"
    )
    assert (award.calculated_return_amount, award.return_amount) == (D("1000.00"), D("400.00"))
    assert award.adjustment_reason == "£600 committed to the March event"
    assert "adjusted from £1,000: £600 committed" in _events("FUNDING_AWARD_RECONCILED").get().summary


def test_the_worked_out_sum_typed_back_in_is_not_an_adjustment(award, officer):
    _paid(award, "10000")
    award = services.award_reconcile(award=award, actor=officer, adjusted_return="10000", adjustment_reason="")
    assert award.return_amount == D("10000.00")


def test_a_draft_spend_report_must_be_submitted_before_reconciling(award, camden_admin, officer):
    services.spend_report_save(award=award, quarter=2, actor=camden_admin, amounts={"venue": "5"}, loaded_version=0)
    with pytest.raises(ValidationError, match="spend for Q2 is a draft"):
        services.award_reconcile(award=award, actor=officer)


def test_a_second_reconciliation_is_refused_until_reopened_with_a_reason(award, camden_admin, officer):
    _paid(award, "10000")
    award = services.award_reconcile(award=award, actor=officer)
    assert award.return_amount == D("10000.00")
    with pytest.raises(InvalidTransition, match="was reconciled on .* Reopen the reconciliation"):
        services.award_reconcile(award=award, actor=officer, adjusted_return="0", adjustment_reason="Forgive it")
    with pytest.raises(PermissionDenied):
        services.award_reconciliation_reopen(award=award, actor=camden_admin, reason="Please")
    with pytest.raises(ValidationError, match="Enter why you are reopening the reconciliation"):
        services.award_reconciliation_reopen(award=award, actor=officer, reason="")
    award = services.award_reconciliation_reopen(
        award=award, actor=officer, reason="Q1 spend was never reported", loaded_version=award.version
    )
    assert award.reconciled_at is None
    assert award.return_amount is None
    event = _events("FUNDING_RECONCILIATION_REOPENED").get()
    assert event.payload["reason"] == "Q1 spend was never reported"
    assert event.payload["previous"]["return"] == "10000.00"
    # Reopened: the group can report the missing quarter, then reconcile again.
    _submit(award, camden_admin, 1, {"staffing": "9500"})
    award = services.award_reconcile(award=award, actor=officer)
    assert award.return_amount == D("500.00")
    assert _events("FUNDING_AWARD_RECONCILED").count() == 2


def test_reconciled_spend_cannot_be_reopened_or_changed(award, camden_admin, officer):
    _return(award, 1, ReturnStatus.ACCEPTED)
    services.award_reconcile(award=award, actor=officer)
    with pytest.raises(InvalidTransition, match="Reopen the reconciliation before reopening its spend"):
        services.spend_report_reopen(award=award, quarter=1, actor=officer, reason="Fix")
    with pytest.raises(InvalidTransition, match="has been reconciled"):
        _submit(award, camden_admin, 2, {"venue": "1"})


def test_only_the_authority_reconciles(award, camden_admin):
    with pytest.raises(PermissionDenied):
        services.award_reconcile(award=award, actor=camden_admin)


def test_a_manager_records_missing_spend_from_the_authoritys_records(award, manager, officer, camden_admin):
    _return(award, 1, ReturnStatus.ACCEPTED)
    with pytest.raises(PermissionDenied):
        services.spend_report_import(award=award, quarter=1, actor=officer, amounts={})
    report = services.spend_report_import(award=award, quarter=1, actor=manager, amounts={"venue": "10"})
    assert report.status == SpendReportStatus.SUBMITTED
    assert _events("FUNDING_SPEND_IMPORTED").count() == 1
    with pytest.raises(InvalidTransition, match="already been reported"):
        services.spend_report_import(award=award, quarter=1, actor=manager, amounts={"venue": "99"})


def test_spend_for_a_quarter_not_yet_started_is_refused(camden, camden_admin):
    today = timezone.localdate()
    award = AwardFactory(group=camden)  # next financial year's round
    with pytest.raises(ValidationError, match="before the quarter starts"):
        services.spend_report_save(award=award, quarter=4, actor=camden_admin, amounts={}, today=today)
