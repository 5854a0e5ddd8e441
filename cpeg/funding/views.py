"""Pages for the annual funding process: rounds, applications, assessment,
allocation, awards, payments, spend, cost analysis, open data and import."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cpeg.accounts.access import require_perm
from cpeg.core.errors import InvalidTransition
from cpeg.core.fiscal import FinancialYear, Quarter
from cpeg.core.views_helpers import handle_form
from cpeg.funding import importer, opendata, selectors, services, whatif
from cpeg.funding.choices import (
    EDITABLE_APPLICATION_STATUSES,
    ApplicationStatus,
    BudgetCategory,
    PaymentStatus,
    WhatIfRule,
)
from cpeg.funding.forms import (
    AllocationForm,
    ApplicationForm,
    AssessmentForm,
    BudgetLineForm,
    CriterionForm,
    HistoryImportForm,
    MarkPaidForm,
    ModerationForm,
    OtherSupportForm,
    PaymentScheduleForm,
    ReconciliationForm,
    ReopenForm,
    RoundForm,
    SpendReportForm,
    WhatIfForm,
)
from cpeg.funding.models import AssessmentCriterion, Award, BudgetLine, FundingRound, OtherSupport
from cpeg.funding.money import ZERO
from cpeg.groups.selectors import group_get_for


def _invalid(request, error: InvalidTransition, url):
    messages.error(request, str(error))
    return redirect(url)


# --- Rounds ---------------------------------------------------------------------


@login_required
def round_list(request):
    require_perm(request.user, "core.view_officer_pages")
    return render(
        request,
        "funding/round_list.html",
        {
            "rounds": selectors.round_list(),
            "can_manage": request.user.has_perm("funding.manage_fundinground"),
            "can_import": request.user.has_perm("funding.import_history"),
            "can_analyse": request.user.has_perm("funding.view_cost_analysis"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request):
    require_perm(request.user, "funding.manage_fundinground")
    next_year = FinancialYear.current().next()
    form = RoundForm(
        request.POST or None,
        initial={
            "financial_year": next_year.start_year,
            "title": f"CPEG funding {next_year.label}",
            "pot_amount": "1600000.00",
            "cap_amount": "50000.00",
            "floor_amount": "20000.00",
            "show_scores_to_groups": True,
        },
    )
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": "Set up a funding round", "cancel_url": reverse("funding:round-list")},
        save=lambda f: services.round_create(actor=request.user, data=f.service_data()),
        success_message="Funding round set up",
        success_url=lambda r: r.get_absolute_url(),
    )


@login_required
def round_detail(request, pk):
    require_perm(request.user, "core.view_officer_pages")
    funding_round = selectors.round_get(pk=pk)
    return render(
        request,
        "funding/round_detail.html",
        {
            "round": funding_round,
            "applications": selectors.round_applications(funding_round=funding_round),
            "criteria": list(funding_round.criteria.all()),
            "can_manage": request.user.has_perm("funding.manage_fundinground"),
            "can_decide": request.user.has_perm("funding.decide_allocation"),
            "can_assess": request.user.has_perm("funding.assess_fundingapplication"),
            "history": selectors.round_history(funding_round=funding_round),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    require_perm(request.user, "funding.manage_fundinground")
    funding_round = selectors.round_get(pk=pk)
    initial = {name: getattr(funding_round, name) for name in services.ROUND_FIELDS}
    initial["version"] = funding_round.version
    form = RoundForm(request.POST or None, initial=initial, editing=True)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": f"Change {funding_round}", "cancel_url": funding_round.get_absolute_url()},
        save=lambda f: services.round_update(
            funding_round=funding_round,
            actor=request.user,
            data=f.service_data(),
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Funding round saved",
        success_url=funding_round.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_add(request, pk):
    require_perm(request.user, "funding.manage_fundinground")
    funding_round = selectors.round_get(pk=pk)
    form = CriterionForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={"title": "Add an assessment criterion", "cancel_url": funding_round.get_absolute_url()},
        save=lambda f: services.criterion_add(funding_round=funding_round, actor=request.user, data=f.cleaned_data),
        success_message="Criterion added",
        success_url=funding_round.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def criterion_edit(request, pk, criterion_pk):
    require_perm(request.user, "funding.manage_fundinground")
    criterion = get_object_or_404(
        AssessmentCriterion.objects.select_related("funding_round"), pk=criterion_pk, funding_round_id=pk
    )
    form = CriterionForm(
        request.POST or None,
        initial={
            "title": criterion.title,
            "guidance": criterion.guidance,
            "weight": criterion.weight,
            "version": criterion.version,
        },
    )
    url = criterion.funding_round.get_absolute_url()
    try:
        return handle_form(
            request,
            form=form,
            template="funding/simple_form.html",
            context={"title": f"Change criterion: {criterion.title}", "cancel_url": url},
            save=lambda f: services.criterion_update(
                criterion=criterion, actor=request.user, data=f.cleaned_data, loaded_version=f.cleaned_data["version"]
            ),
            success_message="Criterion saved",
            success_url=url,
        )
    except InvalidTransition as error:
        return _invalid(request, error, url)


# --- The group's side ------------------------------------------------------------


@login_required
def group_applications(request, pk):
    group = group_get_for(user=request.user, pk=pk)
    require_perm(request.user, "funding.view_fundinground")
    page = selectors.group_funding_page(group=group)
    for application in page.applications:
        application.shown_status, application.shown_status_label = selectors.status_shown(request.user, application)
    return render(
        request,
        "funding/group_applications.html",
        {
            "group": group,
            "page": page,
            "can_apply": request.user.has_perm("funding.change_fundingapplication", group),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def application_start(request, pk, round_pk):
    group = group_get_for(user=request.user, pk=pk, perm="funding.change_fundingapplication")
    funding_round = get_object_or_404(FundingRound, pk=round_pk)
    try:
        application = services.application_start(funding_round=funding_round, group=group, actor=request.user)
    except (ValidationError, InvalidTransition) as error:
        messages.error(request, " ".join(error.messages) if isinstance(error, ValidationError) else str(error))
        return redirect("funding:group-applications", pk=group.pk)
    messages.success(request, "Application started. Your answers are saved as a draft until you submit.")
    return redirect("funding:application-detail", pk=application.pk)


@login_required
def application_detail(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk)
    user = request.user
    show_scores = selectors.can_see_scores(user, application)
    page = selectors.application_page(application=application, show_scores=show_scores)
    editable = application.status in EDITABLE_APPLICATION_STATUSES and application.funding_round.status == "open"
    can_change = editable and user.has_perm("funding.change_fundingapplication", application)
    shown_status, shown_status_label = selectors.status_shown(user, application)
    assessed_by_user = page.assessment is not None and page.assessment.assessor_id == user.pk
    return render(
        request,
        "funding/application_detail.html",
        {
            "application": application,
            "group": application.group,
            "page": page,
            "show_scores": show_scores,
            "shown_status": shown_status,
            "shown_status_label": shown_status_label,
            "can_change": can_change,
            "problems": services.application_problems(application) if can_change else {},
            "deadline": services.submission_deadline(application),
            "can_assess": user.has_perm("funding.assess_fundingapplication", application)
            and application.status in services.ASSESSABLE_STATUSES
            and application.funding_round.status == "open",
            "can_moderate": user.has_perm("funding.moderate_fundingapplication", application)
            and application.status in (ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED)
            and application.funding_round.status == "open"
            and not assessed_by_user,
            "can_reopen": user.has_perm("funding.manage_fundinground")
            and application.funding_round.status == "open"
            and application.status
            in (ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED, ApplicationStatus.ASSESSED),
            "award": Award.objects.filter(application=application).first(),
            "history": selectors.application_history(application=application, show_scores=show_scores),
        },
    )


def _editable_application(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.change_fundingapplication")
    if application.status not in EDITABLE_APPLICATION_STATUSES or application.funding_round.status != "open":
        messages.error(request, "This application has been submitted, so it can no longer be changed")
        return application, redirect(application.get_absolute_url())
    return application, None


@login_required
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    items = list(application.work_programme.all())
    consultations = list(application.consultations.all())
    initial = {
        name: getattr(application, name) for name in ("work_programme_summary", "priorities", "targets", "outcomes")
    }
    initial["version"] = application.version
    form = ApplicationForm(request.POST or None, initial=initial, items=items, consultations=consultations)
    return handle_form(
        request,
        form=form,
        template="funding/application_form.html",
        context={
            "title": "Work programme, priorities and local consultation",
            "application": application,
            "group": application.group,
            "cancel_url": application.get_absolute_url(),
            "submit_label": "Save draft",
        },
        save=lambda f: services.application_update(
            application=application, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Draft saved",
        success_url=application.get_absolute_url(),
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_add(request, pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    form = BudgetLineForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": "Add a budget line",
            "group": application.group,
            "cancel_url": application.get_absolute_url() + "#budget",
        },
        save=lambda f: services.budget_line_add(application=application, actor=request.user, data=f.service_data()),
        success_message="Budget line added",
        success_url=application.get_absolute_url() + "#budget",
    )


@login_required
@require_http_methods(["GET", "POST"])
def budget_line_edit(request, pk, line_pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    line = get_object_or_404(BudgetLine, pk=line_pk, application=application)
    initial = {
        name: getattr(line, name)
        for name in (
            "category",
            "description",
            "post_title",
            "hours_per_week",
            "salary_amount",
            "on_costs_amount",
            "amount",
            "note",
        )
    }
    initial["version"] = line.version
    form = BudgetLineForm(request.POST or None, initial=initial)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": f"Change budget line: {line.description}",
            "group": application.group,
            "cancel_url": application.get_absolute_url() + "#budget",
        },
        save=lambda f: services.budget_line_update(
            line=line, actor=request.user, data=f.service_data(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Budget line saved",
        success_url=application.get_absolute_url() + "#budget",
    )


def _remove_from_application(request, pk, *, model, item_pk, remove, message, anchor):
    """Remove one of an editable application's rows (a budget line, a support
    entry) through its service; a row already gone (a second click) is fine."""
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    item = model.objects.filter(pk=item_pk, application=application).first()
    if item is not None:
        remove(item)
    messages.success(request, message)
    return redirect(application.get_absolute_url() + anchor)


@login_required
@require_POST
def budget_line_delete(request, pk, line_pk):
    return _remove_from_application(
        request,
        pk,
        model=BudgetLine,
        item_pk=line_pk,
        remove=lambda line: services.budget_line_delete(line=line, actor=request.user),
        message="Budget line removed",
        anchor="#budget",
    )


@login_required
@require_http_methods(["GET", "POST"])
def other_support_add(request, pk):
    application, refused = _editable_application(request, pk)
    if refused:
        return refused
    form = OtherSupportForm(request.POST or None)
    return handle_form(
        request,
        form=form,
        template="funding/simple_form.html",
        context={
            "title": "Add in-kind support or other funding",
            "group": application.group,
            "cancel_url": application.get_absolute_url() + "#support",
        },
        save=lambda f: services.other_support_add(application=application, actor=request.user, data=f.cleaned_data),
        success_message="Support added",
        success_url=application.get_absolute_url() + "#support",
    )


@login_required
@require_POST
def other_support_delete(request, pk, support_pk):
    return _remove_from_application(
        request,
        pk,
        model=OtherSupport,
        item_pk=support_pk,
        remove=lambda support: services.other_support_delete(support=support, actor=request.user),
        message="Support removed",
        anchor="#support",
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_submit(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.submit_fundingapplication")
    errors = []
    if request.method == "POST":
        try:
            services.application_submit(
                application=application, actor=request.user, loaded_version=request.POST.get("version") or None
            )
        except ValidationError as error:
            errors = error.messages
        except InvalidTransition as error:
            errors = [str(error)]
        else:
            messages.success(request, "Application submitted. The authority will assess it after the deadline.")
            return redirect(application.get_absolute_url())
    page = selectors.application_page(application=application, show_scores=False)
    return render(
        request,
        "funding/application_submit.html",
        {
            "application": application,
            "group": application.group,
            "page": page,
            "errors": errors,
            "problems": services.application_problems(application),
            "deadline": services.submission_deadline(application),
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def application_reopen(request, pk):
    require_perm(request.user, "funding.manage_fundinground")
    application = selectors.application_get_for(user=request.user, pk=pk)
    try:
        application = services.application_reopen(application=application, actor=request.user)
    except InvalidTransition as error:
        return _invalid(request, error, application.get_absolute_url())
    messages.success(
        request, f"Application reopened. The group may submit it until {application.late_submission_until:%-d %B %Y}."
    )
    return redirect(application.get_absolute_url())


# --- Assessment -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def application_assess(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.assess_fundingapplication")
    url = application.get_absolute_url()
    if application.status not in services.ASSESSABLE_STATUSES or application.funding_round.status != "open":
        messages.error(request, f"You cannot assess an application that is {application.get_status_display().lower()}")
        return redirect(url)
    criteria = list(application.funding_round.criteria.all())
    page = selectors.application_page(application=application, show_scores=True)
    initial = {"version": application.version}
    if page.assessment:
        initial.update(comments=page.assessment.comments, recommended_amount=page.assessment.recommended_amount)
        initial.update({f"score_{s.criterion_id}": s.score for s in page.scores})
    else:
        initial["recommended_amount"] = min(page.total, application.funding_round.cap_amount)
    form = AssessmentForm(request.POST or None, initial=initial, criteria=criteria)
    delivery = selectors.previous_year_delivery(group=application.group, year=application.funding_round.year.previous())
    return handle_form(
        request,
        form=form,
        template="funding/application_assess.html",
        context={
            "title": f"Assess {application.group.name}",
            "application": application,
            "group": application.group,
            "page": page,
            "delivery": delivery,
            "criteria": criteria,
            "cancel_url": url,
            "submit_label": "Save assessment",
        },
        save=lambda f: services.application_assess(
            application=application,
            actor=request.user,
            scores=f.scores(),
            comments=f.cleaned_data["comments"],
            recommended_amount=f.cleaned_data["recommended_amount"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Assessment saved",
        success_url=url,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_moderate(request, pk):
    application = selectors.application_get_for(user=request.user, pk=pk, perm="funding.moderate_fundingapplication")
    url = application.get_absolute_url()
    if application.status not in (ApplicationStatus.ASSESSED, ApplicationStatus.MODERATED):
        messages.error(request, "Only an assessed application can be moderated")
        return redirect(url)
    page = selectors.application_page(application=application, show_scores=True)
    if page.assessment.assessor_id == request.user.pk:
        messages.error(request, "Someone other than the assessor must moderate: you assessed this application.")
        return redirect(url)
    form = ModerationForm(
        request.POST or None,
        initial={
            "version": application.version,
            "moderated_amount": page.assessment.final_recommendation,
            "moderation_comments": page.assessment.moderation_comments,
        },
    )
    return handle_form(
        request,
        form=form,
        template="funding/application_moderate.html",
        context={
            "title": f"Moderate the assessment of {application.group.name}",
            "application": application,
            "group": application.group,
            "page": page,
            "cancel_url": url,
            "submit_label": "Save moderation",
        },
        save=lambda f: services.application_moderate(
            application=application,
            actor=request.user,
            comments=f.cleaned_data["moderation_comments"],
            moderated_amount=f.cleaned_data["moderated_amount"],
            loaded_version=f.cleaned_data["version"],
        ),
        success_message="Moderation saved",
        success_url=url,
    )


# --- Allocation -------------------------------------------------------------------


def _what_if(request, page):
    form = WhatIfForm(request.GET or None)
    if not form.is_valid() or not form.cleaned_data.get("rule"):
        return form, None
    funding_round = page.funding_round
    recommendations = {r.application.pk: r.recommended for r in page.rows if r.recommended is not None}
    unit = form.cleaned_data.get("unit")
    amounts = whatif.apply_rule(
        recommendations,
        rule=form.cleaned_data["rule"],
        pot=funding_round.pot_amount,
        cap=funding_round.cap_amount,
        unit=Decimal(unit) if unit else None,
        requests={r.application.pk: r.requested for r in page.rows},
        floor=funding_round.floor_amount,
    )
    for row in page.rows:
        row.what_if = amounts.get(row.application.pk)
    return form, {
        "total": sum(amounts.values(), ZERO),
        "rule": WhatIfRule(form.cleaned_data["rule"]).label,
        "unit": dict(form.fields["unit"].choices).get(unit or ""),
        "amounts": amounts,
    }


@login_required
@require_http_methods(["GET", "POST"])
def allocation(request, pk):
    require_perm(request.user, "funding.decide_allocation")
    funding_round = selectors.round_get(pk=pk)
    page = selectors.allocation_page(funding_round=funding_round)
    what_if_form, scenario = _what_if(request, page)
    initial = {f"award_{r.application.pk}": r.award for r in page.rows}
    if scenario and request.GET.get("fill") == "1":
        initial.update({f"award_{k}": v for k, v in scenario["amounts"].items()})
    initial["version"] = funding_round.version
    form = AllocationForm(request.POST or None, initial=initial, rows=page.rows)
    if funding_round.status != "open" and request.method == "POST":
        messages.error(request, f"{funding_round} has been decided; the awards can no longer change")
        return redirect("funding:allocation", pk=pk)
    return handle_form(
        request,
        form=form,
        template="funding/allocation.html",
        context={
            "round": funding_round,
            "page": page,
            "what_if_form": what_if_form,
            "scenario": scenario,
            "rules": WhatIfRule.choices,
            "units": what_if_form.fields["unit"].choices,
            "query": request.GET.urlencode(),
        },
        save=lambda f: services.allocation_save(
            funding_round=funding_round, actor=request.user, awards=f.awards(), loaded_version=f.cleaned_data["version"]
        ),
        success_message="Awards saved (not yet decided)",
        success_url=reverse("funding:allocation", kwargs={"pk": pk}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def allocation_decide(request, pk):
    require_perm(request.user, "funding.decide_allocation")
    funding_round = selectors.round_get(pk=pk)
    page = selectors.allocation_page(funding_round=funding_round)
    errors = []
    if request.method == "POST":
        try:
            awards = services.allocation_decide(
                funding_round=funding_round, actor=request.user, loaded_version=request.POST.get("version") or None
            )
        except ValidationError as error:
            errors = error.messages
        except InvalidTransition as error:
            errors = [str(error)]
        else:
            messages.success(request, f"{funding_round} decided: {len(awards)} awards. Award letters are ready.")
            return redirect("funding:round-payments", pk=pk)
    return render(
        request,
        "funding/allocation_decide.html",
        {"round": funding_round, "page": page, "errors": errors},
        status=400 if errors else 200,
    )


# --- Awards and payments --------------------------------------------------------------


@login_required
def round_payments(request, pk):
    require_perm(request.user, "funding.manage_payments")
    funding_round = selectors.round_get(pk=pk)
    awards = selectors.round_awards(funding_round=funding_round)
    rows = [(a, *selectors.payments_total(a)) for a in awards]
    return render(
        request,
        "funding/round_payments.html",
        {
            "round": funding_round,
            "rows": rows,
            "total_awarded": sum((a.amount for a in awards), ZERO),
            "total_paid": sum((r[1] for r in rows), ZERO),
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
            "history": selectors.award_history(award=award),
        },
    )


@login_required
def award_letter(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk)
    from django.conf import settings
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
    form = PaymentScheduleForm(request.POST or None, initial=initial)
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
    if payment.status == PaymentStatus.PAID:
        messages.error(request, f"Instalment {payment.instalment} is already marked paid")
        return redirect(award.get_absolute_url())
    form = MarkPaidForm(request.POST or None, initial={"paid_on": timezone.localdate()})
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
    if award.reconciled_at is not None:
        messages.error(
            request,
            "This award has already been reconciled. Reopen the reconciliation if it needs to be done again.",
        )
        return redirect(award.get_absolute_url())
    figures = selectors.reconciliation_figures(award=award)
    form = ReconciliationForm(
        request.POST or None,
        initial={
            "version": award.version,
            "return_amount": figures.calculated_return,
            "reconciliation_notes": award.reconciliation_notes,
        },
    )
    try:
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
    except InvalidTransition as error:
        return _invalid(request, error, award.get_absolute_url())


@login_required
@require_http_methods(["GET", "POST"])
def award_reconciliation_reopen(request, pk):
    award = selectors.award_get_for(user=request.user, pk=pk, perm="funding.manage_payments")
    if award.reconciled_at is None:
        messages.error(request, "This award has not been reconciled, so there is nothing to reopen.")
        return redirect(award.get_absolute_url())
    form = ReopenForm(request.POST or None, initial={"version": award.version})
    try:
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
    except InvalidTransition as error:
        return _invalid(request, error, award.get_absolute_url())


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
    may_report = request.user.has_perm("funding.change_fundingapplication", award)
    if request.method == "POST":
        require_perm(request.user, "funding.change_fundingapplication", award)
    position = selectors.spend_position(award=award, quarter=quarter)
    locked = services.spend_lock_reason(award=award, quarter=quarter, report=position.report)
    url = reverse("funding:spend-report", kwargs={"pk": pk, "year": year, "quarter": quarter})
    if locked and request.method == "POST":
        messages.error(request, locked)
        return redirect(url)
    # Version 0 means "no report yet": once one exists, a form built
    # before it was saved is a conflict, not a silent overwrite.
    initial = {f"spend_{k}": v for k, v in position.this_quarter.items()}
    initial["version"] = position.report.version if position.report else 0
    if position.report:
        initial["notes"] = position.report.notes
    form = SpendReportForm(request.POST or None, initial=initial)
    try:
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
                "can_change": may_report and not locked,
                "locked": locked,
                "can_reopen": bool(locked)
                and award.reconciled_at is None
                and request.user.has_perm("funding.manage_payments", award),
                "submit_label": "Submit spend",
                "categories": BudgetCategory.choices,
            },
            save=lambda f: services.spend_report_save(
                award=award,
                quarter=quarter,
                actor=request.user,
                amounts=f.amounts(),
                notes=f.cleaned_data.get("notes", ""),
                submit=True,
                loaded_version=f.cleaned_data.get("version"),
            ),
            success_message=f"Spend for {q.label} submitted",
            success_url=url,
        )
    except InvalidTransition as error:
        return _invalid(request, error, url)


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
    if services.spend_lock_reason(award=award, quarter=quarter, report=report) is None:
        messages.error(request, f"The spend for {q.label} is not frozen: the group can still change it.")
        return redirect(url)
    form = ReopenForm(request.POST or None)
    try:
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
    except InvalidTransition as error:
        return _invalid(request, error, url)


# --- Cost analysis, open data and import ---------------------------------------------


@login_required
def cost_analysis(request):
    require_perm(request.user, "funding.view_cost_analysis")
    years = selectors.cost_analysis_years()
    year = None
    if request.GET.get("year"):
        try:
            year = FinancialYear.parse(request.GET["year"])
        except ValueError:
            year = None
    if year is None and years:
        year = years[0]
    analysis = selectors.cost_analysis(year=year) if year else None
    groups = selectors.cost_groups_visible(user=request.user, analysis=analysis) if analysis else []
    return render(
        request,
        "funding/cost_analysis.html",
        {
            "years": years,
            "year": year,
            "analysis": analysis,
            "groups": groups,
            "hidden_groups": len(analysis.groups) - len(groups) if analysis else 0,
            "withheld": (
                selectors.cost_models_withheld(user=request.user, analysis=analysis, visible=groups)
                if analysis
                else set()
            ),
            "small_count": selectors.SMALL_GROUP_COUNT,
            "threshold": selectors.STAFFING_THRESHOLD,
        },
    )


@login_required
def cost_lines(request, year, pk):
    group = group_get_for(user=request.user, pk=pk, perm="funding.view_fundingapplication")
    require_perm(request.user, "funding.view_cost_analysis")
    financial_year = FinancialYear(year)
    categories = [c for c in request.GET.getlist("category") if c in BudgetCategory.values]
    lines = selectors.budget_lines_for(group=group, year=financial_year, categories=categories or None)
    return render(
        request,
        "funding/cost_lines.html",
        {
            "group": group,
            "year": financial_year,
            "lines": lines,
            "total": sum((line.amount for line in lines), ZERO),
            "categories": [BudgetCategory(c).label for c in categories],
        },
    )


@login_required
def cost_lines_all(request, year):
    require_perm(request.user, "funding.view_cost_analysis")
    across = selectors.cost_lines_across_groups(
        user=request.user,
        year=FinancialYear(year),
        categories=request.GET.getlist("category"),
        model=request.GET.get("model", ""),
    )
    return render(
        request,
        "funding/cost_lines_all.html",
        {"across": across, "year": across.year, "threshold": selectors.STAFFING_THRESHOLD},
    )


@login_required
def export_json(request, pk):
    require_perm(request.user, "core.view_officer_pages")
    funding_round = selectors.round_get(pk=pk)
    if not funding_round.is_decided:
        raise Http404
    package = opendata.grants_package(funding_round)
    response = HttpResponse(opendata.package_json(package), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="360giving-{funding_round.financial_year}.json"'
    return response


@login_required
def export_xlsx(request, pk):
    require_perm(request.user, "core.view_officer_pages")
    funding_round = selectors.round_get(pk=pk)
    if not funding_round.is_decided:
        raise Http404
    package = opendata.grants_package(funding_round)
    response = HttpResponse(
        opendata.grants_workbook(package),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="360giving-{funding_round.financial_year}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def history_import(request):
    require_perm(request.user, "funding.import_history")
    form = HistoryImportForm(request.POST or None, request.FILES or None)
    issues = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = importer.read_table(form.cleaned_data["file"])
            funding_round = importer.history_import(actor=request.user, rows=rows)
        except importer.HistoryImportError as error:
            issues = error.issues
            form.add_error(
                "file",
                f"The file has {len(issues)} problem{'s' if len(issues) != 1 else ''}. "
                "Nothing has been imported. Correct them and upload it again",
            )
        else:
            messages.success(request, f"Imported {funding_round}")
            return redirect(funding_round.get_absolute_url())
    return render(
        request,
        "funding/history_import.html",
        {"form": form, "issues": issues, "columns": importer.COLUMNS, "categories": BudgetCategory.choices},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def import_template(request):
    require_perm(request.user, "funding.import_history")
    rows = [
        ",".join(importer.COLUMNS),
        "2008/09,E09000007,Budget,Staffing,Administrator (37.5 hours),30000.00,Salary and on-costs",
        "2008/09,E09000007,Budget,Venue and facilities,Hire of the town hall,2400.00,",
        "2008/09,E09000007,Award,,,32400.00,",
    ]
    response = HttpResponse("\n".join(rows) + "\n", content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="funding-history-template.csv"'
    return response
