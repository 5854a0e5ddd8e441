"""Writes for awards after the decision: payments, spend and the
end-of-year reconciliation.

Each award gets a payment schedule (four quarterly instalments unless an
officer changes it), its instalments are marked paid, the group reports
spend each quarter (frozen once submitted, once the quarter's monitoring
return is in, or once the award is reconciled: ``workflow.spend_lock_reason``)
and the year ends with a reconciliation. The award row is the lock every
write to its spend and reconciliation takes. Each function checks
permission and state, validates, saves in one transaction and records an
AuditEvent.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpeg.accounts.access import require_perm
from cpeg.core.audit import audit_record
from cpeg.core.audit_events import AuditEventType
from cpeg.core.concurrency import lock_and_check_version, save_new_version
from cpeg.core.errors import EditConflict, InvalidTransition
from cpeg.core.fiscal import Quarter
from cpeg.funding.choices import BudgetCategory, PaymentStatus, ReconciliationStatus, SpendReportStatus
from cpeg.funding.models import Award, Payment, SpendLine, SpendReport
from cpeg.funding.money import ZERO, format_money
from cpeg.funding.selectors.payments import reconciliation_figures
from cpeg.funding.services._common import _money, _today, check_quarter
from cpeg.funding.workflow import (
    PAYMENT_WORKFLOW,
    RECONCILIATION_WORKFLOW,
    SPEND_REPORT_WORKFLOW,
    can_submit_spend,
    reconcile_too_early_reason,
    spend_lock_reason,
)


@transaction.atomic
def payment_schedule_set(*, award: Award, actor, instalments: list, loaded_version=None) -> list[Payment]:
    """Replace an award's unpaid instalments with ``instalments`` [(due_on,
    amount)]. Paid instalments stay; everything must add up to the award."""
    require_perm(actor, "funding.manage_payments", award)
    current = lock_and_check_version(Award, award.pk, loaded_version)
    paid = list(current.payments.filter(status=PaymentStatus.PAID).order_by("instalment"))
    errors = {}
    checked = []
    for index, (due_on, amount) in enumerate(instalments, start=1):
        if due_on is None:
            errors[f"due_on_{index}"] = f"Enter the date instalment {index} is due"
        try:
            value = _money(amount, field=f"amount_{index}", label=f"Instalment {index}")
        except ValidationError as error:
            errors.update(error.message_dict)
            continue
        checked.append((due_on, value))
    if errors:
        raise ValidationError(errors)
    if not checked and not paid:
        raise ValidationError("Enter at least one instalment")
    total = sum((p.amount for p in paid), ZERO) + sum((a for _, a in checked), ZERO)
    if total != current.amount:
        raise ValidationError(
            f"The instalments add up to {format_money(total)} but the award is {format_money(current.amount)}. "
            f"Change them so they add up to {format_money(current.amount)}"
        )
    current.payments.filter(status=PaymentStatus.SCHEDULED).delete()
    payments = []
    start = max((p.instalment for p in paid), default=0)
    for offset, (due_on, amount) in enumerate(sorted(checked, key=lambda c: c[0]), start=1):
        payment = Payment(
            award=current,
            instalment=start + offset,
            due_on=due_on,
            amount=amount,
            created_by=actor,
            updated_by=actor,
        )
        payment.full_clean()
        payment.save()
        payments.append(payment)
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_PAYMENT_SCHEDULE_SET,
        target=current,
        group=current.group,
        summary="Payment schedule set: "
        + ", ".join(f"{format_money(p.amount)} due {p.due_on:%-d %b %Y}" for p in payments),
    )
    return payments


@transaction.atomic
def payment_mark_paid(*, payment: Payment, actor, paid_on: dt.date | None) -> Payment:
    """Record that an instalment has been paid, on the date it was paid.

    The date is required: defaulting to today would record an instalment
    due next month as paid now.
    """
    require_perm(actor, "funding.manage_payments", payment.award)
    current = lock_and_check_version(Payment, payment.pk, None)
    PAYMENT_WORKFLOW.ensure(
        current, to=PaymentStatus.PAID, message=f"Instalment {current.instalment} is already marked paid"
    )
    if paid_on is None:
        raise ValidationError({"paid_on": "Enter the date the instalment was paid"})
    if paid_on > _today():
        raise ValidationError({"paid_on": "The payment date must be today or in the past"})
    current.status = PaymentStatus.PAID
    current.paid_on, current.paid_by = paid_on, actor
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_PAYMENT_PAID,
        target=current,
        group=current.award.group,
        summary=f"Paid instalment {current.instalment} of {format_money(current.amount)} on {paid_on:%-d %B %Y}",
    )
    return current


def _spend_values(amounts: dict) -> dict:
    """Every category's amount checked (blank is 0); errors keyed by field."""
    errors, values = {}, {}
    for category in BudgetCategory.values:
        try:
            values[category] = (
                _money(
                    amounts.get(category),
                    field=f"spend_{category}",
                    label=f"Spend on {BudgetCategory(category).label.lower()}",
                    required=False,
                )
                or ZERO
            )
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return values


