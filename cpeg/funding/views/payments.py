"""Pages for awards after the decision: payments, the award letter, spend
reports and the end-of-year reconciliation."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cpeg.accounts.access import require_perm
from cpeg.core.fiscal import Quarter
from cpeg.core.views_helpers import handle_form
from cpeg.funding import selectors, services, workflow
from cpeg.funding.choices import BudgetCategory, PaymentStatus
from cpeg.funding.forms import (
    MarkPaidForm,
    PaymentScheduleForm,
    ReconciliationForm,
    ReopenForm,
    SpendCheckForm,
    SpendReportForm,
)
from cpeg.funding.models import Award
from cpeg.funding.money import ZERO
from cpeg.groups.selectors import group_get_for

# Awards a page on a round's payments (2,000 rows were a 1 MB page).
PAYMENTS_PAGE_SIZE = 50


@login_required
def round_payments(request, pk):
    require_perm(request.user, "funding.manage_payments")
    funding_round = selectors.round_get(pk=pk)
    totals = selectors.round_payment_totals(funding_round=funding_round)
    # The totals cover every award (added up in SQL); the table reads and
    # shows a page of them.
    page = Paginator(selectors.round_awards_queryset(funding_round=funding_round), PAYMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = [(a, *selectors.payments_total(a)) for a in page.object_list]
    return render(
        request,
        "funding/round_payments.html",
        {
            "round": funding_round,
            "award_count": totals["count"],
            "page": page,
            "total_awarded": totals["awarded"],
            "total_paid": totals["paid"],
        },
    )


@login_required
def award_detail(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk)
    payments = list(award.payments.all())
    quarters = [(q, q.starts_on <= timezone.localdate()) for q in award.funding_round.year.quarters]
    return render(
        request,
        "funding/award_detail.html",
        {
            "award": award,
            "group": award.group,
            "payments": payments,
            "paid": sum((p.amount for p in payments if p.status == PaymentStatus.PAID), ZERO),
            "quarters": quarters,
            "reports": {r.quarter: r for r in award.spend_reports.all()},
            "can_manage_payments": request.user.has_perm("funding.manage_payments", award),
            "can_reconcile": workflow.can_reconcile(request.user, award),
            "can_reopen_reconciliation": workflow.can_reopen_reconciliation(request.user, award),
            "history": selectors.award_history(award=award),
        },
    )


@login_required
def award_letter(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk)
    from weasyprint import HTML

    html = render_to_string(
        "funding/award_letter.html",
        {
            "award": award,
            "group": award.group,
            "payments": list(award.payments.all()),
            "authority_name": settings.AUTHORITY_NAME,
            "decided_by": award.funding_round.decided_by,
            "lines": selectors.award_budget_by_category(award),
            "categories": dict(BudgetCategory.choices),
        },
    )
    # PDF/UA-1: a tagged PDF (structure tree, reading order, table headers)
    # that screen readers can follow.
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(pdf_variant="pdf/ua-1")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="award-letter-{award.group.slug}-{award.funding_round.financial_year}.pdf"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def payment_schedule(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk, perm="funding.manage_payments")
    payments = list(award.payments.all())
    scheduled = [p for p in payments if p.status == PaymentStatus.SCHEDULED]
    initial = {"version": award.version}
    for n, payment in enumerate(scheduled, start=1):
        initial[f"due_on_{n}"] = payment.due_on
        initial[f"amount_{n}"] = payment.amount
    form = PaymentScheduleForm(request.POST if request.method == "POST" else None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="funding/payment_schedule.html",
        context={
            "title": f"Payment schedule: {award.group.name}",
            "award": award,
            "group": award.group,
            "paid": [p for p in payments if p.status == PaymentStatus.PAID],
            "cancel_url": award.get_absolute_url(),
            "submit_label": "Save schedule",
        },
        save=lambda f: services.payment_schedule_set(
            award=award, actor=request.user, instalments=f.instalments(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Payment schedule saved",
        success_url=award.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def payment_paid(request, pk):
    payment = selectors.payment_get_for(user=request.user, pk=pk)
    award = payment.award
    if not workflow.can_mark_paid(request.user, payment):
        messages.error(request, f"Instalment {payment.instalment} is already marked paid")
        return redirect(award.get_absolute_url())
    form = MarkPaidForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": f"Mark instalment {payment.instalment} paid ({award.group.name})",
            "group": award.group,
            "cancel_url": award.get_absolute_url(),
            "submit_label": "Mark as paid",
        },
        save=lambda f: services.payment_mark_paid(
            payment=payment, actor=request.user, paid_on=f.cleaned_data["paid_on"]
        ),
        success_message=f"Instalment {payment.instalment} marked paid",
        success_url=award.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_reconcile(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk, perm="funding.manage_payments")
    if not workflow.can_reconcile(request.user, award):
        too_early = workflow.reconcile_too_early_reason(award)
        if award.reconciled_at is None and too_early:
            messages.error(request, f"{too_early}.")
        else:
            messages.error(
                request,
                "This award has already been reconciled. Reopen the reconciliation if it needs to be done again.",
            )
        return redirect(award.get_absolute_url())
    figures = selectors.reconciliation_figures(award=award)
    form = ReconciliationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": award.version,
            "return_amount": figures.calculated_return,
            "reconciliation_notes": award.reconciliation_notes,
        },
    )
    return handle_form(
        request,
        form=form,
        template="funding/reconciliation.html",
        context={
            "title": f"End-of-year reconciliation: {award.group.name}",
            "award": award,
            "group": award.group,
            "figures": figures,
            "cancel_url": award.get_absolute_url(),
            "submit_label": "Record the reconciliation",
        },
        save=lambda f: services.award_reconcile(
            award=award,
            actor=request.user,
            adjusted_return=f.cleaned_data["return_amount"],
            adjustment_reason=f.cleaned_data["adjustment_reason"],
            notes=f.cleaned_data["reconciliation_notes"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Reconciliation recorded",
        success_url=award.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def award_reconciliation_reopen(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk, perm="funding.manage_payments")
    if not workflow.can_reopen_reconciliation(request.user, award):
        messages.error(request, "This award has not been reconciled, so there is nothing to reopen.")
        return redirect(award.get_absolute_url())
    form = ReopenForm(request.POST if request.method == "POST" else None, initial={"version": award.version})
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": f"Reopen the reconciliation: {award.group.name}",
            "group": award.group,
            "cancel_url": award.get_absolute_url(),
            "submit_label": "Reopen the reconciliation",
        },
        save=lambda f: services.award_reconciliation_reopen(
            award=award,
            actor=request.user,
            reason=f.cleaned_data["reason"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Reconciliation reopened. Record it again when the figures are right.",
        success_url=award.get_absolute_url(),
    )


def _group_award(request, pk, year, quarter):
    group = group_get_for(user=request.user, pk=pk, perm="funding.view_fundingapplication")
    if quarter not in (1, 2, 3, 4):
        raise Http404
    award = (
        Award.objects.filter(group=group, funding_round__financial_year=year)
        .select_related("funding_round", "group__borough")
        .first()
    )
    return group, award


@login_required
@require_http_methods(["GET", "POST"])
def spend_report(request, pk, year, quarter):
    group, award = _group_award(request, pk, year, quarter)
    q = Quarter(year, quarter)
    if award is None:
        return render(request, "funding/spend_none.html", {"group": group, "quarter": q})
    if request.method == "POST":
        require_perm(request.user, "funding.change_fundingapplication", award)
    position = selectors.spend_position(award=award, quarter=quarter)
    locked = workflow.spend_lock_reason(award=award, quarter=quarter, report=position.report)
    url = reverse("funding:spend-report", kwargs={"pk": pk, "year": year, "quarter": quarter})
    if locked and request.method == "POST":
        messages.error(request, locked)
        return redirect(url)
    # Version 0 means "no report yet": once one exists, a form built
    # before it was saved is a conflict, not a silent overwrite.
    check_url = reverse("funding:spend-report-check", kwargs={"pk": pk, "year": year, "quarter": quarter})
    to_check = request.POST.get("action") != "draft"
    initial = {f"spend_{k}": v for k, v in position.this_quarter.items()}
    initial["version"] = position.report.version if position.report else 0
    if position.report:
        initial["notes"] = position.report.notes
    form = SpendReportForm(request.POST if request.method == "POST" else None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="funding/spend_report.html",
        context={
            "title": f"Spend for {q.label}",
            "group": group,
            "award": award,
            "quarter": q,
            "position": position,
            "can_change": workflow.can_report_spend(request.user, award, locked=locked),
            "locked": locked,
            "can_reopen": workflow.can_reopen_spend(request.user, award, locked=locked),
            "can_submit": workflow.can_submit_spend(award, quarter=quarter),
            "categories": BudgetCategory.choices,
        },
        # Always saved as a draft: "Save and continue" then shows the
        # answers, and only confirming them there submits (and freezes) them.
        save=lambda f: services.spend_report_save(
            award=award,
            quarter=quarter,
            actor=request.user,
            amounts=f.amounts(),
            notes=f.cleaned_data.get("notes", ""),
            submit=False,
            loaded_version=f.cleaned_data.get("version"),
        ),
        success_message=f"Spend for {q.label} saved as a draft",
        success_url=check_url if to_check else url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_report_check(request, pk, year, quarter):
    """Check your answers: the saved draft, submitted (and frozen) on confirming."""
    group, award = _group_award(request, pk, year, quarter)
    if award is None:
        raise Http404
    require_perm(request.user, "funding.change_fundingapplication", award)
    q = Quarter(year, quarter)
    url = reverse("funding:spend-report", kwargs={"pk": pk, "year": year, "quarter": quarter})
    position = selectors.spend_position(award=award, quarter=quarter)
    locked = workflow.spend_lock_reason(award=award, quarter=quarter, report=position.report)
    if position.report is None or locked:
        messages.error(request, f"{locked}." if locked else f"Save the spend for {q.label} first.")
        return redirect(url)
    form = SpendCheckForm(
        request.POST if request.method == "POST" else None, initial={"version": position.report.version}
    )
    return handle_form(
        request,
        form=form,
        template="funding/spend_check.html",
        context={
            "title": f"Check your answers: spend for {q.label}",
            "group": group,
            "award": award,
            "quarter": q,
            "position": position,
            "categories": BudgetCategory.choices,
            "can_submit": workflow.can_submit_spend(award, quarter=quarter),
            "change_url": url,
        },
        save=lambda f: services.spend_report_submit(
            award=award, quarter=quarter, actor=request.user, loaded_version=f.cleaned_data.get("version")
        ),
        success_message=f"Spend for {q.label} submitted",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_report_reopen(request, pk, year, quarter):
    group, award = _group_award(request, pk, year, quarter)
    require_perm(request.user, "funding.manage_payments", group)
    url = reverse("funding:spend-report", kwargs={"pk": pk, "year": year, "quarter": quarter})
    q = Quarter(year, quarter)
    if award is None:
        raise Http404
    report = award.spend_reports.filter(quarter=quarter).first()
    if workflow.spend_lock_reason(award=award, quarter=quarter, report=report) is None:
        messages.error(request, f"The spend for {q.label} is not frozen: the group can still change it.")
        return redirect(url)
    form = ReopenForm(request.POST if request.method == "POST" else None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": f"Reopen the spend for {q.label}: {group.name}",
            "group": group,
            "cancel_url": url,
            "submit_label": "Reopen the spend report",
        },
        save=lambda f: services.spend_report_reopen(
            award=award, quarter=quarter, actor=request.user, reason=f.cleaned_data["reason"]
        ),
        success_message=f"Spend for {q.label} reopened. The group can change it and submit it again.",
        success_url=url,
    )