def _write_spend_lines(report: SpendReport, values: dict) -> None:
    """Create or change the report's line for each category."""
    existing = {line.category: line for line in report.lines.all()}
    for category, amount in values.items():
        line = existing.get(category)
        if line is None:
            SpendLine.objects.create(report=report, category=category, amount=amount)
        elif line.amount != amount:
            line.amount = amount
            line.save()


def _lock_award(award: Award) -> Award:
    """Lock the award row: every write to its spend and reconciliation takes
    this lock, so a save cannot slip in beside a reconciliation or a reopening."""
    return Award.objects.select_for_update().select_related("funding_round", "group").get(pk=award.pk)


def _new_spend_report(award: Award, quarter: int, actor, **fields) -> SpendReport:
    """An unsaved spend report for the award's quarter."""
    return SpendReport(
        award=award,
        group=award.group,
        financial_year=award.funding_round.financial_year,
        quarter=quarter,
        created_by=actor,
        updated_by=actor,
        **fields,
    )


def _check_spend_version(report: SpendReport | None, loaded_version) -> None:
    """EditConflict unless the form was built from the report as it is now
    (version 0: there was no report yet)."""
    if report is None:
        if loaded_version not in (None, "") and int(loaded_version) != 0:
            raise EditConflict()
    elif loaded_version in (None, "") or int(loaded_version) != report.version:
        raise EditConflict()


@transaction.atomic
def spend_report_save(
    *,
    award: Award,
    quarter: int,
    actor,
    amounts: dict,
    notes: str = "",
    submit: bool = False,
    loaded_version=None,
    today=None,
) -> SpendReport:
    """Save (and optionally submit) a group's spend by category for a quarter.

    ``loaded_version`` is the version of the report the form was built from,
    0 when there was none yet; once a report exists a missing or old version
    is an edit conflict. Refused once the quarter is frozen
    (``spend_lock_reason``).
    """
    require_perm(actor, "funding.change_fundingapplication", award)
    check_quarter(quarter)
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    if q.starts_on > _today(today):
        raise ValidationError(f"You cannot report spend for {q.label} before the quarter starts")
    report = SpendReport.objects.select_for_update().filter(award=current, quarter=quarter).first()
    reason = spend_lock_reason(award=current, quarter=quarter, report=report)
    if reason:
        raise InvalidTransition(reason)
    _check_spend_version(report, loaded_version)
    values = _spend_values(amounts)
    if report is None:
        report = _new_spend_report(current, quarter, actor)
        report.full_clean()
        report.save()
    report.notes = (notes or "").strip()
    if submit:
        _ensure_quarter_ended(current, q, today)
        SPEND_REPORT_WORKFLOW.ensure(report, to=SpendReportStatus.SUBMITTED)
        report.status = SpendReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by = timezone.now(), actor
    save_new_version(report, actor=actor)
    _write_spend_lines(report, values)
    total = sum(values.values(), ZERO)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_SUBMITTED if submit else AuditEventType.FUNDING_SPEND_SAVED,
        target=report,
        group=current.group,
        summary=f"{'Submitted' if submit else 'Saved'} spend for {q.label}: {format_money(total)}",
        payload={k: str(v) for k, v in values.items()},
    )
    return report


def _ensure_quarter_ended(award: Award, q: Quarter, today) -> None:
    if not can_submit_spend(award, quarter=q.number, today=_today(today)):
        raise InvalidTransition(
            f"You can submit the spend for {q.label} once the quarter has ended, after "
            f"{q.ends_on:%-d %B %Y}. Save it as a draft until then"
        )


@transaction.atomic
def spend_report_submit(*, award: Award, quarter: int, actor, loaded_version=None, today=None) -> SpendReport:
    """Submit a quarter's draft spend as saved (the check-your-answers step),
    which freezes it. Only after the quarter has ended."""
    require_perm(actor, "funding.change_fundingapplication", award)
    check_quarter(quarter)
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    report = SpendReport.objects.select_for_update().filter(award=current, quarter=quarter).first()
    if report is None:
        raise InvalidTransition(f"There is no spend saved for {q.label} to submit")
    reason = spend_lock_reason(award=current, quarter=quarter, report=report)
    if reason:
        raise InvalidTransition(reason)
    _check_spend_version(report, loaded_version)
    _ensure_quarter_ended(current, q, today)
    SPEND_REPORT_WORKFLOW.ensure(report, to=SpendReportStatus.SUBMITTED)
    report.status = SpendReportStatus.SUBMITTED
    report.submitted_at, report.submitted_by = timezone.now(), actor
    save_new_version(report, actor=actor)
    total = sum((line.amount for line in report.lines.all()), ZERO)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_SUBMITTED,
        target=report,
        group=current.group,
        summary=f"Submitted spend for {q.label}: {format_money(total)}",
    )
    return report


@transaction.atomic
def spend_report_reopen(*, award: Award, quarter: int, actor, reason: str) -> SpendReport:
    """Let the group change a quarter's frozen spend again (an officer, with a reason).

    The report goes back to draft; if the group never reported the quarter,
    an empty draft is opened for it.
    """
    require_perm(actor, "funding.manage_payments", award)
    check_quarter(quarter)
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    RECONCILIATION_WORKFLOW.ensure(
        current,
        to=ReconciliationStatus.RECONCILED,
        message=f"The award for {current.funding_round.year.label} has been reconciled. "
        "Reopen the reconciliation before reopening its spend",
    )
    report = SpendReport.objects.select_for_update().filter(award=current, quarter=quarter).first()
    if spend_lock_reason(award=current, quarter=quarter, report=report) is None:
        raise InvalidTransition(f"The spend for {q.label} is not frozen: the group can still change it")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are reopening the spend report"})
    if report is None:
        report = _new_spend_report(current, quarter, actor)
    SPEND_REPORT_WORKFLOW.ensure(report, to=SpendReportStatus.DRAFT)
    report.status = SpendReportStatus.DRAFT
    report.reopened_at, report.reopened_by, report.reopen_reason = timezone.now(), actor, reason
    save_new_version(report, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_REOPENED,
        target=report,
        group=current.group,
        summary=f"Reopened the spend for {q.label}: {reason}",
        payload={"reason": reason},
    )
    return report


@transaction.atomic
def spend_report_import(*, award: Award, quarter: int, actor, amounts: dict, notes: str = "") -> SpendReport:
    """Record a quarter's spend from the authority's records (a manager).

    Only for a quarter with no spend report yet and an award not yet
    reconciled: it fills a gap, it never rewrites what a group reported.
    Used for past years and by the demo data.
    """
    require_perm(actor, "funding.import_history")
    check_quarter(quarter)
    current = _lock_award(award)
    q = Quarter(current.funding_round.financial_year, quarter)
    RECONCILIATION_WORKFLOW.ensure(
        current,
        to=ReconciliationStatus.RECONCILED,
        message=f"The award for {current.funding_round.year.label} has been reconciled",
    )
    if SpendReport.objects.filter(award=current, quarter=quarter).exists():
        raise InvalidTransition(f"The spend for {q.label} has already been reported")
    values = _spend_values(amounts)
    report = _new_spend_report(
        current,
        quarter,
        actor,
        status=SpendReportStatus.SUBMITTED,
        notes=(notes or "").strip(),
        submitted_at=timezone.now(),
        submitted_by=actor,
    )
    report.full_clean()
    report.save()
    _write_spend_lines(report, values)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_SPEND_IMPORTED,
        target=report,
        group=current.group,
        summary=f"Recorded spend for {q.label} from the authority's records: "
        f"{format_money(sum(values.values(), ZERO))}",
        payload={k: str(v) for k, v in values.items()},
    )
    return report


def _return_due(figures, adjusted_return, reason: str) -> Decimal:
    """The sum to be returned: paid minus spent as worked out, unless an
    officer typed another amount (no more than was paid, with a reason)."""
    if adjusted_return in (None, ""):
        return figures.calculated_return
    adjusted = _money(adjusted_return, field="return_amount", label="The adjusted sum to be returned")
    if adjusted == figures.calculated_return:
        return adjusted
    if adjusted > figures.paid:
        raise ValidationError(
            {
                "return_amount": "The sum to be returned cannot be more than has been paid "
                f"({format_money(figures.paid)})"
            }
        )
    if not reason:
        raise ValidationError(
            {
                "adjustment_reason": "Enter the reason for changing the sum to be returned from "
                f"{format_money(figures.calculated_return)}"
            }
        )
    return adjusted


@transaction.atomic
def award_reconcile(
    *,
    award: Award,
    actor,
    adjusted_return=None,
    adjustment_reason: str = "",
    notes: str = "",
    loaded_version=None,
    today=None,
) -> Award:
    """Reconcile the year: spent and paid worked out, the sum to return is
    paid minus spent (never below 0), unless an officer adjusts it with a
    reason. Refused for an award already reconciled (reopen it first), and
    before the year ends unless every quarter's spend is submitted
    (``workflow.reconcile_too_early_reason``)."""
    require_perm(actor, "funding.manage_payments", award)
    current = lock_and_check_version(Award, award.pk, loaded_version)
    if not RECONCILIATION_WORKFLOW.allows(current, to=ReconciliationStatus.RECONCILED):
        raise InvalidTransition(
            f"This award was reconciled on {timezone.localtime(current.reconciled_at):%-d %B %Y}. "
            "Reopen the reconciliation if it needs to be done again"
        )
    too_early = reconcile_too_early_reason(current, today=today)
    if too_early:
        raise InvalidTransition(too_early)
    figures = reconciliation_figures(award=current)
    if figures.draft_quarters:
        raise ValidationError(
            "The spend for "
            + ", ".join(f"Q{n}" for n in figures.draft_quarters)
            + " is a draft. The group must submit it before the year is reconciled"
        )
    reason = (adjustment_reason or "").strip()
    final = _return_due(figures, adjusted_return, reason)
    current.total_spent_amount = figures.spent
    current.paid_amount = figures.paid
    current.calculated_return_amount = figures.calculated_return
    current.return_amount = final
    current.adjustment_reason = reason if final != figures.calculated_return else ""
    current.reconciliation_notes = (notes or "").strip()
    current.reconciled_at, current.reconciled_by = timezone.now(), actor
    save_new_version(current, actor=actor)
    summary = (
        f"Reconciled: paid {format_money(figures.paid)}, spent {format_money(figures.spent)}, "
        f"{format_money(final)} to be returned"
    )
    if final != figures.calculated_return:
        summary += f" (adjusted from {format_money(figures.calculated_return)}: {reason})"
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_AWARD_RECONCILED,
        target=current,
        group=current.group,
        summary=summary,
        payload={
            "paid": str(figures.paid),
            "spent": str(figures.spent),
            "calculated_return": str(figures.calculated_return),
            "return": str(final),
            "adjustment_reason": current.adjustment_reason,
        },
    )
    return current


@transaction.atomic
def award_reconciliation_reopen(*, award: Award, actor, reason: str, loaded_version=None) -> Award:
    """Undo a reconciliation so the year can be reconciled again (an officer, with a reason)."""
    require_perm(actor, "funding.manage_payments", award)
    current = lock_and_check_version(Award, award.pk, loaded_version)
    RECONCILIATION_WORKFLOW.ensure(
        current,
        to=ReconciliationStatus.OPEN,
        message="This award has not been reconciled, so there is nothing to reopen",
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Enter why you are reopening the reconciliation"})
    previous = {
        "paid": str(current.paid_amount),
        "spent": str(current.total_spent_amount),
        "return": str(current.return_amount),
        "reconciled_at": current.reconciled_at.isoformat(),
        "reconciled_by": current.reconciled_by_id,
    }
    current.reconciled_at = current.reconciled_by = None
    current.total_spent_amount = current.paid_amount = None
    current.calculated_return_amount = current.return_amount = None
    current.adjustment_reason = ""
    save_new_version(current, actor=actor)
    audit_record(
        actor=actor,
        event_type=AuditEventType.FUNDING_RECONCILIATION_REOPENED,
        target=current,
        group=current.group,
        summary=f"Reopened the reconciliation (was {format_money(Decimal(previous['return']))} to be returned): "
        f"{reason}",
        payload={"reason": reason, "previous": previous},
    )
    return current
